// What a run of log entries adds to an event's analytics: comments per minute, chatters, and
// deletions by minute and by who removed them. Pure, so a range counts the same on any node.
import type { Entry } from '@livecomments/protocol';
import { type ChatterDelta, type MinuteCounts, minuteOf, type ReasonDelta } from '../engines/analytics.js';

/** The counts of a run of entries. */
export interface EntryCounts {
  minutes: MinuteCounts[];
  chatters: ChatterDelta[];
  reasons: ReasonDelta[];
}

/**
 * Counts entries of one event. A comment counts in the minute it was posted; a deletion in the
 * minute it was made (`at`), or, for entries of older releases without it, in the minute of the
 * comment before it in the run, else of `now`.
 */
export function countEntries(entries: readonly Entry[], now: number): EntryCounts {
  const minutes = new Map<number, MinuteCounts>();
  const chatters = new Map<string, ChatterDelta>();
  const deletedBy = new Map<string, number>();
  let lastAt: number | undefined;
  function minute(t: number): MinuteCounts {
    let m = minutes.get(t);
    if (!m) {
      m = { t };
      minutes.set(t, m);
    }
    return m;
  }
  for (const entry of entries) {
    if (entry.type === 'comment') {
      const { user, createdAt } = entry.comment;
      const m = minute(minuteOf(createdAt));
      m.comments = (m.comments ?? 0) + 1;
      const c = chatters.get(user.id);
      if (c) {
        c.comments += 1;
        c.firstAt = Math.min(c.firstAt, createdAt);
        c.name = user.name;
      } else {
        chatters.set(user.id, { userId: user.id, name: user.name, comments: 1, firstAt: createdAt });
      }
      lastAt = createdAt;
    } else if (entry.type === 'delete') {
      const m = minute(minuteOf(entry.at ?? lastAt ?? now));
      m.deleted = (m.deleted ?? 0) + 1;
      const by = entry.by ?? 'unspecified';
      deletedBy.set(by, (deletedBy.get(by) ?? 0) + 1);
    }
  }
  return {
    minutes: [...minutes.values()],
    chatters: [...chatters.values()],
    reasons: [...deletedBy].map(([reason, n]) => ({ kind: 'deleted' as const, reason, n })),
  };
}
