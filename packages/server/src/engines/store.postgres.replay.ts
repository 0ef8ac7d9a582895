// The PostgreSQL store's replay read: published comments in media-time order (docs/API.md "Media
// time and replay"), without deleted ones nor those of a user banned after posting them.
import type { Comment, Entry } from '@livecomments/protocol';
import type pg from 'pg';
import type { ReplayFrom } from './store.js';

/**
 * Media time (self-contained: it may be renumbered beside other migrations); the twin of
 * store.sqlite.replay.ts. Comment entries written before media time get one derived from the
 * event's creation; entries are indexed by each comment's media time (then seq) and by the user
 * each `ban` entry names. A held comment keeps its poster's media time in `comments` until it
 * is approved into the log.
 */
export const REPLAY_MIGRATION = `
  ALTER TABLE comments ADD COLUMN IF NOT EXISTS media_time_ms bigint;
  UPDATE entries e SET data = jsonb_set(e.data, '{comment,mediaTimeMs}',
      to_jsonb(greatest(0, (e.data->'comment'->>'createdAt')::numeric - ev.created_at)))
    FROM events ev
    WHERE ev.id = e.event_id AND e.type = 'comment' AND NOT (e.data->'comment' ? 'mediaTimeMs');
  CREATE INDEX IF NOT EXISTS entries_media_time
    ON entries (event_id, ((data->'comment'->>'mediaTimeMs')::numeric), seq) WHERE type = 'comment';
  CREATE INDEX IF NOT EXISTS entries_bans_by_user ON entries (event_id, (data->>'userId'), seq) WHERE type = 'ban';`;

// `media >= ms` opens the index range; `media > ms OR seq > after` skips the ties already read.
const PAGE = `
  SELECT e.data FROM entries e JOIN comments c ON c.event_id = e.event_id AND c.id = e.data->'comment'->>'id'
  WHERE e.event_id = $1 AND e.type = 'comment'
    AND (e.data->'comment'->>'mediaTimeMs')::numeric >= $2
    AND ((e.data->'comment'->>'mediaTimeMs')::numeric > $2 OR e.seq > $3)
    AND c.status = 'published'
    AND NOT EXISTS (SELECT 1 FROM entries b WHERE b.event_id = e.event_id AND b.type = 'ban'
                    AND b.data->>'userId' = c.user_id AND b.seq > e.seq)
  ORDER BY (e.data->'comment'->>'mediaTimeMs')::numeric, e.seq LIMIT $4`;

/** Published comments from `from` in media-time order, at most `limit` (see `Store.readReplay`). */
export async function readReplay(pool: pg.Pool, eventId: string, from: ReplayFrom, limit: number): Promise<Comment[]> {
  const { rows } = await pool.query<{ data: Entry }>({
    name: 'lc_replay_page',
    text: PAGE,
    values: [eventId, from.ms, from.afterSeq, limit],
  });
  return rows.flatMap(function commentOf(row) {
    return row.data.type === 'comment' ? [row.data.comment] : [];
  });
}
