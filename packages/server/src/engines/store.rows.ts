// The row shapes of the stores' tables and their mapping to the store's records, one set for
// both SQL stores. What differs is only how the drivers hand values over: an integer column is a
// number from better-sqlite3 and a string from `pg` (bigint; every value here fits a JS number:
// epoch ms, sequence numbers), a JSON column is text in SQLite and already parsed from a `jsonb`
// column. `int` and `json` take either.
import type { CurrentPin, EventSettings, EventStatus, Poll } from '@livecomments/protocol';
import type {
  Ban,
  CommentStatus,
  EmoteRecord,
  EventRecord,
  EventRole,
  ModAction,
  PollRecord,
  StoredComment,
} from './store.js';

/** An integer column: a number (SQLite) or a bigint's text (PostgreSQL). */
type Int = number | string;
/** A JSON column: its text (SQLite) or its parsed value (PostgreSQL `jsonb`, never a bare string here). */
type Json<T> = T | string;

/** A row of `events`. */
export interface EventRow {
  id: string;
  title: string;
  status: EventStatus;
  owner_id: string;
  created_at: Int;
  ended_at: Int | null;
  last_seq: Int;
  epoch: string;
  settings: Json<EventSettings>;
  /** Absent in rows of a database not yet migrated to pins and polls. */
  pin?: Json<CurrentPin> | null;
  poll?: Json<Poll> | null;
}

/** A row of `polls`. */
export interface PollRow {
  event_id: string;
  id: string;
  question: string;
  options: Json<string[]>;
  status: 'open' | 'closed';
  ends_at: Int;
}

/** A row of `comments` (PostgreSQL adds `held_order`, which no record shows). */
export interface CommentRow {
  event_id: string;
  id: string;
  user_id: string;
  user_name: string;
  text: string;
  created_at: Int;
  parent_id: string | null;
  seq: Int | null;
  status: CommentStatus;
  client_id: string | null;
  scores: Json<Record<string, number>> | null;
  reasons: Json<string[]> | null;
  /** The poster's media time of a held comment (absent before the media-time migration). */
  media_time_ms?: Int | null;
}

/** A row of `bans`. */
export interface BanRow {
  event_id: string;
  user_id: string;
  until: Int | null;
  reason: string | null;
  by_id: string;
  created_at: Int;
}

/** A row of `mod_actions`. */
export interface ModActionRow {
  event_id: string;
  action: ModAction['action'];
  actor_id: string;
  at: Int;
  target_id: string | null;
  reason: string | null;
  text: string | null;
  details: Json<Record<string, unknown>> | null;
}

/** An `events` row as the store hands it out. */
export function eventFromRow(row: EventRow): EventRecord {
  const event: EventRecord = {
    id: row.id,
    title: row.title,
    status: row.status,
    ownerId: row.owner_id,
    createdAt: Number(row.created_at),
    lastSeq: Number(row.last_seq),
    epoch: row.epoch,
    settings: json(row.settings),
  };
  if (row.ended_at !== null) event.endedAt = Number(row.ended_at);
  if (row.pin) event.pin = json(row.pin);
  if (row.poll) event.poll = json(row.poll);
  return event;
}

/** A `polls` row as the store hands it out. */
export function pollFromRow(row: PollRow): PollRecord {
  return {
    eventId: row.event_id,
    id: row.id,
    question: row.question,
    options: json(row.options),
    status: row.status,
    endsAt: Number(row.ends_at),
  };
}

/** A `comments` row as the store hands it out. */
export function commentFromRow(row: CommentRow): StoredComment {
  const stored: StoredComment = {
    comment: {
      id: row.id,
      eventId: row.event_id,
      seq: row.seq === null ? null : Number(row.seq),
      user: { id: row.user_id, name: row.user_name },
      text: row.text,
      createdAt: Number(row.created_at),
    },
    status: row.status,
  };
  if (row.parent_id !== null) stored.comment.parentId = row.parent_id;
  if (row.client_id !== null) stored.clientId = row.client_id;
  if (row.scores !== null) stored.scores = json(row.scores);
  if (row.reasons !== null) stored.reasons = json(row.reasons);
  if (row.media_time_ms !== undefined && row.media_time_ms !== null) {
    stored.comment.mediaTimeMs = Number(row.media_time_ms);
  }
  return stored;
}

/** A `bans` row as the store hands it out. */
export function banFromRow(row: BanRow): Ban {
  const ban: Ban = {
    eventId: row.event_id,
    userId: row.user_id,
    until: row.until === null ? null : Number(row.until),
    by: row.by_id,
    createdAt: Number(row.created_at),
  };
  if (row.reason !== null) ban.reason = row.reason;
  return ban;
}

/** A `mod_actions` row as the store hands it out. */
export function modActionFromRow(row: ModActionRow): ModAction {
  const action: ModAction = { eventId: row.event_id, action: row.action, actorId: row.actor_id, at: Number(row.at) };
  if (row.target_id !== null) action.targetId = row.target_id;
  if (row.reason !== null) action.reason = row.reason;
  if (row.text !== null) action.text = row.text;
  if (row.details !== null) action.details = json(row.details);
  return action;
}

/** A JSON column's value: SQLite's text is parsed, PostgreSQL's `jsonb` arrives parsed. */
function json<T>(value: Json<T>): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** A row of `event_roles`. */
export interface EventRoleRow {
  event_id: string;
  user_id: string;
  role: 'owner' | 'moderator';
  name: string | null;
  by_id: string;
  created_at: Int;
}

/** An `event_roles` row as the store hands it out. */
export function roleFromRow(row: EventRoleRow): EventRole {
  return {
    eventId: row.event_id,
    userId: row.user_id,
    role: row.role,
    name: row.name,
    by: row.by_id,
    createdAt: Number(row.created_at),
  };
}

/** A row of the emotes table, as both stores read it (PostgreSQL's bigint arrives as a string). */
export interface EmoteRow {
  event_id: string;
  code: string;
  id: string;
  owner_id: string;
  url: string | null;
  content_type: string | null;
  width: number | null;
  height: number | null;
  created_at: string | number;
}

export function emoteFromRow(r: EmoteRow): EmoteRecord {
  return {
    eventId: r.event_id,
    code: r.code,
    id: r.id,
    ownerId: r.owner_id,
    url: r.url,
    contentType: r.content_type,
    width: r.width,
    height: r.height,
    createdAt: Number(r.created_at),
  };
}
