// The SQLite store's chat archive (engines/search.ts): an FTS5 index of comment words that
// follows the log, the reads of search and export, and what removes comment text.

import { createHash } from 'node:crypto';
import type { Comment, Entry } from '@livecomments/protocol';
import type Database from 'better-sqlite3';
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
 * The index: `search_docs` says which comment each FTS row is (one row per comment with text:
 * published, held or rejected), `search_text` holds its words, the event and the author. The
 * FTS table is contentless (the text is in `comments`) and allows deletes. The words are folded
 * by `searchWords` before they get here, the same for both stores, so the tokenizer only splits
 * on the spaces between them (no diacritic folding of its own: the two stores must agree).
 * Every token carries its event's prefix (`eventPrefix`), so each token's list of comments is
 * one event's; author ids are indexed as hex, so any id is one exact token.
 */
export const SEARCH_MIGRATION = `
  CREATE TABLE IF NOT EXISTS search_docs (
    pos INTEGER PRIMARY KEY, event_id TEXT NOT NULL, comment_id TEXT NOT NULL, user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL, status TEXT NOT NULL, seq INTEGER);
  CREATE UNIQUE INDEX IF NOT EXISTS search_docs_comment ON search_docs (event_id, comment_id);
  CREATE INDEX IF NOT EXISTS search_docs_time ON search_docs (event_id, created_at);
  CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5(
    ev, au, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
  CREATE TABLE IF NOT EXISTS search_progress (event_id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS erasures (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, by_id TEXT NOT NULL, at INTEGER NOT NULL,
    reason TEXT, comments INTEGER NOT NULL, events INTEGER NOT NULL);`;

/**
 * The event's index rows in position order, so a search page finds where its window of rows
 * ends with one short index walk (search.rows.ts `pageOf`).
 */
export const SEARCH_ORDER_MIGRATION = 'CREATE INDEX IF NOT EXISTS search_docs_order ON search_docs (event_id, pos);';

/**
 * A user's comments and the moderation log's entries about them, by index: an erasure finds
 * them a batch at a time (archive/erasure.ts) without reading every comment.
 */
export const ERASURE_MIGRATION = `
  CREATE INDEX IF NOT EXISTS comments_by_user ON comments (user_id, status);
  CREATE INDEX IF NOT EXISTS mod_actions_by_target ON mod_actions (target_id) WHERE target_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS mod_actions_by_user ON mod_actions (json_extract(details, '$.userId'))
    WHERE json_extract(details, '$.userId') IS NOT NULL;`;

/** An id as one FTS token of hex digits. */
export function idToken(id: string): string {
  return Buffer.from(id, 'utf8').toString('hex');
}

/**
 * The event's prefix of every word it indexes: 12 hex digits of a hash of its id. Each word's
 * list of comments then holds one event's comments only, so a search reads its own event's
 * and never merges with a list of every comment of the event (which at 1,000,000 comments
 * cost more than the words themselves). A collision of two events' prefixes (1 in 2^48) would
 * only cost time: rows are checked against the event id.
 */
export function eventPrefix(eventId: string): string {
  return createHash('sha256').update(eventId).digest('hex').slice(0, 12);
}

/** The indexed columns of a comment: event, author and words, each word with the event's prefix. */
export function ftsColumns(eventId: string, userId: string, text: string): [string, string, string] {
  const p = eventPrefix(eventId);
  return [
    p,
    p + idToken(userId),
    searchWords(text)
      .map((w) => p + w)
      .join(' '),
  ];
}

/** The FTS5 query of a search: only tokens this code made, each in double quotes; null without words or author. */
export function ftsQuery(q: Pick<SearchQuery, 'eventId' | 'authorId' | 'query'>): string | null {
  const p = eventPrefix(q.eventId);
  const parts: string[] = [];
  if (q.authorId !== undefined) parts.push(`au : "${p}${idToken(q.authorId)}"`);
  // searchWords leaves letters, numbers and marks only: no quote to escape, no operator.
  for (const term of q.query.terms) parts.push(`body : "${term.map((w) => p + w).join(' ')}"`);
  return parts.length === 0 ? null : parts.join(' AND ');
}

