import { randomBytes } from 'node:crypto';
import type { Comment, CurrentPin, Entry, EventSettings, EventStatus, NewEntry, Poll } from '@livecomments/protocol';
import type { AnalyticsStore } from './analytics.js';
import type { ChatArchive } from './search.js';
import type { WebhookQueue } from './webhook-queue.js';

/** An event as the store keeps it (the viewer count is not stored: presence knows it). */
export interface EventRecord {
  id: string;
  title: string;
  status: EventStatus;
  ownerId: string;
  createdAt: number;
  endedAt?: number;
  lastSeq: number;
  /**
   * The epoch of the event's log: a short random string set when the log is created, and a new
   * one whenever its history is lost or re-created, so a resume point of another epoch is
   * refused (reset) rather than served from a different history.
   */
  epoch: string;
  settings: EventSettings;
  /** The current pin, kept by `pin` and `unpin` entries (it may have expired: readers check). */
  pin?: CurrentPin;
  /** The latest poll, kept by `poll` entries. */
  poll?: Poll;
}

/** An event to create: the store makes up its epoch when none is given. */
export type NewEventRecord = Omit<EventRecord, 'epoch'> & { epoch?: string };

/** A fresh epoch: 8 random characters of base64url. */
export function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/** Where a comment stands. Only `published` and `deleted` comments have a `seq`. */
export type CommentStatus = 'published' | 'held' | 'rejected' | 'deleted';

/** A comment with what the store keeps beside the wire shape. */
export interface StoredComment {
  comment: Omit<Comment, 'seq'> & { seq: number | null };
  status: CommentStatus;
  clientId?: string;
  /** Moderation scores and reasons (held comments show them to moderators). */
  scores?: Record<string, number>;
  reasons?: string[];
}

/** One entry to append, with the idempotency key of the post that made it. */
export interface AppendItem {
  eventId: string;
  entry: NewEntry;
  /** For comment entries: the author's retry key; a second append with it returns the first. */
  clientId?: string;
  /**
   * For `event` entries, required: the full settings for the events table. The entry itself
   * carries only the public part, since the log is what viewers read.
   */
  settings?: EventSettings;
  /**
   * For `unpin` entries: append only while the event's pin is the one made at this seq (an
   * expiry, which every node may try, ends that pin once and never a newer one).
   */
  ifPinSeq?: number;
}

/**
 * What an append did: a new entry, the comment a retried post already made, or nothing, when the
 * item's condition did not hold (an `unpin` whose pin was replaced, a `poll` entry of a poll
 * that is no longer open).
 */
export type AppendResult = { entry: Entry } | { existing: StoredComment } | { skipped: true };

/** A poll as the store keeps it (the votes are counted into `poll` entries as they are appended). */
export interface PollRecord {
  eventId: string;
  id: string;
  question: string;
  options: string[];
  status: 'open' | 'closed';
  endsAt: number;
}

/** One user's vote in a poll (a later vote of the same user replaces it). */
export interface PollVote {
  eventId: string;
  pollId: string;
  userId: string;
  option: number;
  at: number;
}

/** What a like or an unlike did: whether it changed anything, and the comment's count after it. */
export interface LikeOutcome {
  changed: boolean;
  likes: number;
}

/**
 * Where a replay read starts, in media-time order: comments at media time `ms` with a seq above
 * `afterSeq`, then every later media time (`afterSeq` 0: all of `ms`).
 */
export interface ReplayFrom {
  ms: number;
  afterSeq: number;
}

/** A ban of one user from one event; `until` null is permanent. */
export interface Ban {
  eventId: string;
  userId: string;
  until: number | null;
  reason?: string;
  by: string;
  createdAt: number;
}

/** One moderator (or pipeline) action, for the moderation log and as a labeled example. */
export interface ModAction {
  eventId: string;
  action: 'approve' | 'reject' | 'delete' | 'ban' | 'unban' | 'settings' | 'end' | 'hold' | 'block';
  actorId: string;
  at: number;
  targetId?: string;
  reason?: string;
  /** The comment text the action judged, kept as a labeled example for retraining. */
  text?: string;
  details?: Record<string, unknown>;
}

/** A role an event gives a user: its owner (kept for their name) or a moderator the owner appointed. */
export interface EventRole {
  eventId: string;
  userId: string;
  role: 'owner' | 'moderator';
  /** The name to protect from look-alikes; null until known. */
  name: string | null;
  by: string;
  createdAt: number;
}

/** One user's report of a published comment. */
export interface Report {
  eventId: string;
  commentId: string;
  userId: string;
  reason: string;
  createdAt: number;
}

/** A published comment with open reports, for the review queue. */
export interface ReportedComment {
  comment: StoredComment;
  count: number;
  /** The newest reasons first. */
  reasons: string[];
}

