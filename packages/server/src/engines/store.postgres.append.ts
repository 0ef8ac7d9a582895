// The append transaction of the PostgreSQL store: one batch (a group commit) in one call of the
// `lc_append` function, so a batch costs one round trip however many statements it runs. The
// function, its steps and its TypeScript twin are in sql/lc_append.v2.sql (loaded by migration 4
// of store.postgres.schema.ts).
import type { Entry } from '@livecomments/protocol';
import type pg from 'pg';
import type { AppendItem, AppendResult, StoredComment } from './store.js';
import { type CommentRow, commentFromRow } from './store.rows.js';

/** What `lc_append` answers for one item. */
type Outcome = { entry: Entry } | { existing: CommentRow } | { same: number } | { skipped: true };

/**
 * Appends one batch in one transaction (the function call is its own transaction). A batch with
 * pins or polls goes through `lc_append_interactions`, which wraps `lc_append`.
 */
export async function appendBatch(pool: pg.Pool, items: AppendItem[]): Promise<AppendResult[]> {
  const fn = items.some(isInteraction) ? 'lc_append_interactions' : 'lc_append';
  const { rows } = await pool.query<{ r: Outcome[] }>({
    name: fn,
    text: `SELECT ${fn}($1::jsonb) AS r`,
    values: [JSON.stringify(items)],
  });
  const outcomes = rows[0]!.r;
  return outcomes.map((o, i) => resolve(outcomes, items, o, i));
}

function isInteraction(item: AppendItem): boolean {
  const type = item.entry.type;
  return type === 'pin' || type === 'unpin' || type === 'poll';
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
