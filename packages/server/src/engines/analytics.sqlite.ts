// The analytics tables in SQLite: the writes (on the store's write connection, inside its
// transactions) and the reads (on its read connection). Twin of analytics.postgres.ts; the
// contract is analytics.case.test.ts.
import type Database from 'better-sqlite3';
import {
  type AnalyticsDelta,
  type Chatter,
  type ChatterDelta,
  MAX_REASONS,
  MINUTE_COLUMNS,
  type MinuteCounts,
  minuteFromRow,
  minuteValues,
  PEAK_COLUMNS,
  type ReasonDelta,
  type StoredAnalytics,
  TOTALS_SELECT,
  totalsFromRow,
} from './analytics.js';

/**
 * Per-minute rows, one row per chatter (exact unique chatters, bounded by the event's chatters,
 * not by a request), counts by reason, and each event's cursor in its log. Self-contained, so it
 * may be renumbered beside other migrations.
 */
export const ANALYTICS_MIGRATION = `
  CREATE TABLE IF NOT EXISTS analytics_minutes (
    event_id TEXT NOT NULL, t INTEGER NOT NULL,
    ${MINUTE_COLUMNS.map(([, c]) => `${c} INTEGER NOT NULL DEFAULT 0`).join(', ')},
    PRIMARY KEY (event_id, t)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS analytics_chatters (
    event_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, comments INTEGER NOT NULL,
    first_at INTEGER NOT NULL, PRIMARY KEY (event_id, user_id)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS analytics_top ON analytics_chatters (event_id, comments DESC, user_id);
  CREATE TABLE IF NOT EXISTS analytics_reasons (
    event_id TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (event_id, kind, reason)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS analytics_cursor (
    event_id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;`;

const COLUMNS = MINUTE_COLUMNS.map(([, c]) => c);
const UPSERT_MINUTE = `INSERT INTO analytics_minutes (event_id, t, ${COLUMNS.join(', ')})
  VALUES (?, ?, ${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (event_id, t) DO UPDATE SET ${COLUMNS.map((c) =>
    PEAK_COLUMNS.has(c) ? `${c} = max(${c}, excluded.${c})` : `${c} = ${c} + excluded.${c}`,
  ).join(', ')}`;

/** The analytics writes, on the store's write connection; the caller holds the transaction. */
export class SqliteAnalyticsWrites {
  private readonly q: ReturnType<typeof prepareWrites>;
  private readonly applyTx: (deltas: AnalyticsDelta[]) => boolean[];

  constructor(db: Database.Database) {
    this.q = prepareWrites(db);
    this.applyTx = db.transaction((deltas: AnalyticsDelta[]) => deltas.map((d) => this.applyOne(d)));
  }

  /** Applies deltas in one transaction; per delta, whether it was applied. */
  apply(deltas: AnalyticsDelta[]): boolean[] {
    return this.applyTx(deltas);
  }

  /** Adds minute rows (inside the caller's transaction). */
  addMinutes(eventId: string, minutes: readonly MinuteCounts[]): void {
    for (const m of minutes) this.q.upsertMinute.run(eventId, m.t, ...minuteValues(m));
  }

  /** Adds counts by reason; past `MAX_REASONS` distinct ones an event's further reasons count as `other`. */
  addReasons(eventId: string, reasons: readonly ReasonDelta[]): void {
    for (const r of reasons) this.q.addReason.run({ e: eventId, k: r.kind, r: r.reason, n: r.n, max: MAX_REASONS });
  }

  private applyOne(d: AnalyticsDelta): boolean {
    if (d.range && !this.moveCursor(d.eventId, d.range.from, d.range.to)) return false;
    this.addMinutes(d.eventId, d.minutes);
    if (d.chatters) this.addChatters(d.eventId, d.chatters);
    if (d.reasons) this.addReasons(d.eventId, d.reasons);
    return true;
  }

