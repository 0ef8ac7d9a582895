// The append transaction of the PostgreSQL store: one batch (a group commit) in one call of the
// `lc_append_outbox` function, so a batch costs one round trip however many statements it runs.
// It wraps `lc_append_interactions` or `lc_append` (sql/lc_append.v2.sql, whose steps and
// TypeScript twin are described there) and adds the webhook outbox rows.
import type { Entry } from '@livecomments/protocol';
import type pg from 'pg';
import type { AppendItem, AppendResult, StoredComment } from './store.js';
import { type CommentRow, commentFromRow } from './store.rows.js';

/** What `lc_append` answers for one item. */
type Outcome = { entry: Entry } | { existing: CommentRow } | { same: number } | { skipped: true };

/**
 * Appends one batch in one transaction (the function call is its own transaction). Every batch
 * takes one path: `lc_append_outbox` (sql/lc_append_outbox.sql) appends it with
 * `lc_append_interactions` when it holds pins or polls, else with `lc_append`, and writes the
 * webhook outbox rows of what was appended.
 */
export async function appendBatch(pool: pg.Pool, items: AppendItem[], notifyAll = false): Promise<AppendResult[]> {
  const { rows } = await pool.query<{ r: Outcome[] }>({
    name: 'lc_append_outbox',
    text: 'SELECT lc_append_outbox($1::jsonb, $2) AS r',
    values: [JSON.stringify(items), notifyAll],
  });
  const outcomes = rows[0]!.r;
  return outcomes.map((o, i) => resolve(outcomes, items, o, i));
}

function resolve(outcomes: Outcome[], items: AppendItem[], o: Outcome, i: number): AppendResult {
  if ('entry' in o) return { entry: o.entry };
  if ('skipped' in o) return { skipped: true };
  if ('existing' in o) return { existing: commentFromRow(o.existing) };
  // A repeat of an earlier item of the same batch: answer with the comment that item published.
  const first = outcomes[o.same];
  if (!first || !('entry' in first) || first.entry.type !== 'comment') {
    throw new Error(`lc_append: item ${i} repeats item ${o.same}, which published nothing`);
  }
  const published: StoredComment = { comment: first.entry.comment, status: 'published' };
  const clientId = items[o.same]?.clientId;
  if (clientId !== undefined) published.clientId = clientId;
  return { existing: published };
}
