// The owner's analytics as the store keeps them (docs/API.md "Analytics"): per-minute rows, one
// row per chatter and counts by reason, kept by the analytics log follower (analytics/) and by
// the writes that already record what the log does not hold (reactions, moderation actions).

/** One minute of an event: `t` is the minute's start (epoch ms, a multiple of 60 000). */
export interface MinuteCounts {
  t: number;
  /** Comments published (by the minute they were posted). */
  comments?: number;
  /** Users whose first comment of the event fell in this minute (their sum is the unique chatters). */
  newChatters?: number;
  reactions?: number;
  /** Comments the pipeline held for review, and blocked. */
  held?: number;
  blocked?: number;
  deleted?: number;
  /** Held comments decided (approved, rejected), and the time from hold to decision. */
  approved?: number;
  rejected?: number;
  decisionMs?: number;
  decisionMaxMs?: number;
  /** Viewer samples: the highest, their sum and their number (the average is sum / samples). */
  viewersPeak?: number;
  viewersSum?: number;
  viewersSamples?: number;
}

/** The comments of one user in one batch of log entries. */
export interface ChatterDelta {
  userId: string;
  name: string;
  comments: number;
  /** When the first of them was posted (its minute gets the `newChatters` if the user is new). */
  firstAt: number;
}

/** What counts by reason. */
export type ReasonKind = 'held' | 'blocked' | 'deleted';

/** A count by reason. */
export interface ReasonDelta {
  kind: ReasonKind;
  reason: string;
  n: number;
}

/**
 * Counts to add to one event's analytics. With `range`, they count the log entries with
 * `from < seq <= to` and are applied only while the event's analytics cursor stands at `from`,
 * which moves to `to` in the same transaction: a range is counted once, by whichever node or
 * restart gets there first. Without it they are added as they are (viewer samples).
 */
export interface AnalyticsDelta {
  eventId: string;
  range?: { from: number; to: number };
  minutes: MinuteCounts[];
  chatters?: ChatterDelta[];
  reasons?: ReasonDelta[];
}

/** A user and their comments in an event. */
export interface Chatter {
  userId: string;
  name: string;
  comments: number;
}

/** What the store holds of an event's analytics. */
export interface StoredAnalytics {
  /** The seq of the last log entry counted (0 before any). */
  cursor: number;
  /** Sums over every minute of the event (peaks: the highest). */
  totals: Required<Omit<MinuteCounts, 't'>>;
  /** The minutes with `from <= t < to`, ascending. */
  minutes: MinuteCounts[];
  /** The users with the most comments, most first (ties by user id). */
  top: Chatter[];
  reasons: ReasonDelta[];
}

/**
 * The analytics part of the store. Guarantees: each `applyAnalytics` delta is atomic; a delta
 * with a range is applied at most once over all nodes and restarts (its cursor check and move
 * are in its transaction); the others are plain additions. Reactions (`addReactions` with minutes)
 * and moderation actions (`addModAction`: hold, block, approve and reject of a held comment) add
 * their counts in their own transaction, so they are never lost nor counted twice.
 */
export interface AnalyticsStore {
  /** The seq of the last log entry counted into the event's analytics (0 when none). */
  analyticsCursor(eventId: string): Promise<number>;
  /** Applies deltas (each on its own); per delta, whether it was applied (false: the cursor had moved). */
  applyAnalytics(deltas: AnalyticsDelta[]): Promise<boolean[]>;
  /** An event's analytics: totals, the minutes in `[from, to)`, the `top` chatters, counts by reason. */
  readAnalytics(eventId: string, query: { from: number; to: number; top: number }): Promise<StoredAnalytics>;
}

/** What the analytics read of a moderation action (store.ts `ModAction`). */
export interface ModerationRecord {
  action: string;
  at: number;
  reason?: string;
  details?: Record<string, unknown>;
}

/** Milliseconds in a minute row. */
export const MINUTE_MS = 60_000;

