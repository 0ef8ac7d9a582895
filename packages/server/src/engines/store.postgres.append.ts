// The append transaction of the PostgreSQL store: one batch (a group commit) in one call of the
// `lc_append` function (migration 2 in store.postgres.schema.ts), so a batch costs one round
// trip however many statements it runs. The function:
//
// 1. locks the rows of the batch's events, in id order so that two batches never deadlock. From
//    there on, appends to these events from every process wait for this transaction; that is what
//    makes the client-id check below safe without retries;
// 2. finds comments the batch repeats (same client id, or the same comment id already published)
//    and answers them with `{existing}`: they take no sequence number;
// 3. takes a block of sequence numbers per event with one `UPDATE ... RETURNING`;
// 4. writes the log rows and the projections (comments, deletions, bans, event state).
//
// `lc_append_event_settings` (migration 3) wraps it: `event` entries carry the public part of the
// settings, and the wrapper writes the items' full settings to the events table afterwards.
import type { Entry } from '@livecomments/protocol';
import type pg from 'pg';
import type { AppendItem, AppendResult, StoredComment } from './store.js';
import { type CommentRow, commentFromRow } from './store.rows.js';

/** What `lc_append` answers for one item. */
type Outcome = { entry: Entry } | { existing: CommentRow } | { same: number };

/** Appends one batch in one transaction (the function call is its own transaction). */
export async function appendBatch(pool: pg.Pool, items: AppendItem[]): Promise<AppendResult[]> {
  const { rows } = await pool.query<{ r: Outcome[] }>({
    name: 'lc_append_event_settings',
    text: 'SELECT lc_append_event_settings($1::jsonb) AS r',
    values: [JSON.stringify(items)],
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