  /** Moves the cursor from `from` to `to`; false when it is not at `from`. */
  private moveCursor(eventId: string, from: number, to: number): boolean {
    if (this.q.moveCursor.run(to, eventId, from).changes === 1) return true;
    return from === 0 && this.q.firstCursor.run(eventId, to).changes === 1;
  }

  /** Adds comments to chatters; a user seen for the first time counts in the minute of `firstAt`. */
  private addChatters(eventId: string, chatters: readonly ChatterDelta[]): void {
    for (const c of chatters) {
      if (this.q.insertChatter.run(eventId, c.userId, c.name, c.comments, c.firstAt).changes === 1) {
        this.addMinutes(eventId, [{ t: c.firstAt - (c.firstAt % 60_000), newChatters: 1 }]);
      } else {
        this.q.addChatterComments.run(c.comments, c.name, eventId, c.userId);
      }
    }
  }
}

function prepareWrites(db: Database.Database) {
  return {
    upsertMinute: db.prepare(UPSERT_MINUTE),
    moveCursor: db.prepare('UPDATE analytics_cursor SET seq = ? WHERE event_id = ? AND seq = ?'),
    firstCursor: db.prepare('INSERT INTO analytics_cursor (event_id, seq) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    insertChatter: db.prepare(
      'INSERT INTO analytics_chatters (event_id, user_id, name, comments, first_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    addChatterComments: db.prepare(
      'UPDATE analytics_chatters SET comments = comments + ?, name = ? WHERE event_id = ? AND user_id = ?',
    ),
    addReason: db.prepare(
      `INSERT INTO analytics_reasons (event_id, kind, reason, n) VALUES (@e, @k,
         CASE WHEN EXISTS (SELECT 1 FROM analytics_reasons WHERE event_id = @e AND kind = @k AND reason = @r)
           OR (SELECT count(*) FROM analytics_reasons WHERE event_id = @e AND kind = @k) < @max THEN @r ELSE 'other' END, @n)
       ON CONFLICT (event_id, kind, reason) DO UPDATE SET n = n + excluded.n`,
    ),
  };
}

/** The analytics reads, on the store's read connection. */
export function sqliteAnalyticsReads(db: Database.Database) {
  const q = {
    cursor: db.prepare('SELECT seq FROM analytics_cursor WHERE event_id = ?'),
    totals: db.prepare(`SELECT ${TOTALS_SELECT} FROM analytics_minutes WHERE event_id = ?`),
    minutes: db.prepare('SELECT * FROM analytics_minutes WHERE event_id = ? AND t >= ? AND t < ? ORDER BY t LIMIT ?'),
    top: db.prepare(
      'SELECT user_id, name, comments FROM analytics_chatters WHERE event_id = ? ORDER BY comments DESC, user_id LIMIT ?',
    ),
    reasons: db.prepare(
      'SELECT kind, reason, n FROM analytics_reasons WHERE event_id = ? ORDER BY kind, n DESC, reason',
    ),
  };
  return {
    cursor(eventId: string): number {
      return (q.cursor.get(eventId) as { seq: number } | undefined)?.seq ?? 0;
    },
    read(eventId: string, query: { from: number; to: number; top: number }): StoredAnalytics {
      // One read transaction, so the totals and the minutes agree.
      return db.transaction(() => ({
        cursor: (q.cursor.get(eventId) as { seq: number } | undefined)?.seq ?? 0,
        totals: totalsFromRow(q.totals.get(eventId) as Record<string, unknown> | undefined),
        minutes: (
          q.minutes.all(eventId, query.from, query.to, Math.ceil((query.to - query.from) / 60_000) + 1) as Record<
            string,
            unknown
          >[]
        ).map(minuteFromRow),
        top: (q.top.all(eventId, query.top) as { user_id: string; name: string; comments: number }[]).map(
          (r): Chatter => ({ userId: r.user_id, name: r.name, comments: r.comments }),
        ),
        reasons: q.reasons.all(eventId) as ReasonDelta[],
      }))();
    },
  };
}