/** A search row: the position, the status, the comment row, and the log entry of a published one. */
type HitRow = CommentRow & { pos: number; doc_status: SearchStatus; data: string | null };

function hitOf(row: HitRow): SearchHit {
  let comment: Comment | null = null;
  if (row.data !== null) {
    const entry = JSON.parse(row.data) as Entry;
    if (entry.type === 'comment') comment = entry.comment;
  }
  comment ??= { ...commentFromRow(row).comment, seq: 0 };
  return { comment, status: row.doc_status };
}

/** The reads, on the store's read connection. */
export function searchReads(db: Database.Database) {
  // Every search reads the rows of one window of positions, above < pos < below, which holds at
  // most `scan` rows of the event (search.rows.ts): the FTS table's lists of each word hold one
  // event's rows (eventPrefix), so its rowid range bounds what they walk too.
  const hits = `SELECT d.pos, d.status AS doc_status, c.*, l.data FROM %FROM%
       CROSS JOIN comments c ON c.event_id = d.event_id AND c.id = d.comment_id
       LEFT JOIN log l ON d.status = 'published' AND l.event_id = d.event_id AND l.seq = d.seq
       WHERE %WHERE% AND d.event_id = @eventId
         AND d.status IN (SELECT value FROM json_each(@statuses)) AND (@author IS NULL OR d.user_id = @author)
         AND d.created_at >= @from AND d.created_at < @to
       ORDER BY %ORDER% DESC LIMIT @limit`;
  const q = {
    // CROSS JOIN keeps the FTS table the outer loop, walked newest first (rowid DESC) and
    // stopped at the limit; the planner would otherwise start from search_docs' time index and
    // run the MATCH once per row of the event.
    search: db.prepare(
      hits
        .replace('%FROM%', 'search_text f CROSS JOIN search_docs d ON d.pos = f.rowid')
        .replace('%WHERE%', 'search_text MATCH @match AND f.rowid < @below AND f.rowid > @above')
        // The FTS rowid, not d.pos: ordering by the joined column sorts every match first.
        .replace('%ORDER%', 'f.rowid'),
    ),
    // No words and no author: the event's rows in position order. The window holds this event's
    // rows only through this index (a rowid range would walk every event's rows in it).
    searchAll: db.prepare(
      hits
        .replace('%FROM%', 'search_docs d INDEXED BY search_docs_order')
        .replace('%WHERE%', 'd.pos < @below AND d.pos > @above')
        .replace('%ORDER%', 'd.pos'),
    ),
    floor: db.prepare(
      `SELECT pos FROM search_docs INDEXED BY search_docs_order WHERE event_id = ? AND pos < ? AND pos > ?
       ORDER BY pos DESC LIMIT 1 OFFSET ?`,
    ),
    firstAtOrAfter: db.prepare(
      'SELECT pos FROM search_docs WHERE event_id = ? AND created_at >= ? ORDER BY created_at LIMIT 1',
    ),
    lastBefore: db.prepare(
      'SELECT pos FROM search_docs WHERE event_id = ? AND created_at < ? ORDER BY created_at DESC LIMIT 1',
    ),
    exportPage: db.prepare('SELECT * FROM comments WHERE event_id = ? AND id > ? ORDER BY id LIMIT ?'),
    behind: db.prepare(
      `SELECT e.id FROM events e LEFT JOIN search_progress p ON p.event_id = e.id
       WHERE e.last_seq > coalesce(p.seq, 0) LIMIT ?`,
    ),
    publishedOf: db.prepare(
      "SELECT event_id, id FROM comments WHERE user_id = ? AND status = 'published' AND text <> '' LIMIT ?",
    ),
    listErasures: db.prepare('SELECT * FROM erasures ORDER BY id DESC LIMIT ?'),
  };
  return {
    async search(s: SearchQuery): Promise<SearchPage> {
      const posAt = (row: unknown): number | null => (row as { pos: number } | undefined)?.pos ?? null;
      const { below, above } = await searchBounds(
        s,
        (time) => posAt(q.firstAtOrAfter.get(s.eventId, time)),
        (time) => posAt(q.lastBefore.get(s.eventId, time)),
      );
      if (below <= above + 1) return { items: [] };
      const floor = posAt(q.floor.get(s.eventId, below, above, scanOf(s)));
      const match = ftsQuery(s);
      const params = {
        eventId: s.eventId,
        below,
        above: floor ?? above,
        statuses: JSON.stringify(s.statuses),
        author: s.authorId ?? null,
        from: s.from ?? 0,
        to: s.to ?? Number.MAX_SAFE_INTEGER,
        limit: s.limit + 1,
      };
      const rows = (match === null ? q.searchAll.all(params) : q.search.all({ ...params, match })) as HitRow[];
      return pageOf(rows, s.limit, floor, hitOf);
    },
    exportPage(eventId: string, after: string, limit: number): ExportRow[] {
      return (q.exportPage.all(eventId, after, limit) as CommentRow[]).map(commentFromRow);
    },
    eventsBehind(limit: number): string[] {
      return (q.behind.all(limit) as { id: string }[]).map((r) => r.id);
    },
    publishedOf(userId: string, limit: number): { eventId: string; commentId: string }[] {
      return (q.publishedOf.all(userId, limit) as { event_id: string; id: string }[]).map((r) => ({
        eventId: r.event_id,
        commentId: r.id,
      }));
    },
    listErasures(limit: number): ErasureRecord[] {
      return (q.listErasures.all(limit) as ErasureRow[]).map(erasureFromRow);
    },
  };
}

