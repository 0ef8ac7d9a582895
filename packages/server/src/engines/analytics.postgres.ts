// The analytics tables in PostgreSQL: twin of analytics.sqlite.ts; the contract is
// analytics.case.test.ts. Several nodes write side by side: a delta with a range moves the
// event's cursor by compare-and-set in its transaction (the loser's delta is not applied), and
// every other count is an additive upsert of what one node alone saw.
import type pg from 'pg';
import {
  type AnalyticsDelta,
  type Chatter,
  type ChatterDelta,
  MAX_REASONS,
  MINUTE_COLUMNS,
  type MinuteCounts,
  mergedMinutes,
  minuteFromRow,
  minuteValues,
  PEAK_COLUMNS,
  type ReasonDelta,
  type StoredAnalytics,
  TOTALS_SELECT,
  totalsFromRow,
} from './analytics.js';

/** Something that runs queries: the pool, or a client inside a transaction. */
type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** The analytics tables (self-contained, so it may be renumbered beside other migrations). */
export const ANALYTICS_MIGRATION = `
  CREATE TABLE IF NOT EXISTS analytics_minutes (
    event_id text NOT NULL,
    t        bigint NOT NULL,
    ${MINUTE_COLUMNS.map(([, c]) => `${c} bigint NOT NULL DEFAULT 0`).join(',\n    ')},
    PRIMARY KEY (event_id, t)
  );
  CREATE TABLE IF NOT EXISTS analytics_chatters (
    event_id text NOT NULL,
    user_id  text NOT NULL,
    name     text NOT NULL,
    comments bigint NOT NULL,
    first_at bigint NOT NULL,
    PRIMARY KEY (event_id, user_id)
  );
  CREATE INDEX IF NOT EXISTS analytics_top ON analytics_chatters (event_id, comments DESC, user_id);
  CREATE TABLE IF NOT EXISTS analytics_reasons (
    event_id text NOT NULL,
    kind     text NOT NULL,
    reason   text NOT NULL,
    n        bigint NOT NULL,
    PRIMARY KEY (event_id, kind, reason)
  );
  CREATE TABLE IF NOT EXISTS analytics_cursor (
    event_id text PRIMARY KEY,
    seq      bigint NOT NULL
  );`;

const COLUMNS = MINUTE_COLUMNS.map(([, c]) => c);
/** Upserts minute rows given as arrays: $1 event ids, $2 minutes, then one array per column. */
const UPSERT_MINUTES = `INSERT INTO analytics_minutes (event_id, t, ${COLUMNS.join(', ')})
  SELECT * FROM unnest($1::text[], $2::bigint[], ${COLUMNS.map((_, i) => `$${i + 3}::bigint[]`).join(', ')})
  ON CONFLICT (event_id, t) DO UPDATE SET ${COLUMNS.map((c) =>
    PEAK_COLUMNS.has(c)
      ? `${c} = GREATEST(analytics_minutes.${c}, excluded.${c})`
      : `${c} = analytics_minutes.${c} + excluded.${c}`,
  ).join(', ')}`;

/** Adds minute rows of several events in one statement (merged and sorted first: one lock order). */
export async function addMinutes(
  db: Queryable,
  parts: { eventId: string; minutes: readonly MinuteCounts[] }[],
): Promise<void> {
  const rows = mergedMinutes(parts);
  if (rows.length === 0) return;
  const values = rows.map((r) => minuteValues(r.minute));
  await db.query(UPSERT_MINUTES, [
    rows.map((r) => r.eventId),
    rows.map((r) => r.minute.t),
    ...COLUMNS.map((_, i) => values.map((v) => v[i]!)),
  ]);
}

