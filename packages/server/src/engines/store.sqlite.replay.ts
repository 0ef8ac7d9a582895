// The SQLite store's replay read: published comments in media-time order (docs/API.md "Media
// time and replay"), without deleted ones nor those of a user banned after posting them.
import type { Comment, Entry } from '@livecomments/protocol';
import type Database from 'better-sqlite3';
import type { ReplayFrom } from './store.js';

/**
 * Media time (self-contained: it may be renumbered beside other migrations). Comment entries
 * written before media time get one derived from the event's creation; the log is indexed by
 * each comment's media time (then seq) and by the user each `ban` entry names, so a replay page
 * is an index range and each of its comments one probe for a later ban. A held comment keeps
 * its poster's media time in `comments` until it is approved into the log.
 */
export const REPLAY_MIGRATION = `
  ALTER TABLE comments ADD COLUMN media_time_ms INTEGER;
  UPDATE log SET data = json_set(data, '$.comment.mediaTimeMs', max(0,
      json_extract(data, '$.comment.createdAt') - (SELECT created_at FROM events WHERE events.id = log.event_id)))
    WHERE type = 'comment' AND json_extract(data, '$.comment.mediaTimeMs') IS NULL;
  CREATE INDEX IF NOT EXISTS log_media_time ON log (event_id, json_extract(data, '$.comment.mediaTimeMs'), seq)
    WHERE type = 'comment';
  CREATE INDEX IF NOT EXISTS log_bans_by_user ON log (event_id, json_extract(data, '$.userId'), seq)
    WHERE type = 'ban';`;

/** The replay read, on the store's read connection. */
export function replayReads(db: Database.Database) {
  // `media >= ms` opens the index range; `media > ms OR seq > after` skips the ties already read.
  // The ban probe is one seek of log_bans_by_user: `+c.user_id` drops the column's text affinity,
  // which would keep the index expression from matching, and INDEXED BY keeps the planner (no
  // statistics) from walking the primary key over every later entry instead.
  const page = db.prepare(
    `SELECT l.data FROM log l JOIN comments c ON c.event_id = l.event_id AND c.id = l.comment_id
     WHERE l.event_id = ? AND l.type = 'comment'
       AND json_extract(l.data, '$.comment.mediaTimeMs') >= ?
       AND (json_extract(l.data, '$.comment.mediaTimeMs') > ? OR l.seq > ?)
       AND c.status = 'published'
       AND NOT EXISTS (SELECT 1 FROM log b INDEXED BY log_bans_by_user
                       WHERE b.event_id = l.event_id AND b.type = 'ban'
                       AND json_extract(b.data, '$.userId') = +c.user_id AND b.seq > l.seq)
     ORDER BY json_extract(l.data, '$.comment.mediaTimeMs'), l.seq LIMIT ?`,
  );
  return {
    readReplay(eventId: string, from: ReplayFrom, limit: number): Comment[] {
      const rows = page.all(eventId, from.ms, from.ms, from.afterSeq, limit) as { data: string }[];
      return rows.flatMap(function commentOf(row) {
        const entry = JSON.parse(row.data) as Entry;
        return entry.type === 'comment' ? [entry.comment] : [];
      });
    },
  };
}
