// The append transaction of the PostgreSQL store: one batch (a group commit) in one transaction.
//
// 1. Lock the rows of the batch's events, in id order so that two batches never deadlock. From
//    here on, appends to these events from every process wait for this transaction; that is what
//    makes the client-id check below safe without retries.
// 2. Find comments the batch repeats (same client id, or the same comment id already published)
//    and answer them with `{existing}`: they take no sequence number.
// 3. Take a block of sequence numbers per event with one `UPDATE ... RETURNING`.
// 4. Write the log rows, then the projections (comments, deletions, bans, event state).
import type { Comment, Entry, NewEntry } from '@livecomments/protocol';
import type pg from 'pg';
import type { AppendItem, AppendResult, StoredComment } from './store.js';
import { type CommentRow, commentFromRow } from './store.postgres.rows.js';

/** Thrown when a batch names an event that does not exist; nothing of the batch is written. */
export class UnknownEventError extends Error {
  constructor(readonly eventId: string) {
    super(`no event ${eventId}`);
    this.name = 'UnknownEventError';
  }
}

type CommentItem = AppendItem & { entry: Extract<NewEntry, { type: 'comment' }> };

/** What the batch does with one item, decided before sequence numbers are taken. */
type Plan = { kind: 'existing'; existing: StoredComment } | { kind: 'new'; flip: boolean; record: StoredComment };

/** Appends one batch inside an open transaction on `client`. */
export async function appendBatch(client: pg.PoolClient, items: AppendItem[]): Promise<AppendResult[]> {
  const eventIds = [...new Set(items.map((i) => i.eventId))].sort();
  const locked = await client.query<{ id: string }>({
    name: 'lc_append_lock',
    text: 'SELECT id FROM events WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE',
    values: [eventIds],
  });
  if (locked.rows.length !== eventIds.length) {
    const found = new Set(locked.rows.map((r) => r.id));
    throw new UnknownEventError(eventIds.find((id) => !found.has(id))!);
  }

  const plans = await planComments(client, items);
  const counts = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    if (plans[i]?.kind === 'existing') continue;
    const id = items[i]!.eventId;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  if (counts.size === 0) return plans.map((p) => ({ existing: (p as { existing: StoredComment }).existing }));

  // The block of seqs per event: (last_seq - n, last_seq].
  const taken = await client.query<{ id: string; last_seq: string }>({
    name: 'lc_append_seqs',
    text: `UPDATE events e SET last_seq = e.last_seq + v.n
     FROM unnest($1::text[], $2::int[]) AS v(id, n) WHERE e.id = v.id
     RETURNING e.id, e.last_seq`,
    values: [[...counts.keys()], [...counts.values()]],
  });
  const next = new Map<string, number>();
  for (const r of taken.rows) next.set(r.id, Number(r.last_seq) - counts.get(r.id)! + 1);

  const results: AppendResult[] = [];
  const written: { item: AppendItem; entry: Entry; flip: boolean }[] = [];
  for (let i = 0; i < items.length; i++) {
    const plan = plans[i];
    if (plan?.kind === 'existing') {
      results.push({ existing: plan.existing });
      continue;
    }
    const item = items[i]!;
    const seq = next.get(item.eventId)!;
    next.set(item.eventId, seq + 1);
    const entry = withSeq(item.entry, seq);
    if (plan?.kind === 'new') plan.record.comment.seq = seq;
    results.push({ entry });
    written.push({ item, entry, flip: plan?.kind === 'new' && plan.flip });
  }

  await insertEntries(client, written);
  await writeComments(client, written);
  for (const { item, entry } of written) await project(client, item.eventId, entry);
  return results;
}

/** Gives a new entry its seq (a comment carries it twice: on the entry and on the comment). */
function withSeq(entry: NewEntry, seq: number): Entry {
  switch (entry.type) {
    case 'comment':
      return { ...entry, seq, comment: { ...entry.comment, seq } };
    case 'event':
      return { ...entry, seq, event: { ...entry.event, lastSeq: seq } };
    default:
      return { ...entry, seq } as Entry;
  }
}

