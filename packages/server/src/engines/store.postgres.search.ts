// The PostgreSQL store's chat archive (engines/search.ts): a `tsvector` column with a GIN index
// that follows the log, the reads of search and export, and what removes comment text.
import type { Comment, Entry } from '@livecomments/protocol';
import type pg from 'pg';
import type {
  ErasureRecord,
  ErasureRequest,
  ExportRow,
  SearchHit,
  SearchPage,
  SearchQuery,
  SearchStatus,
} from './search.js';
import { searchWords } from './search.js';
import {
  type ErasureRow,
  erasureFromRow,
  type IndexDoc,
  indexChanges,
  pageOf,
  scanOf,
  searchBounds,
} from './search.rows.js';
import { type CommentRow, commentFromRow } from './store.rows.js';

/**
 * The index: one row per comment with text (published, held or rejected), its words as a
 * `tsvector` under a GIN index. The words are folded by `searchWords` (the same for both
 * stores) and written as a typed `tsvector` value rather than parsed by `to_tsvector`: the
 * parser of a text search configuration depends on the database's locale (with the C locale it
 * does not see letters outside ASCII), and the two stores must find the same comments. The
 * effect is that of the `simple` configuration (lower case, no stemming, no stop words) plus
 * `unaccent`, without needing that extension.
 */
export const SEARCH_MIGRATION = `
  CREATE TABLE IF NOT EXISTS search_docs (
    pos        bigserial PRIMARY KEY,
    event_id   text NOT NULL,
    comment_id text NOT NULL,
    user_id    text NOT NULL,
    created_at bigint NOT NULL,
    status     text NOT NULL,
    seq        bigint,
    words      tsvector NOT NULL,
    UNIQUE (event_id, comment_id)
  );
  CREATE INDEX IF NOT EXISTS search_docs_words ON search_docs USING gin (words);
  CREATE INDEX IF NOT EXISTS search_docs_order ON search_docs (event_id, pos);
  CREATE INDEX IF NOT EXISTS search_docs_author ON search_docs (event_id, user_id, pos);
  CREATE INDEX IF NOT EXISTS search_docs_time ON search_docs (event_id, created_at);
  CREATE TABLE IF NOT EXISTS search_progress (event_id text PRIMARY KEY, seq bigint NOT NULL);
  CREATE TABLE IF NOT EXISTS erasures (
    id bigserial PRIMARY KEY, user_id text NOT NULL, by_id text NOT NULL, at bigint NOT NULL,
    reason text, comments bigint NOT NULL, events bigint NOT NULL);`;

/**
 * A user's comments and the moderation log's entries about them, by index: an erasure finds
 * them a batch at a time (archive/erasure.ts) without reading every comment.
 */
export const ERASURE_MIGRATION = `
  CREATE INDEX IF NOT EXISTS comments_by_user ON comments (user_id, status);
  CREATE INDEX IF NOT EXISTS mod_actions_by_target ON mod_actions (target_id) WHERE target_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS mod_actions_by_user ON mod_actions ((details->>'userId'))
    WHERE details->>'userId' IS NOT NULL;`;

/**
 * The moderation log's entries with text about user $1 (on them, or on one of their comments),
 * at most $2: three index lookups (an OR of them, the subquery's especially, reads the table).
 */
export const ACTIONS_ABOUT_USER = `SELECT id FROM (
    SELECT id FROM mod_actions WHERE target_id = $1 AND text IS NOT NULL
    UNION SELECT id FROM mod_actions WHERE details->>'userId' = $1 AND text IS NOT NULL
    UNION SELECT m.id FROM comments c JOIN mod_actions m ON m.target_id = c.id
      WHERE c.user_id = $1 AND m.text IS NOT NULL) about
  LIMIT $2`;

