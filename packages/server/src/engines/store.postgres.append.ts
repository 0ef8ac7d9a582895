// The append transaction of the PostgreSQL store: one batch (a group commit) in one call of the
// `lc_append` function, so a batch costs one round trip however many statements it runs. The
// function, its steps and its TypeScript twin are in sql/lc_append.v2.sql (loaded by migration 4
// of store.postgres.schema.ts).
import type { Entry } from '@livecomments/protocol';
import type pg from 'pg';
import type { AppendItem, AppendResult, StoredComment } from './store.js';
import { type CommentRow, commentFromRow } from './store.rows.js';

/** What `lc_append` answers for one item. */
type Outcome = { entry: Entry } | { existing: CommentRow } | { same: number };

/** Appends one batch in one transaction (the function call is its own transaction). */
export async function appendBatch(pool: pg.Pool, items: AppendItem[], notifyAll = false): Promise<AppendResult[]> {
  // lc_append plus the webhook outbox rows of what it appended (sql/lc_append_outbox.sql).
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