/** The writes, on the writer's connection; each runs inside the caller's transaction. */
export function searchWrites(db: Database.Database) {
  const q = {
    progress: db.prepare('SELECT seq FROM search_progress WHERE event_id = ?'),
    setProgress: db.prepare(
      'INSERT INTO search_progress (event_id, seq) VALUES (?, ?) ON CONFLICT (event_id) DO UPDATE SET seq = excluded.seq',
    ),
    readLog: db.prepare('SELECT seq, data FROM log WHERE event_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
    docOf: db.prepare('SELECT pos FROM search_docs WHERE event_id = ? AND comment_id = ?'),
    publish: db.prepare("UPDATE search_docs SET status = 'published', seq = ? WHERE pos = ?"),
    setStatus: db.prepare('UPDATE search_docs SET status = ? WHERE event_id = ? AND comment_id = ?'),
    insertDoc: db.prepare(
      'INSERT INTO search_docs (event_id, comment_id, user_id, created_at, status, seq) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertText: db.prepare('INSERT INTO search_text (rowid, ev, au, body) VALUES (?, ?, ?, ?)'),
    deleteDoc: db.prepare('DELETE FROM search_docs WHERE pos = ?'),
    deleteText: db.prepare('DELETE FROM search_text WHERE rowid = ?'),
    retention: db.prepare("SELECT id, json_extract(settings, '$.retentionDays') AS days FROM events"),
    expired: db.prepare('SELECT pos, comment_id, seq FROM search_docs WHERE event_id = ? AND created_at < ? LIMIT ?'),
    blankComment: db.prepare("UPDATE comments SET text = '' WHERE event_id = ? AND id = ?"),
    blankLog: db.prepare(
      "UPDATE log SET data = json_set(data, '$.comment.text', '') WHERE event_id = ? AND seq = ? AND type = 'comment'",
    ),
    blankActions: db.prepare('UPDATE mod_actions SET text = NULL WHERE event_id = ? AND at < ? AND text IS NOT NULL'),
    // Each through an index (ERASURE_MIGRATION), a batch at a time.
    eraseHidden: db.prepare(
      `UPDATE comments SET text = '' WHERE rowid IN (
         SELECT rowid FROM comments WHERE user_id = ? AND status IN ('held', 'rejected') AND text <> '' LIMIT ?)
       RETURNING event_id, id`,
    ),
    eraseActions: db.prepare(
      `UPDATE mod_actions SET text = NULL WHERE id IN (
         SELECT id FROM mod_actions WHERE text IS NOT NULL AND (target_id = ?
           OR json_extract(details, '$.userId') = ? OR target_id IN (SELECT id FROM comments WHERE user_id = ?))
         LIMIT ?)`,
    ),
    recordErasure: db.prepare(
      'INSERT INTO erasures (user_id, by_id, at, reason, comments, events) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
    ),
  };

  function removeDoc(eventId: string, commentId: string): void {
    const doc = q.docOf.get(eventId, commentId) as { pos: number } | undefined;
    if (!doc) return;
    q.deleteText.run(doc.pos);
    q.deleteDoc.run(doc.pos);
  }

  function addDoc(d: IndexDoc): void {
    const doc = q.docOf.get(d.eventId, d.commentId) as { pos: number } | undefined;
    if (doc) {
      // A held comment approved: the same words, now published.
      if (d.status === 'published') q.publish.run(d.seq, doc.pos);
      return;
    }
    const pos = Number(q.insertDoc.run(d.eventId, d.commentId, d.userId, d.createdAt, d.status, d.seq).lastInsertRowid);
    q.insertText.run(pos, ...ftsColumns(d.eventId, d.userId, d.text));
  }

  return {
    addDoc,
    /** The held comment's status in the index (rejected), if it is there. */
    setStatus(eventId: string, commentId: string, status: SearchStatus): void {
      q.setStatus.run(status, eventId, commentId);
    },
    /** Indexes up to `limit` entries after the event's position; how many were read. */
    indexLog(eventId: string, limit: number): number {
      const at = (q.progress.get(eventId) as { seq: number } | undefined)?.seq ?? 0;
      const rows = q.readLog.all(eventId, at, limit) as { seq: number; data: string }[];
      if (rows.length === 0) return 0;
      const { add, remove } = indexChanges(rows.map((r) => JSON.parse(r.data) as Entry));
      for (const id of remove) removeDoc(eventId, id);
      for (const d of add) addDoc(d);
      q.setProgress.run(eventId, rows[rows.length - 1]!.seq);
      return rows.length;
    },
    expireText(now: number, defaultDays: number | null, limit: number): number {
      let left = limit;
      for (const e of q.retention.all() as { id: string; days: number | null }[]) {
        const days = e.days ?? defaultDays;
        if (days === null || left <= 0) continue;
        const cutoff = now - days * 86_400_000;
        const docs = q.expired.all(e.id, cutoff, left) as { pos: number; comment_id: string; seq: number | null }[];
        for (const d of docs) {
          q.blankComment.run(e.id, d.comment_id);
          if (d.seq !== null) q.blankLog.run(e.id, d.seq);
          q.deleteText.run(d.pos);
          q.deleteDoc.run(d.pos);
        }
        q.blankActions.run(e.id, cutoff);
        left -= docs.length;
      }
      return limit - left;
    },
    eraseHidden(userId: string, limit: number): { eventId: string; commentId: string }[] {
      const hidden = q.eraseHidden.all(userId, limit) as { event_id: string; id: string }[];
      for (const h of hidden) removeDoc(h.event_id, h.id);
      return hidden.map((h) => ({ eventId: h.event_id, commentId: h.id }));
    },
    eraseActionText(userId: string, limit: number): number {
      return q.eraseActions.run(userId, userId, userId, limit).changes;
    },
    recordErasure(r: ErasureRequest): ErasureRecord {
      const row = q.recordErasure.get(
        r.userId,
        r.by,
        r.at,
        r.reason ?? null,
        r.deleted,
        new Set(r.eventIds).size,
      ) as ErasureRow;
      return erasureFromRow(row);
    },
  };
}