/** Adds counts by reason; past `MAX_REASONS` distinct ones an event's further reasons count as `other`. */
export async function addReasons(
  db: Queryable,
  parts: { eventId: string; reasons: readonly ReasonDelta[] }[],
): Promise<void> {
  const rows = parts.flatMap((p) => p.reasons.map((r) => ({ eventId: p.eventId, ...r })));
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO analytics_reasons (event_id, kind, reason, n)
     SELECT e, k, rr, sum(n) FROM (
       SELECT e, k, n, CASE WHEN EXISTS (SELECT 1 FROM analytics_reasons a WHERE a.event_id = e AND a.kind = k AND a.reason = r)
         OR (SELECT count(*) FROM analytics_reasons a WHERE a.event_id = e AND a.kind = k) < $5 THEN r ELSE 'other' END AS rr
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS x(e, k, r, n)) y
     GROUP BY e, k, rr ORDER BY e, k, rr
     ON CONFLICT (event_id, kind, reason) DO UPDATE SET n = analytics_reasons.n + excluded.n`,
    [rows.map((r) => r.eventId), rows.map((r) => r.kind), rows.map((r) => r.reason), rows.map((r) => r.n), MAX_REASONS],
  );
}

/**
 * Adds comments to chatters in one statement; a user seen for the first time adds a new chatter
 * to the minute of `firstAt` (`xmax = 0`: the row was inserted, not updated).
 */
async function addChatters(
  db: Queryable,
  parts: { eventId: string; chatters: readonly ChatterDelta[] }[],
): Promise<void> {
  const merged = new Map<string, { eventId: string } & ChatterDelta>();
  for (const p of parts) {
    for (const c of p.chatters) {
      const key = `${p.eventId}\u0000${c.userId}`;
      const was = merged.get(key);
      if (was) {
        was.comments += c.comments;
        was.firstAt = Math.min(was.firstAt, c.firstAt);
        was.name = c.name;
      } else merged.set(key, { eventId: p.eventId, ...c });
    }
  }
  const rows = [...merged.values()].sort((a, b) =>
    a.eventId === b.eventId ? (a.userId < b.userId ? -1 : 1) : a.eventId < b.eventId ? -1 : 1,
  );
  if (rows.length === 0) return;
  await db.query(
    `WITH c AS (
       INSERT INTO analytics_chatters (event_id, user_id, name, comments, first_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
       ON CONFLICT (event_id, user_id) DO UPDATE
         SET comments = analytics_chatters.comments + excluded.comments, name = excluded.name
       RETURNING event_id, first_at, (xmax = 0) AS inserted)
     INSERT INTO analytics_minutes (event_id, t, new_chatters)
     SELECT event_id, first_at - first_at % 60000, count(*) FROM c WHERE inserted GROUP BY 1, 2 ORDER BY 1, 2
     ON CONFLICT (event_id, t) DO UPDATE SET new_chatters = analytics_minutes.new_chatters + excluded.new_chatters`,
    [
      rows.map((r) => r.eventId),
      rows.map((r) => r.userId),
      rows.map((r) => r.name),
      rows.map((r) => r.comments),
      rows.map((r) => r.firstAt),
    ],
  );
}

/** Moves an event's cursor from `from` to `to`; false when it is not at `from`. */
async function moveCursor(db: Queryable, eventId: string, from: number, to: number): Promise<boolean> {
  const moved = await db.query('UPDATE analytics_cursor SET seq = $3 WHERE event_id = $1 AND seq = $2', [
    eventId,
    from,
    to,
  ]);
  if ((moved.rowCount ?? 0) === 1) return true;
  if (from !== 0) return false;
  const first = await db.query('INSERT INTO analytics_cursor (event_id, seq) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    eventId,
    to,
  ]);
  return (first.rowCount ?? 0) === 1;
}

/**
 * Applies deltas in the caller's transaction: the cursors first, one event at a time in id order
 * (a node racing for the same cursor waits on its row, then finds it moved), then the counts of
 * the deltas that hold, each table in one statement.
 */
export async function applyAnalytics(client: pg.PoolClient, deltas: AnalyticsDelta[]): Promise<boolean[]> {
  const order = deltas.map((_, i) => i).sort((a, b) => (deltas[a]!.eventId < deltas[b]!.eventId ? -1 : 1));
  const applied = new Array<boolean>(deltas.length).fill(true);
  for (const i of order) {
    const d = deltas[i]!;
    if (d.range) applied[i] = await moveCursor(client, d.eventId, d.range.from, d.range.to);
  }
  const held = deltas.filter((_, i) => applied[i]);
  await addMinutes(client, held);
  await addChatters(
    client,
    held.map((d) => ({ eventId: d.eventId, chatters: d.chatters ?? [] })),
  );
  await addReasons(
    client,
    held.map((d) => ({ eventId: d.eventId, reasons: d.reasons ?? [] })),
  );
  return applied;
}

/** The cursor of an event (0 when none). */
export async function analyticsCursor(db: Queryable, eventId: string): Promise<number> {
  const { rows } = await db.query<{ seq: string }>('SELECT seq FROM analytics_cursor WHERE event_id = $1', [eventId]);
  return rows[0] ? Number(rows[0].seq) : 0;
}

/** An event's analytics, read in one snapshot (the caller's REPEATABLE READ transaction). */
export async function readAnalytics(
  client: pg.PoolClient,
  eventId: string,
  query: { from: number; to: number; top: number },
): Promise<StoredAnalytics> {
  const cursor = await analyticsCursor(client, eventId);
  const totals = await client.query(`SELECT ${TOTALS_SELECT} FROM analytics_minutes WHERE event_id = $1`, [eventId]);
  const minutes = await client.query(
    'SELECT * FROM analytics_minutes WHERE event_id = $1 AND t >= $2 AND t < $3 ORDER BY t LIMIT $4',
    [eventId, query.from, query.to, Math.ceil((query.to - query.from) / 60_000) + 1],
  );
  const top = await client.query<{ user_id: string; name: string; comments: string }>(
    'SELECT user_id, name, comments FROM analytics_chatters WHERE event_id = $1 ORDER BY comments DESC, user_id LIMIT $2',
    [eventId, query.top],
  );
  const reasons = await client.query<{ kind: ReasonDelta['kind']; reason: string; n: string }>(
    'SELECT kind, reason, n FROM analytics_reasons WHERE event_id = $1 ORDER BY kind, n DESC, reason',
    [eventId],
  );
  return {
    cursor,
    totals: totalsFromRow(totals.rows[0]),
    minutes: minutes.rows.map(minuteFromRow),
    top: top.rows.map((r): Chatter => ({ userId: r.user_id, name: r.name, comments: Number(r.comments) })),
    reasons: reasons.rows.map((r) => ({ kind: r.kind, reason: r.reason, n: Number(r.n) })),
  };
}
