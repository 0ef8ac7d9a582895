// The PostgreSQL store's event roles, reports and replies, kept apart from the log's queries.
import type { Comment, Entry } from '@livecomments/protocol';
import type pg from 'pg';
import type { EventRole, Report, ReportedComment } from './store.js';
import { type CommentRow, commentFromRow, type EventRoleRow, roleFromRow } from './store.rows.js';

/** The newest reasons a review queue item shows. */
const REASONS_SHOWN = 20;

/** The schema of roles, reports and the replies index (one self-contained migration). */
export const SOCIAL_MIGRATION = `
  CREATE TABLE IF NOT EXISTS event_roles (
    event_id   text NOT NULL,
    user_id    text NOT NULL,
    role       text NOT NULL,
    name       text,
    by_id      text NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (event_id, user_id)
  );
  CREATE TABLE IF NOT EXISTS comment_reports (
    event_id   text NOT NULL,
    comment_id text NOT NULL,
    user_id    text NOT NULL,
    reason     text NOT NULL,
    created_at bigint NOT NULL,
    open       boolean NOT NULL DEFAULT true,
    PRIMARY KEY (event_id, comment_id, user_id)
  );
  CREATE INDEX IF NOT EXISTS comment_reports_open ON comment_reports (event_id, comment_id) WHERE open;
  CREATE INDEX IF NOT EXISTS comments_by_parent ON comments (event_id, parent_id, seq) WHERE parent_id IS NOT NULL;
`;

/** The store's role, report and reply methods over a pool. */
export function postgresSocial(pool: pg.Pool) {
  return {
    async listRoles(eventId: string): Promise<EventRole[]> {
      const { rows } = await pool.query<EventRoleRow>(
        'SELECT * FROM event_roles WHERE event_id = $1 ORDER BY created_at, user_id',
        [eventId],
      );
      return rows.map(roleFromRow);
    },
    async putRole(r: EventRole): Promise<void> {
      await pool.query(
        `INSERT INTO event_roles (event_id, user_id, role, name, by_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (event_id, user_id) DO UPDATE
         SET role = excluded.role, name = excluded.name, by_id = excluded.by_id, created_at = excluded.created_at`,
        [r.eventId, r.userId, r.role, r.name, r.by, r.createdAt],
      );
    },
    async removeModerator(eventId: string, userId: string): Promise<boolean> {
      const res = await pool.query(
        `DELETE FROM event_roles WHERE event_id = $1 AND user_id = $2 AND role = 'moderator'`,
        [eventId, userId],
      );
      return (res.rowCount ?? 0) > 0;
    },
    async addReport(r: Report): Promise<boolean> {
      const res = await pool.query(
        `INSERT INTO comment_reports (event_id, comment_id, user_id, reason, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [r.eventId, r.commentId, r.userId, r.reason, r.createdAt],
      );
      return (res.rowCount ?? 0) > 0;
    },
    async listReported(eventId: string, limit: number): Promise<ReportedComment[]> {
      const { rows } = await pool.query<CommentRow & { n: string; reasons: string[] }>(
        `SELECT c.*, r.n, r.reasons FROM (
           SELECT comment_id, count(*) AS n, min(created_at) AS first,
                  (array_agg(reason ORDER BY created_at DESC))[1:${REASONS_SHOWN}] AS reasons
           FROM comment_reports WHERE event_id = $1 AND open GROUP BY comment_id) r
         JOIN comments c ON c.event_id = $1 AND c.id = r.comment_id AND c.status = 'published'
         ORDER BY r.n DESC, r.first ASC LIMIT $2`,
        [eventId, limit],
      );
      return rows.map((row) => ({ comment: commentFromRow(row), count: Number(row.n), reasons: row.reasons }));
    },
    async closeReports(eventId: string, commentId: string): Promise<number> {
      const res = await pool.query(
        'UPDATE comment_reports SET open = false WHERE event_id = $1 AND comment_id = $2 AND open',
        [eventId, commentId],
      );
      return res.rowCount ?? 0;
    },
    async listReplies(eventId: string, parentId: string, limit: number): Promise<Comment[]> {
      const { rows } = await pool.query<{ data: Entry }>(
        `SELECT e.data FROM comments c JOIN entries e ON e.event_id = c.event_id AND e.seq = c.seq
         WHERE c.event_id = $1 AND c.parent_id = $2 AND c.status = 'published' ORDER BY c.seq LIMIT $3`,
        [eventId, parentId, limit],
      );
      return rows.flatMap(function commentOf(row) {
        return row.data.type === 'comment' ? [row.data.comment] : [];
      });
    },
  };
}
