// The SQLite store's event roles, reports and replies: the statements of both sides (reads on
// the caller's thread, writes on the writer's connection), kept apart from the log's.
import type { Comment, Entry } from '@livecomments/protocol';
import type Database from 'better-sqlite3';
import type { EventRole, Report, ReportedComment } from './store.js';
import { type CommentRow, commentFromRow, type EventRoleRow, roleFromRow } from './store.rows.js';

/** The newest reasons a review queue item shows. */
export const REPORT_REASONS_SHOWN = 20;

/** The schema of roles, reports and the replies index (one self-contained migration). */
export const SOCIAL_MIGRATION = `
  CREATE TABLE IF NOT EXISTS event_roles (
    event_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, name TEXT,
    by_id TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (event_id, user_id)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS comment_reports (
    event_id TEXT NOT NULL, comment_id TEXT NOT NULL, user_id TEXT NOT NULL, reason TEXT NOT NULL,
    created_at INTEGER NOT NULL, open INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (event_id, comment_id, user_id)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS comment_reports_open ON comment_reports (event_id, comment_id) WHERE open = 1;
  CREATE INDEX IF NOT EXISTS comments_by_parent ON comments (event_id, parent_id, seq) WHERE parent_id IS NOT NULL;`;

/** The reads, on the store's read connection. */
export function socialReads(db: Database.Database) {
  const q = {
    listRoles: db.prepare('SELECT * FROM event_roles WHERE event_id = ? ORDER BY created_at, user_id'),
    listReported: db.prepare(
      `SELECT c.*, r.n FROM (
         SELECT comment_id, count(*) AS n, min(created_at) AS first FROM comment_reports
         WHERE event_id = ? AND open = 1 GROUP BY comment_id) r
       JOIN comments c ON c.event_id = ? AND c.id = r.comment_id AND c.status = 'published'
       ORDER BY r.n DESC, r.first ASC LIMIT ?`,
    ),
    reasons: db.prepare(
      'SELECT reason FROM comment_reports WHERE event_id = ? AND comment_id = ? AND open = 1 ORDER BY created_at DESC LIMIT ?',
    ),
    listReplies: db.prepare(
      `SELECT l.data FROM comments c JOIN log l ON l.event_id = c.event_id AND l.seq = c.seq
       WHERE c.event_id = ? AND c.parent_id = ? AND c.status = 'published' ORDER BY c.seq LIMIT ?`,
    ),
  };
  return {
    listRoles(eventId: string): EventRole[] {
      return (q.listRoles.all(eventId) as EventRoleRow[]).map(roleFromRow);
    },
    listReported(eventId: string, limit: number): ReportedComment[] {
      const rows = q.listReported.all(eventId, eventId, limit) as (CommentRow & { n: number })[];
      return rows.map((row) => ({
        comment: commentFromRow(row),
        count: Number(row.n),
        reasons: (q.reasons.all(eventId, row.id, REPORT_REASONS_SHOWN) as { reason: string }[]).map((r) => r.reason),
      }));
    },
    listReplies(eventId: string, parentId: string, limit: number): Comment[] {
      return (q.listReplies.all(eventId, parentId, limit) as { data: string }[]).flatMap(function commentOf(row) {
        const entry = JSON.parse(row.data) as Entry;
        return entry.type === 'comment' ? [entry.comment] : [];
      });
    },
  };
}

/** The writes, on the writer's connection. */
export function socialWrites(db: Database.Database) {
  const q = {
    putRole: db.prepare(
      'INSERT OR REPLACE INTO event_roles (event_id, user_id, role, name, by_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    removeModerator: db.prepare("DELETE FROM event_roles WHERE event_id = ? AND user_id = ? AND role = 'moderator'"),
    addReport: db.prepare(
      'INSERT INTO comment_reports (event_id, comment_id, user_id, reason, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    closeReports: db.prepare('UPDATE comment_reports SET open = 0 WHERE event_id = ? AND comment_id = ? AND open = 1'),
  };
  return {
    putRole(r: EventRole): void {
      q.putRole.run(r.eventId, r.userId, r.role, r.name, r.by, r.createdAt);
    },
    removeModerator(eventId: string, userId: string): boolean {
      return q.removeModerator.run(eventId, userId).changes > 0;
    },
    addReport(r: Report): boolean {
      return q.addReport.run(r.eventId, r.commentId, r.userId, r.reason, r.createdAt).changes > 0;
    },
    closeReports(eventId: string, commentId: string): number {
      return q.closeReports.run(eventId, commentId).changes;
    },
  };
}
