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
import { type ErasureRow, erasureFromRow, type IndexDoc, indexChanges } from './search.rows.js';
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

/** The FTS5 query of a search: only tokens this code made, each in double quotes. */
export function ftsQuery(q: Pick<SearchQuery, 'eventId' | 'authorId' | 'query'>): string {
  const p = eventPrefix(q.eventId);
  const parts: string[] = [];
  if (q.authorId !== undefined) parts.push(`au : "${p}${idToken(q.authorId)}"`);
  // searchWords leaves letters, numbers and marks only: no quote to escape, no operator.
  for (const term of q.query.terms) parts.push(`body : "${term.map((w) => p + w).join(' ')}"`);
  if (parts.length === 0) parts.push(`ev : "${p}"`);
  return parts.join(' AND ');
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
  const q = {
    search: db.prepare(
      // CROSS JOIN keeps the FTS table the outer loop, walked newest first (rowid DESC) and
      // stopped at the limit; the planner would otherwise start from search_docs' time index and
      // run the MATCH once per row of the event.
      `SELECT d.pos, d.status AS doc_status, c.*, l.data FROM search_text f
       CROSS JOIN search_docs d ON d.pos = f.rowid
       CROSS JOIN comments c ON c.event_id = d.event_id AND c.id = d.comment_id
       LEFT JOIN log l ON d.status = 'published' AND l.event_id = d.event_id AND l.seq = d.seq
       WHERE search_text MATCH ? AND f.rowid < ? AND d.event_id = ?
         AND d.status IN (SELECT value FROM json_each(?)) AND (? IS NULL OR d.user_id = ?)
         AND d.created_at >= ? AND d.created_at < ?
       ORDER BY f.rowid DESC LIMIT ?`,
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
    search(s: SearchQuery): SearchPage {
      const rows = q.search.all(
        ftsQuery(s),
        s.cursor ?? Number.MAX_SAFE_INTEGER,
        s.eventId,
        JSON.stringify(s.statuses),
        s.authorId ?? null,
        s.authorId ?? null,
        s.from ?? 0,
        s.to ?? Number.MAX_SAFE_INTEGER,
        s.limit + 1,
      ) as HitRow[];
      const page: SearchPage = { items: rows.slice(0, s.limit).map(hitOf) };
      if (rows.length > s.limit) page.next = rows[s.limit - 1]!.pos;
      return page;
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
    eraseHidden: db.prepare(
      "UPDATE comments SET text = '' WHERE user_id = ? AND status IN ('held', 'rejected') AND text <> '' RETURNING event_id, id",
    ),
    eraseActions: db.prepare(
      `UPDATE mod_actions SET text = NULL WHERE text IS NOT NULL AND (target_id = ?
         OR json_extract(details, '$.userId') = ? OR target_id IN (SELECT id FROM comments WHERE user_id = ?))`,
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
    eraseUser(r: ErasureRequest): ErasureRecord {
      const hidden = q.eraseHidden.all(r.userId) as { event_id: string; id: string }[];
      for (const h of hidden) removeDoc(h.event_id, h.id);
      q.eraseActions.run(r.userId, r.userId, r.userId);
      const events = new Set([...r.eventIds, ...hidden.map((h) => h.event_id)]).size;
      const row = q.recordErasure.get(
        r.userId,
        r.by,
        r.at,
        r.reason ?? null,
        r.deleted + hidden.length,
        events,
      ) as ErasureRow;
      return erasureFromRow(row);
    },
  };
}
