// What the SQLite store's two sides share: the schema, the row shapes and their conversions.
import type { Entry, EventSettings, EventStatus, NewEntry } from '@livecomments/protocol';
import { publicEntry } from '../events/visibility.js';
import type { Ban, CommentStatus, EventRecord, ModAction, StoredComment } from './store.js';

/** Schema versions in order; each runs once, in one transaction. */
export const MIGRATIONS: string[] = [
  `CREATE TABLE events (
     id TEXT PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL, owner_id TEXT NOT NULL,
     created_at INTEGER NOT NULL, ended_at INTEGER, last_seq INTEGER NOT NULL DEFAULT 0,
     settings TEXT NOT NULL);
   CREATE INDEX events_by_status ON events (status, created_at DESC);
   CREATE TABLE log (
     event_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,
     comment_id TEXT, PRIMARY KEY (event_id, seq)) WITHOUT ROWID;
   CREATE TABLE comments (
     event_id TEXT NOT NULL, id TEXT NOT NULL, user_id TEXT NOT NULL, user_name TEXT NOT NULL,
     text TEXT NOT NULL, created_at INTEGER NOT NULL, parent_id TEXT, seq INTEGER,
     status TEXT NOT NULL, client_id TEXT, scores TEXT, reasons TEXT,
     PRIMARY KEY (event_id, id));
   CREATE UNIQUE INDEX comments_by_client ON comments (event_id, user_id, client_id)
     WHERE client_id IS NOT NULL;
   CREATE INDEX comments_by_status ON comments (event_id, status, created_at);
   CREATE TABLE bans (
     event_id TEXT NOT NULL, user_id TEXT NOT NULL, until INTEGER, reason TEXT,
     by_id TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (event_id, user_id));
   CREATE TABLE mod_actions (
     id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, action TEXT NOT NULL,
     actor_id TEXT NOT NULL, at INTEGER NOT NULL, target_id TEXT, reason TEXT, text TEXT,
     details TEXT);
   CREATE INDEX mod_actions_by_event ON mod_actions (event_id, id DESC);`,
  // The review queue is the only reader of comments by status: indexing held comments alone
  // spares every published comment an index insert (about 1 us of a 10 us store write).
  `DROP INDEX comments_by_status;
   CREATE INDEX comments_held ON comments (event_id, created_at, id) WHERE status = 'held';`,
  // The epoch of each event's log; events created before it get one of their own.
  `ALTER TABLE events ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
   UPDATE events SET epoch = lower(hex(randomblob(6)));`,
];

/** A row of `events`. */
export interface EventRow {
  id: string;
  title: string;
  status: EventStatus;
  owner_id: string;
  created_at: number;
  ended_at: number | null;
  last_seq: number;
  epoch: string;
  settings: string;
}

/** A row of `comments`. */
export interface CommentRow {
  event_id: string;
  id: string;
  user_id: string;
  user_name: string;
  text: string;
  created_at: number;
  parent_id: string | null;
  seq: number | null;
  status: CommentStatus;
  client_id: string | null;
  scores: string | null;
  reasons: string | null;
}

/** A row of `bans`. */
export interface BanRow {
  event_id: string;
  user_id: string;
  until: number | null;
  reason: string | null;
  by_id: string;
  created_at: number;
}

/** A row of `mod_actions`. */
export interface ModActionRow {
  event_id: string;
  action: ModAction['action'];
  actor_id: string;
  at: number;
  target_id: string | null;
  reason: string | null;
  text: string | null;
  details: string | null;
}

/** An `events` row as the store hands it out. */
export function toEvent(row: EventRow): EventRecord {
  const event: EventRecord = {
    id: row.id,
    title: row.title,
    status: row.status,
    ownerId: row.owner_id,
    createdAt: row.created_at,
    lastSeq: row.last_seq,
    epoch: row.epoch,
    settings: JSON.parse(row.settings) as EventSettings,
  };
  if (row.ended_at !== null) event.endedAt = row.ended_at;
  return event;
}

/** A `comments` row as the store hands it out. */
export function toStored(row: CommentRow): StoredComment {
  const stored: StoredComment = {
    comment: {
      id: row.id,
      eventId: row.event_id,
      seq: row.seq,
      user: { id: row.user_id, name: row.user_name },
      text: row.text,
      createdAt: row.created_at,
    },
    status: row.status,
  };
  if (row.parent_id !== null) stored.comment.parentId = row.parent_id;
  if (row.client_id !== null) stored.clientId = row.client_id;
  if (row.scores !== null) stored.scores = JSON.parse(row.scores) as Record<string, number>;
  if (row.reasons !== null) stored.reasons = JSON.parse(row.reasons) as string[];
  return stored;
}

/** A `bans` row as the store hands it out. */
export function toBan(row: BanRow): Ban {
  const ban: Ban = {
    eventId: row.event_id,
    userId: row.user_id,
    until: row.until,
    by: row.by_id,
    createdAt: row.created_at,
  };
  if (row.reason !== null) ban.reason = row.reason;
  return ban;
}

/** A `mod_actions` row as the store hands it out. */
export function toModAction(row: ModActionRow): ModAction {
  const action: ModAction = { eventId: row.event_id, action: row.action, actorId: row.actor_id, at: row.at };
  if (row.target_id !== null) action.targetId = row.target_id;
  if (row.reason !== null) action.reason = row.reason;
  if (row.text !== null) action.text = row.text;
  if (row.details !== null) action.details = JSON.parse(row.details) as Record<string, unknown>;
  return action;
}

/** A `log` row as readers get it (an `event` entry with the public part of the settings). */
export function entryOfRow(row: { data: string }): Entry {
  return publicEntry(JSON.parse(row.data) as Entry);
}

/**
 * The entry with its seq, exactly as the log keeps it: the writer stores this shape and the
 * store builds the same one for the caller from the seq alone, so only seqs cross threads.
 */
export function withSeq(entry: NewEntry, seq: number): Entry {
  const full = { seq, ...entry } as Entry;
  if (full.type === 'comment') full.comment = { ...full.comment, seq };
  else if (full.type === 'event') full.event = { ...full.event, lastSeq: seq };
  return full;
}