/**
 * The source of truth and the sequencer. Every visible change of an event is an entry of its
 * log; the store gives each the next `seq` of its event, with no gap and no duplicate, and keeps
 * the projections (events, comments, bans) in step inside the same transaction.
 *
 * Guarantees: `append` is atomic for the whole batch and durable when its promise resolves;
 * entries of one event get consecutive `seq`s in the order given; concurrent appends from many
 * processes to one event never share or skip a `seq`.
 *
 * Webhooks: every change a webhook reports (a published, held, rejected or deleted comment, a
 * ban, the end of an event, a moderation log entry) writes its outbox row in the same
 * transaction, when the node has webhooks or the event has some (`WebhookQueue`).
 *
 * Search, export, retention and erasure: `ChatArchive` (engines/search.ts).
 */
export interface Store extends WebhookQueue, ChatArchive, AnalyticsStore {
  /**
   * How many `append` calls may be in flight at once: a store that commits appends in the order
   * they were made (and merges those that queue up) takes more than one; absent means one.
   */
  readonly appendsInFlight?: number;
  /** Creates or upgrades the schema. Idempotent. */
  migrate(): Promise<void>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  /** Creates an event with `lastSeq` 0, and its epoch (a new one when the record has none). */
  createEvent(event: NewEventRecord): Promise<void>;
  getEvent(id: string): Promise<EventRecord | null>;
  /** Newest first. */
  listEvents(filter: { status?: EventStatus; limit: number }): Promise<EventRecord[]>;
  /**
   * Appends entries in one transaction. Side effects by type: `comment` publishes the comment
   * (or an earlier held one of the same id), `delete` marks it deleted and blanks its text,
   * `ban` records the ban, `event` replaces the event's title, status and endedAt from the entry
   * and its settings from the item's `settings` (an `event` item without them is refused).
   * `pin` and `unpin` set and clear the event's pin (an `unpin` with `ifPinSeq` is skipped
   * unless that pin is current); a `poll` entry of a new poll records it, one of a known poll is
   * skipped unless the poll is open, gets the votes counted into its options (in the same
   * transaction) and, when `closed`, closes it; each `poll` entry becomes the event's `poll`.
   */
  append(items: AppendItem[]): Promise<AppendResult[]>;
  /** Entries with `seq > after`, ascending, at most `limit`; `event` entries as viewers see them. */
  readAfter(eventId: string, after: number, limit: number): Promise<Entry[]>;
  /** Entries with `seq < before`, newest first, at most `limit`; `event` entries as viewers see them. */
  readBefore(eventId: string, before: number, limit: number): Promise<Entry[]>;
  getComment(eventId: string, commentId: string): Promise<StoredComment | null>;
  /** The comment a user's post with this retry key made, if any. */
  findByClientId(eventId: string, userId: string, clientId: string): Promise<StoredComment | null>;
  /** Keeps a comment out of the log until a moderator approves it. Idempotent per client id. */
  holdComment(held: StoredComment): Promise<StoredComment>;
  /** Held comments of an event, oldest first. */
  listHeld(eventId: string, limit: number): Promise<StoredComment[]>;
  /** Held comments of every event (the review queues' total depth, from the `held` index). */
  heldCount(): Promise<number>;
  /** Marks a held comment rejected; false when it was not held. */
  rejectHeld(eventId: string, commentId: string): Promise<boolean>;
  getBan(eventId: string, userId: string): Promise<Ban | null>;
  listBans(eventId: string): Promise<Ban[]>;
  /** Records a ban without a log entry (the `ban` entry is appended by the caller). */
  putBan(ban: Ban): Promise<void>;
  /** False when there was no ban. */
  removeBan(eventId: string, userId: string): Promise<boolean>;
  /**
   * Records a moderation action; a hold, a block, or the approval or rejection of a held comment
   * (`details.heldAt`) adds its analytics counts in the same transaction (`modActionCounts`).
   */
  addModAction(action: ModAction): Promise<void>;
  getPoll(eventId: string, pollId: string): Promise<PollRecord | null>;
  /**
   * Records or changes a user's vote, only while the poll is open and `at` is before its end;
   * false otherwise. A vote that returns true is counted by every `poll` entry appended after.
   */
  vote(vote: PollVote): Promise<boolean>;
  /**
   * Adds a window's reactions to an event's totals (atomic increments: nodes add their own
   * counts side by side). Reactions are not log entries (docs/ARCHITECTURE.md "Ephemeral aggregates").
   * `byMinute` (reactions by the start of their minute) goes to the analytics minutes in the
   * same transaction.
   */
  addReactions(
    eventId: string,
    counts: Readonly<Record<string, number>>,
    byMinute?: Readonly<Record<string, number>>,
  ): Promise<void>;
  /** An event's reaction totals by emoji. */
  reactionTotals(eventId: string): Promise<Record<string, number>>;
  /**
   * Likes (`liked` true) or unlikes a comment for one user, atomically with its count: a second
   * like, or an unlike without a like, changes nothing (`changed` false). `likes` is the count after.
   */
  setLike(eventId: string, commentId: string, userId: string, liked: boolean): Promise<LikeOutcome>;
  /** Like counts of the given comments (at most a few hundred ids); comments without likes are left out. */
  likeCounts(eventId: string, commentIds: readonly string[]): Promise<Record<string, number>>;
  /** Newest first. */
  listModActions(eventId: string, limit: number): Promise<ModAction[]>;

