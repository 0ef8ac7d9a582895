// Row shapes of the PostgreSQL store and their mapping to the store's records. `bigint` columns
// arrive as strings from `pg`; every value here fits a JS number (epoch ms, sequence numbers).
import type { EventSettings, EventStatus } from '@livecomments/protocol';
import type { Ban, CommentStatus, EventRecord, StoredComment } from './store.js';

/** A row of `events`. */
export interface EventRow {
  id: string;
  title: string;
  status: EventStatus;
  owner_id: string;
  created_at: string;
  ended_at: string | null;
  last_seq: string;
  epoch: string;
  settings: EventSettings;
}

/** A row of `comments`. */
export interface CommentRow {
  event_id: string;
  id: string;
  seq: string | null;
  user_id: string;
  user_name: string;
  text: string;
  created_at: string;
  parent_id: string | null;
  status: CommentStatus;
  client_id: string | null;
  scores: Record<string, number> | null;
  reasons: string[] | null;
}

/** A row of `bans`. */
export interface BanRow {
  event_id: string;
  user_id: string;
  until: string | null;
  reason: string | null;
  by_id: string;
  created_at: string;
}

/** Maps an events row. */
export function eventFromRow(r: EventRow): EventRecord {
  const e: EventRecord = {
    id: r.id,
    title: r.title,
    status: r.status,
    ownerId: r.owner_id,
    createdAt: Number(r.created_at),
    lastSeq: Number(r.last_seq),
    epoch: r.epoch,
    settings: r.settings,
  };
  if (r.ended_at !== null) e.endedAt = Number(r.ended_at);
  return e;
}

/** Maps a comments row. */
export function commentFromRow(r: CommentRow): StoredComment {
  const comment: StoredComment['comment'] = {
    id: r.id,
    eventId: r.event_id,
    seq: r.seq === null ? null : Number(r.seq),
    user: { id: r.user_id, name: r.user_name },
    text: r.text,
    createdAt: Number(r.created_at),
  };
  if (r.parent_id !== null) comment.parentId = r.parent_id;
  const out: StoredComment = { comment, status: r.status };
  if (r.client_id !== null) out.clientId = r.client_id;
  if (r.scores !== null) out.scores = r.scores;
  if (r.reasons !== null) out.reasons = r.reasons;
  return out;
}

/** Maps a bans row. */
export function banFromRow(r: BanRow): Ban {
  const b: Ban = {
    eventId: r.event_id,
    userId: r.user_id,
    until: r.until === null ? null : Number(r.until),
    by: r.by_id,
    createdAt: Number(r.created_at),
  };
  if (r.reason !== null) b.reason = r.reason;
  return b;
}