/** A lexeme of a `tsvector` or `tsquery` literal, quoted (the words hold no quote, but be sure). */
function lexeme(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A text's words as a `tsvector` literal with positions (phrases need them; at most 16383). */
export function tsvectorOf(text: string): string {
  const positions = new Map<string, number[]>();
  searchWords(text).forEach(function place(word, i) {
    const at = Math.min(i + 1, 16_383);
    const list = positions.get(word);
    if (list) {
      if (list[list.length - 1] !== at) list.push(at);
    } else positions.set(word, [at]);
  });
  return [...positions].map(([w, at]) => `${lexeme(w)}:${at.join(',')}`).join(' ');
}

/** The `tsquery` literal of a search's terms: every term, a phrase as words in a row (`<->`). */
export function tsqueryOf(terms: readonly string[][]): string {
  return terms.map((t) => `(${t.map(lexeme).join(' <-> ')})`).join(' & ');
}

type HitRow = CommentRow & { pos: string; doc_status: SearchStatus; data: Entry | null };

function hitOf(row: HitRow): SearchHit {
  const comment: Comment = row.data?.type === 'comment' ? row.data.comment : { ...commentFromRow(row).comment, seq: 0 };
  return { comment, status: row.doc_status };
}

/** Inserts index rows (or publishes held ones), in the caller's transaction. */
async function addDocs(client: pg.PoolClient | pg.Pool, docs: readonly IndexDoc[]): Promise<void> {
  if (docs.length === 0) return;
  await client.query(
    `INSERT INTO search_docs (event_id, comment_id, user_id, created_at, status, seq, words)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::tsvector[])
     ON CONFLICT (event_id, comment_id) DO UPDATE SET status = excluded.status, seq = excluded.seq
       WHERE excluded.status = 'published'`,
    [
      docs.map((d) => d.eventId),
      docs.map((d) => d.commentId),
      docs.map((d) => d.userId),
      docs.map((d) => d.createdAt),
      docs.map((d) => d.status),
      docs.map((d) => d.seq),
      docs.map((d) => tsvectorOf(d.text)),
    ],
  );
}

/** The archive's statements over the pool; `transaction` runs a function in one transaction. */
export function postgresSearch(
  pool: pg.Pool,
  transaction: <T>(fn: (client: pg.PoolClient) => Promise<T>) => Promise<T>,
) {
  return {
    /** A held comment goes into the index with the hold, in its transaction. */
    addHeld(client: pg.PoolClient, doc: IndexDoc): Promise<void> {
      return addDocs(client, [doc]);
    },
    async setStatus(client: pg.PoolClient, eventId: string, commentId: string, status: SearchStatus): Promise<void> {
      await client.query('UPDATE search_docs SET status = $3 WHERE event_id = $1 AND comment_id = $2', [
        eventId,
        commentId,
        status,
      ]);
    },

    indexLog(eventId: string, limit: number): Promise<number> {
      return transaction(async function indexSome(client) {
        await client.query('INSERT INTO search_progress (event_id, seq) VALUES ($1, 0) ON CONFLICT DO NOTHING', [
          eventId,
        ]);
        // The row lock makes nodes indexing one event take turns: none applies an older entry
        // after another applied a newer one.
        const at = await client.query<{ seq: string }>(
          'SELECT seq FROM search_progress WHERE event_id = $1 FOR UPDATE',
          [eventId],
        );
        const { rows } = await client.query<{ seq: string; data: Entry }>(
          'SELECT seq, data FROM entries WHERE event_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
          [eventId, at.rows[0]!.seq, limit],
        );
        if (rows.length === 0) return 0;
        const { add, remove } = indexChanges(rows.map((r) => ({ ...r.data, seq: Number(r.seq) }) as Entry));
        if (remove.length > 0) {
          await client.query('DELETE FROM search_docs WHERE event_id = $1 AND comment_id = ANY($2::text[])', [
            eventId,
            remove,
          ]);
        }
        await addDocs(client, add);
        await client.query('UPDATE search_progress SET seq = $2 WHERE event_id = $1', [
          eventId,
          rows[rows.length - 1]!.seq,
        ]);
        return rows.length;
      });
    },

    async eventsBehind(limit: number): Promise<string[]> {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT e.id FROM events e LEFT JOIN search_progress p ON p.event_id = e.id
         WHERE e.last_seq > coalesce(p.seq, 0) LIMIT $1`,
        [limit],
      );
      return rows.map((r) => r.id);
    },

    async search(s: SearchQuery): Promise<SearchPage> {
      const posOf = async (text: string, name: string, time: number): Promise<number | null> => {
        const { rows } = await pool.query<{ pos: string }>({ name, text, values: [s.eventId, time] });
        return rows[0] ? Number(rows[0].pos) : null;
      };
      const { below, above } = await searchBounds(
        s,
        (time) =>
          posOf(
            'SELECT pos FROM search_docs WHERE event_id = $1 AND created_at >= $2 ORDER BY created_at LIMIT 1',
            'lc_search_first_at',
            time,
          ),
        (time) =>
          posOf(
            'SELECT pos FROM search_docs WHERE event_id = $1 AND created_at < $2 ORDER BY created_at DESC LIMIT 1',
            'lc_search_last_before',
            time,
          ),
      );
      if (below <= above + 1) return { items: [] };
      const scan = scanOf(s);
      const edge = await pool.query<{ pos: string }>({
        name: 'lc_search_floor',
        text: `SELECT pos FROM search_docs WHERE event_id = $1 AND pos < $2 AND pos > $3
               ORDER BY pos DESC OFFSET $4 LIMIT 1`,
        values: [s.eventId, below, above, scan],
      });
      const floor = edge.rows[0] ? Number(edge.rows[0].pos) : null;
      const words = s.query.terms.length > 0 ? tsqueryOf(s.query.terms) : null;
      // The window first, by the (event_id, pos) index, at most `scan` rows: the LIMIT keeps the
      // planner from starting at the GIN index, whose lists hold a word's rows of every event.
      const { rows } = await pool.query<HitRow>({
        name: words === null ? 'lc_search_all' : 'lc_search_words',
        text: `SELECT d.pos, d.status AS doc_status, c.*, e.data FROM (
            SELECT * FROM search_docs WHERE event_id = $1 AND pos < $2 AND pos > $9
            ORDER BY pos DESC LIMIT $10) d
          JOIN comments c ON c.event_id = d.event_id AND c.id = d.comment_id
          LEFT JOIN entries e ON d.status = 'published' AND e.event_id = d.event_id AND e.seq = d.seq
          WHERE d.status = ANY($3::text[])
            AND ($4::text IS NULL OR d.user_id = $4) AND d.created_at >= $5 AND d.created_at < $6
            ${words === null ? 'AND $8::tsquery IS NULL' : 'AND d.words @@ $8::tsquery'}
          ORDER BY d.pos DESC LIMIT $7`,
        values: [
          s.eventId,
          below,
          s.statuses,
          s.authorId ?? null,
          s.from ?? 0,
          s.to ?? Number.MAX_SAFE_INTEGER,
          s.limit + 1,
          words,
          floor ?? above,
          scan,
        ],
      });
      return pageOf(rows, s.limit, floor, hitOf);
    },

    async exportPage(eventId: string, after: string, limit: number): Promise<ExportRow[]> {
      const { rows } = await pool.query<CommentRow>({
        name: 'lc_export_page',
        text: 'SELECT * FROM comments WHERE event_id = $1 AND id > $2 ORDER BY id LIMIT $3',
        values: [eventId, after, limit],
      });
      return rows.map(commentFromRow);
    },

    expireText(now: number, defaultDays: number | null, limit: number): Promise<number> {
      return transaction(async function expire(client) {
        const events = await client.query<{ id: string; days: string | null }>(
          "SELECT id, settings->>'retentionDays' AS days FROM events",
        );
        let left = limit;
        for (const e of events.rows) {
          const days = e.days === null ? defaultDays : Number(e.days);
          if (days === null || left <= 0) continue;
          const cutoff = now - days * 86_400_000;
          const { rows } = await client.query<{ comment_id: string; seq: string | null }>(
            `DELETE FROM search_docs WHERE pos IN (
               SELECT pos FROM search_docs WHERE event_id = $1 AND created_at < $2 LIMIT $3)
             RETURNING comment_id, seq`,
            [e.id, cutoff, left],
          );
          if (rows.length > 0) {
            const ids = rows.map((r) => r.comment_id);
            const seqs = rows.flatMap((r) => (r.seq === null ? [] : [r.seq]));
            await client.query(`UPDATE comments SET text = '' WHERE event_id = $1 AND id = ANY($2::text[])`, [
              e.id,
              ids,
            ]);
            await client.query(
              `UPDATE entries SET data = jsonb_set(data, '{comment,text}', '""')
               WHERE event_id = $1 AND seq = ANY($2::bigint[]) AND type = 'comment'`,
              [e.id, seqs],
            );
          }
          await client.query(
            'UPDATE mod_actions SET text = NULL WHERE event_id = $1 AND at < $2 AND text IS NOT NULL',
            [e.id, cutoff],
          );
          left -= rows.length;
        }
        return limit - left;
      });
    },

    async publishedOf(userId: string, limit: number): Promise<{ eventId: string; commentId: string }[]> {
      const { rows } = await pool.query<{ event_id: string; id: string }>(
        "SELECT event_id, id FROM comments WHERE user_id = $1 AND status = 'published' AND text <> '' LIMIT $2",
        [userId, limit],
      );
      return rows.map((r) => ({ eventId: r.event_id, commentId: r.id }));
    },

    eraseHidden(userId: string, limit: number): Promise<{ eventId: string; commentId: string }[]> {
      return transaction(async function eraseSome(client) {
        const { rows } = await client.query<{ event_id: string; id: string }>(
          `UPDATE comments SET text = '' WHERE (event_id, id) IN (
             SELECT event_id, id FROM comments
             WHERE user_id = $1 AND status IN ('held', 'rejected') AND text <> '' LIMIT $2)
           RETURNING event_id, id`,
          [userId, limit],
        );
        if (rows.length > 0) {
          await client.query(
            `DELETE FROM search_docs d USING unnest($1::text[], $2::text[]) AS gone (event_id, comment_id)
             WHERE d.event_id = gone.event_id AND d.comment_id = gone.comment_id`,
            [rows.map((r) => r.event_id), rows.map((r) => r.id)],
          );
        }
        return rows.map((r) => ({ eventId: r.event_id, commentId: r.id }));
      });
    },

    async eraseActionText(userId: string, limit: number): Promise<number> {
      const { rowCount } = await pool.query(`UPDATE mod_actions SET text = NULL WHERE id IN (${ACTIONS_ABOUT_USER})`, [
        userId,
        limit,
      ]);
      return rowCount ?? 0;
    },

    async recordErasure(r: ErasureRequest): Promise<ErasureRecord> {
      const { rows } = await pool.query<ErasureRow>(
        'INSERT INTO erasures (user_id, by_id, at, reason, comments, events) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
        [r.userId, r.by, r.at, r.reason ?? null, r.deleted, new Set(r.eventIds).size],
      );
      return erasureFromRow(rows[0]!);
    },

    async listErasures(limit: number): Promise<ErasureRecord[]> {
      const { rows } = await pool.query<ErasureRow>('SELECT * FROM erasures ORDER BY id DESC LIMIT $1', [limit]);
      return rows.map(erasureFromRow);
    },
  };
}