/** The start of the minute of `at`. */
export function minuteOf(at: number): number {
  return at - (((at % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
}

/** Distinct reasons kept per event and kind; further ones count as `other` (reasons may come from a hook). */
export const MAX_REASONS = 32;
/** Longest reason kept. */
const MAX_REASON_CHARS = 40;

/** A reason as a short code: bounded, without control characters; empty ones are `unspecified`. */
export function reasonCode(reason: string): string {
  const trimmed = reason.trim().slice(0, MAX_REASON_CHARS);
  const clean = trimmed.replace(/[\u0000-\u001f\u007f]/g, '');
  return clean.length > 0 ? clean : 'unspecified';
}

/** The column names of a minute row, in the order both stores write them. */
export const MINUTE_COLUMNS = [
  ['comments', 'comments'],
  ['newChatters', 'new_chatters'],
  ['reactions', 'reactions'],
  ['held', 'held'],
  ['blocked', 'blocked'],
  ['deleted', 'deleted'],
  ['approved', 'approved'],
  ['rejected', 'rejected'],
  ['decisionMs', 'decision_ms'],
  ['decisionMaxMs', 'decision_max_ms'],
  ['viewersPeak', 'viewers_peak'],
  ['viewersSum', 'viewers_sum'],
  ['viewersSamples', 'viewers_samples'],
] as const;

/** Columns that keep their highest value instead of a sum. */
export const PEAK_COLUMNS: ReadonlySet<string> = new Set(['decision_max_ms', 'viewers_peak']);

/** A minute's values in `MINUTE_COLUMNS` order (absent ones 0). */
export function minuteValues(m: MinuteCounts): number[] {
  return MINUTE_COLUMNS.map(([key]) => m[key] ?? 0);
}

/** A minute from a row of `analytics_minutes` (numbers may come as strings from PostgreSQL). */
export function minuteFromRow(row: Record<string, unknown>): MinuteCounts {
  const m: MinuteCounts = { t: Number(row.t) };
  for (const [key, column] of MINUTE_COLUMNS) m[key] = Number(row[column] ?? 0);
  return m;
}

/** Totals from a row of sums (and maxima) over the minutes. */
export function totalsFromRow(row: Record<string, unknown> | undefined): StoredAnalytics['totals'] {
  const totals = {} as StoredAnalytics['totals'];
  for (const [key, column] of MINUTE_COLUMNS) totals[key] = Number(row?.[column] ?? 0);
  return totals;
}

/** The SELECT list of totals over `analytics_minutes` (sums, and maxima for peaks). */
export const TOTALS_SELECT = MINUTE_COLUMNS.map(([, c]) =>
  PEAK_COLUMNS.has(c) ? `coalesce(max(${c}), 0) AS ${c}` : `coalesce(sum(${c}), 0) AS ${c}`,
).join(', ');

/**
 * What a moderation action adds to the analytics, written with it in its transaction: a hold or
 * a block (each of its reasons counted), the approval or rejection of a held comment (with the
 * time since it was held: `details.heldAt`). Null for the others.
 */
export function modActionCounts(a: ModerationRecord): { minute: MinuteCounts; reasons: ReasonDelta[] } | null {
  const t = minuteOf(a.at);
  if (a.action === 'hold' || a.action === 'block') {
    const kind = a.action === 'hold' ? 'held' : 'blocked';
    const codes = new Set((a.reason ?? '').split(',').map(reasonCode));
    return {
      minute: kind === 'held' ? { t, held: 1 } : { t, blocked: 1 },
      reasons: [...codes].map((reason) => ({ kind, reason, n: 1 })),
    };
  }
  const heldAt = a.details?.heldAt;
  if ((a.action === 'approve' || a.action === 'reject') && typeof heldAt === 'number') {
    const ms = Math.max(0, Math.round(a.at - heldAt));
    const minute: MinuteCounts = { t, decisionMs: ms, decisionMaxMs: ms };
    if (a.action === 'approve') minute.approved = 1;
    else minute.rejected = 1;
    return { minute, reasons: [] };
  }
  return null;
}

/** A deletion of a comment, by who made it: one in its minute and one for its reason. */
export function deletionDelta(eventId: string, by: string, at: number): AnalyticsDelta {
  return {
    eventId,
    minutes: [{ t: minuteOf(at), deleted: 1 }],
    reasons: [{ kind: 'deleted', reason: reasonCode(by), n: 1 }],
  };
}

/** Reactions by minute as minute rows. */
export function reactionMinutes(byMinute: Readonly<Record<string, number>> | undefined): MinuteCounts[] {
  if (!byMinute) return [];
  return Object.entries(byMinute)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => ({ t: Number(t), reactions: n }));
}

/** Adds a minute's counts into another of the same `t` (sums, and the highest for peaks). */
export function mergeMinute(into: MinuteCounts, m: MinuteCounts): void {
  for (const [key, column] of MINUTE_COLUMNS) {
    const v = m[key];
    if (v === undefined) continue;
    const was = into[key] ?? 0;
    into[key] = PEAK_COLUMNS.has(column) ? Math.max(was, v) : was + v;
  }
}

/** Minutes of several deltas merged by event and minute, sorted (one row each, in lock order). */
export function mergedMinutes(parts: { eventId: string; minutes: readonly MinuteCounts[] }[]): {
  eventId: string;
  minute: MinuteCounts;
}[] {
  const byKey = new Map<string, { eventId: string; minute: MinuteCounts }>();
  for (const { eventId, minutes } of parts) {
    for (const m of minutes) {
      const key = `${eventId}\u0000${m.t}`;
      const row = byKey.get(key);
      if (row) mergeMinute(row.minute, m);
      else byKey.set(key, { eventId, minute: { ...m } });
    }
  }
  return [...byKey.values()].sort((a, b) =>
    a.eventId === b.eventId ? a.minute.t - b.minute.t : a.eventId < b.eventId ? -1 : 1,
  );
}