  // Event roles, reports and replies (docs/API.md "Badges and roles", "Reports", "Replies").
  /** The event's owner and moderator rows, oldest first. */
  listRoles(eventId: string): Promise<EventRole[]>;
  /** Adds a role row or replaces the one of the same user (role, name, by, time). */
  putRole(role: EventRole): Promise<void>;
  /** Removes a moderator row (never an owner row); false when there was none. */
  removeModerator(eventId: string, userId: string): Promise<boolean>;
  /** Records a report; false when this user already reported this comment (open or closed). */
  addReport(report: Report): Promise<boolean>;
  /** Published comments with open reports, most reported first, at most `limit`. */
  listReported(eventId: string, limit: number): Promise<ReportedComment[]>;
  /** Closes a comment's open reports (reviewed); how many there were. */
  closeReports(eventId: string, commentId: string): Promise<number>;
  /** Published replies to a comment, oldest first, at most `limit`, as their log entries carry them. */
  listReplies(eventId: string, parentId: string, limit: number): Promise<Comment[]>;
  /**
   * Published comments of an event in media-time order, ties by seq, from `from`, at most
   * `limit`, as their log entries carry them. Left out: deleted comments, and every comment of a
   * user posted before a `ban` entry naming them (a ban purges, also when made after the event
   * ended). Stable: a page that ends at (ms, seq) is followed by the page from (ms, seq).
   */
  readReplay(eventId: string, from: ReplayFrom, limit: number): Promise<Comment[]>;

  // Custom emotes (docs/API.md "Emotes and chat modes"): not log entries; the event's settings
  // carry the list viewers see, these rows the pictures and the limits.
  /**
   * Adds an emote, or replaces the one of the same code in the event (its picture and id), in one
   * transaction with the limits: a new code is refused (`event_full`, `owner_full`) when the
   * event already has `perEvent` emotes or the owner `perOwner` across their events.
   */
  putEmote(emote: EmoteRecord, image: Uint8Array | null, limits: EmoteLimits): Promise<PutEmoteOutcome>;
  /** Removes an event's emote by code; false when there was none. */
  removeEmote(eventId: string, code: string): Promise<boolean>;
  /** An event's emotes, oldest first. */
  listEmotes(eventId: string): Promise<EmoteRecord[]>;
  /** An uploaded emote's picture by its id, or null. */
  emoteImage(id: string): Promise<EmoteImage | null>;

  close(): Promise<void>;
}

/** A custom emote's row: its code in an event, whose owner it counts against, and its picture. */
export interface EmoteRecord {
  eventId: string;
  code: string;
  /** Unique, new for each picture (so `/v1/emotes/:id` may be cached for ever). */
  id: string;
  /** The event's owner: the limit across events is theirs. */
  ownerId: string;
  /** The picture's address on an allowed host, or null for an uploaded one. */
  url: string | null;
  /** The uploaded picture's type (checked by its bytes), or null. */
  contentType: string | null;
  width: number | null;
  height: number | null;
  createdAt: number;
}

/** The most emotes in one event and of one owner across events. */
export interface EmoteLimits {
  perEvent: number;
  perOwner: number;
}

/** How `putEmote` went. */
export type PutEmoteOutcome = 'stored' | 'event_full' | 'owner_full';

/** An uploaded emote picture. */
export interface EmoteImage {
  contentType: string;
  bytes: Uint8Array;
}

/** A moderation action's column values, in the order both stores insert them: event_id, action,
 * actor_id, at, target_id, reason, text, details (JSON). */
export function modActionValues(a: ModAction): (string | number | null)[] {
  return [
    a.eventId,
    a.action,
    a.actorId,
    a.at,
    a.targetId ?? null,
    a.reason ?? null,
    a.text ?? null,
    a.details ? JSON.stringify(a.details) : null,
  ];
}

/**
 * A comment's column values for both stores: the comment's own (event, id, author, text, time,
 * parent), then how it was posted and moderated (client id, scores and reasons as JSON).
 */
export function commentValues(
  c: Omit<Comment, 'seq'>,
  extra: { clientId?: string; scores?: Record<string, number>; reasons?: string[] },
): { own: (string | number | null)[]; moderation: (string | null)[] } {
  return {
    own: [c.eventId, c.id, c.user.id, c.user.name, c.text, c.createdAt, c.parentId ?? null],
    moderation: [
      extra.clientId ?? null,
      extra.scores ? JSON.stringify(extra.scores) : null,
      extra.reasons ? JSON.stringify(extra.reasons) : null,
    ],
  };
}
