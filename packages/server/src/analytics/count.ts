// What a run of log entries adds to an event's analytics: comments by the minute they were
// posted, and chatters. Pure, so a range counts the same on any node. (Deletions are counted
// where they are made, moderation/actions.ts: a `delete` entry says neither when nor by whom.)
import type { Entry } from '@livecomments/protocol';
import { type ChatterDelta, type MinuteCounts, minuteOf } from '../engines/analytics.js';

/** The counts of a run of entries. */
export interface EntryCounts {
  minutes: MinuteCounts[];
  chatters: ChatterDelta[];
}

/** Counts the comments of a run of entries of one event. */
export function countEntries(entries: readonly Entry[]): EntryCounts {
  const minutes = new Map<number, MinuteCounts>();
  const chatters = new Map<string, ChatterDelta>();
  for (const entry of entries) {
    if (entry.type !== 'comment') continue;
    const { user, createdAt } = entry.comment;
    const t = minuteOf(createdAt);
    const m = minutes.get(t);
    if (m) m.comments = (m.comments ?? 0) + 1;
    else minutes.set(t, { t, comments: 1 });
    const c = chatters.get(user.id);
    if (c) {
      c.comments += 1;
      c.firstAt = Math.min(c.firstAt, createdAt);
      c.name = user.name;
    } else {
      chatters.set(user.id, { userId: user.id, name: user.name, comments: 1, firstAt: createdAt });
    }
  }
  return { minutes: [...minutes.values()], chatters: [...chatters.values()] };
}
