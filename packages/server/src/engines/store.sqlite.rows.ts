// What the SQLite store's two sides share: the schema and the log's rows (the other row shapes
// and their conversions are the same for both SQL stores: store.rows.ts).
import type { Entry, NewEntry } from '@livecomments/protocol';
import { publicEntry } from '../events/visibility.js';
import { ANALYTICS_MIGRATION } from './analytics.sqlite.js';
import { EMOTES_MIGRATION } from './store.sqlite.emotes.js';
import { REPLAY_MIGRATION } from './store.sqlite.replay.js';
import { ERASURE_MIGRATION, SEARCH_MIGRATION, SEARCH_ORDER_MIGRATION } from './store.sqlite.search.js';
import { SOCIAL_MIGRATION } from './store.sqlite.social.js';

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
  // Pins and polls: the event's current pin and latest poll, the polls and one vote per user.
  `ALTER TABLE events ADD COLUMN pin TEXT;
   ALTER TABLE events ADD COLUMN poll TEXT;
   CREATE TABLE IF NOT EXISTS polls (
     event_id TEXT NOT NULL, id TEXT NOT NULL, question TEXT NOT NULL, options TEXT NOT NULL,
     status TEXT NOT NULL, ends_at INTEGER NOT NULL, PRIMARY KEY (event_id, id)) WITHOUT ROWID;
   CREATE TABLE IF NOT EXISTS poll_votes (
     event_id TEXT NOT NULL, poll_id TEXT NOT NULL, user_id TEXT NOT NULL, option INTEGER NOT NULL,
     at INTEGER NOT NULL, PRIMARY KEY (event_id, poll_id, user_id)) WITHOUT ROWID;`,
  // Event roles (owner's name, appointed moderators), comment reports, and replies by parent.
  SOCIAL_MIGRATION,
  // Reactions and likes: not log entries, so tables of their own (self-contained: it may be
  // renumbered beside other migrations).
  `CREATE TABLE IF NOT EXISTS reaction_totals (
     event_id TEXT NOT NULL, emoji TEXT NOT NULL, n INTEGER NOT NULL,
     PRIMARY KEY (event_id, emoji)) WITHOUT ROWID;
   CREATE TABLE IF NOT EXISTS comment_likes (
     event_id TEXT NOT NULL, comment_id TEXT NOT NULL, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
     PRIMARY KEY (event_id, comment_id, user_id)) WITHOUT ROWID;
   CREATE TABLE IF NOT EXISTS like_counts (
     event_id TEXT NOT NULL, comment_id TEXT NOT NULL, n INTEGER NOT NULL,
     PRIMARY KEY (event_id, comment_id)) WITHOUT ROWID;`,
  // Webhooks: the outbox (written with the change it reports) and the deliveries (one per
  // destination, retried until delivered or dead).
  `CREATE TABLE IF NOT EXISTS webhook_outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, type TEXT NOT NULL,
     data TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE IF NOT EXISTS webhook_deliveries (
     id INTEGER PRIMARY KEY AUTOINCREMENT, webhook_id TEXT NOT NULL, event_id TEXT NOT NULL,
     type TEXT NOT NULL, url TEXT NOT NULL, source TEXT NOT NULL, body TEXT NOT NULL,
     created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
     state TEXT NOT NULL DEFAULT 'pending', last_error TEXT);
   CREATE INDEX IF NOT EXISTS webhook_due ON webhook_deliveries (next_at) WHERE state = 'pending';
   CREATE INDEX IF NOT EXISTS webhook_dead ON webhook_deliveries (id) WHERE state = 'dead';`,
  // Custom emotes and their pictures (self-contained: it may be renumbered beside others).
  EMOTES_MIGRATION,
  // Media time: comments' media time for replays, and the indexes of media-time order.
  REPLAY_MIGRATION,
  // Search: the FTS5 index of comment words (filled by following the log), its position per
  // event, and the record of user erasures (self-contained: it may be renumbered).
  SEARCH_MIGRATION,
  // The owner's analytics: per-minute rows, chatters, counts by reason, each event's cursor.
  ANALYTICS_MIGRATION,
  // Search pages walk a bounded window of an event's index rows, found in position order.
  SEARCH_ORDER_MIGRATION,
  // Erasure finds a user's comments and the moderation log's entries about them by index.
  ERASURE_MIGRATION,
];

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