/** Decides, for each comment item, whether it is new, publishes a held one, or repeats one. */
async function planComments(client: pg.PoolClient, items: AppendItem[]): Promise<(Plan | undefined)[]> {
  const comments = items.filter((i): i is CommentItem => i.entry.type === 'comment');
  if (comments.length === 0) return items.map(() => undefined);
  const withClient = comments.filter((i) => i.clientId !== undefined);
  // UNION ALL: a row found both ways is simply remembered twice.
  const { rows } = await client.query<CommentRow>({
    name: 'lc_append_find',
    text: `SELECT * FROM comments WHERE (event_id, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
     UNION ALL
     SELECT * FROM comments WHERE (event_id, user_id, client_id) IN (SELECT * FROM unnest($3::text[], $4::text[], $5::text[]))`,
    values: [
      comments.map((i) => i.eventId),
      comments.map((i) => i.entry.comment.id),
      withClient.map((i) => i.eventId),
      withClient.map((i) => i.entry.comment.user.id),
      withClient.map((i) => i.clientId!),
    ],
  });
  const byId = new Map<string, StoredComment>();
  const byClient = new Map<string, StoredComment>();
  const remember = (s: StoredComment): void => {
    byId.set(`${s.comment.eventId}\n${s.comment.id}`, s);
    if (s.clientId !== undefined) byClient.set(`${s.comment.eventId}\n${s.comment.user.id}\n${s.clientId}`, s);
  };
  rows.map(commentFromRow).forEach(remember);

  return items.map((item): Plan | undefined => {
    if (item.entry.type !== 'comment') return undefined;
    const c = item.entry.comment;
    const sameClient =
      item.clientId === undefined ? undefined : byClient.get(`${item.eventId}\n${c.user.id}\n${item.clientId}`);
    if (sameClient && sameClient.comment.id !== c.id) return { kind: 'existing', existing: sameClient };
    const sameId = byId.get(`${item.eventId}\n${c.id}`);
    // Appending a comment twice (two moderators approving at once, say) publishes it once.
    if (sameId && sameId.status !== 'held') return { kind: 'existing', existing: sameId };
    // Later items of this batch that repeat this one get it back as `existing`; its seq is set
    // once the block of seqs is taken.
    const published: StoredComment = { comment: { ...c, seq: null }, status: 'published' };
    const clientId = item.clientId ?? sameId?.clientId;
    if (clientId !== undefined) published.clientId = clientId;
    remember(published);
    return { kind: 'new', flip: sameId !== undefined, record: published };
  });
}

/** Writes the log rows of a batch in one statement. */
async function insertEntries(client: pg.PoolClient, written: { item: AppendItem; entry: Entry }[]): Promise<void> {
  await client.query({
    name: 'lc_append_entries',
    text: `INSERT INTO entries (event_id, seq, type, data)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::jsonb[])`,
    values: [
      written.map((w) => w.item.eventId),
      written.map((w) => w.entry.seq),
      written.map((w) => w.entry.type),
      written.map((w) => JSON.stringify(w.entry)),
    ],
  });
}

/** Inserts the batch's new comments in one statement and publishes the held ones it approves. */
async function writeComments(
  client: pg.PoolClient,
  written: { item: AppendItem; entry: Entry; flip: boolean }[],
): Promise<void> {
  const fresh: { c: Comment; clientId: string | null }[] = [];
  for (const w of written) {
    if (w.entry.type !== 'comment') continue;
    const c = w.entry.comment;
    if (!w.flip) {
      fresh.push({ c, clientId: w.item.clientId ?? null });
      continue;
    }
    await client.query(
      `UPDATE comments SET status = 'published', seq = $3, text = $4, client_id = coalesce(client_id, $5)
       WHERE event_id = $1 AND id = $2`,
      [c.eventId, c.id, c.seq, c.text, w.item.clientId ?? null],
    );
  }
  if (fresh.length === 0) return;
  await client.query({
    name: 'lc_append_comments',
    text: `INSERT INTO comments (event_id, id, seq, user_id, user_name, text, created_at, parent_id, status, client_id)
     SELECT e, i, s, u, n, t, c, p, 'published', k
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[])
       AS v(e, i, s, u, n, t, c, p, k)`,
    values: [
      fresh.map((f) => f.c.eventId),
      fresh.map((f) => f.c.id),
      fresh.map((f) => f.c.seq),
      fresh.map((f) => f.c.user.id),
      fresh.map((f) => f.c.user.name),
      fresh.map((f) => f.c.text),
      fresh.map((f) => f.c.createdAt),
      fresh.map((f) => f.c.parentId ?? null),
      fresh.map((f) => f.clientId),
    ],
  });
}

/** Applies the side effects of a non-comment entry. */
async function project(client: pg.PoolClient, eventId: string, entry: Entry): Promise<void> {
  switch (entry.type) {
    case 'delete':
      // Blank the text in both places, so no reader (page, resume, gap fill) serves it again.
      await client.query(
        `WITH d AS (
           UPDATE comments SET status = 'deleted', text = '' WHERE event_id = $1 AND id = $2 RETURNING seq
         )
         UPDATE entries SET data = jsonb_set(data, '{comment,text}', '""')
         WHERE event_id = $1 AND seq = (SELECT seq FROM d)`,
        [eventId, entry.commentId],
      );
      return;
    case 'ban':
      await client.query(
        `INSERT INTO bans (event_id, user_id, until, reason, by_id, created_at) VALUES ($1, $2, $3, NULL, '', $4)
         ON CONFLICT (event_id, user_id) DO UPDATE SET until = excluded.until`,
        [eventId, entry.userId, entry.until, Date.now()],
      );
      return;
    case 'event': {
      const e = entry.event;
      await client.query('UPDATE events SET title = $2, status = $3, ended_at = $4, settings = $5 WHERE id = $1', [
        eventId,
        e.title,
        e.status,
        e.endedAt ?? null,
        JSON.stringify(e.settings),
      ]);
      return;
    }
    default:
      return;
  }
}
