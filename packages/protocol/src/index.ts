/**
 * Wire types of the live comment API (v1), shared by the server and every client.
 * The contract they follow is docs/API.md.
 */

export * from './close-codes.js';
export * from './errors.js';
export * from './pins-polls.js';
export * from './reactions.js';

import type { CurrentPin, PinEntry, Poll, PollEntry, UnpinEntry } from './pins-polls.js';
import type { EventSettings } from './settings.js';

// Types only: the schema itself is `@livecomments/protocol/settings`, so bundles stay free of TypeBox.
export type {
  AutomodCategory,
  AutomodLevel,
  AutomodSettings,
  EventSettings,
  LinkPolicy,
  ModerationThresholds,
  ProfanityPolicy,
  SettingsPatch,
} from './settings.js';

/** A user as shown next to a comment. */
export interface UserRef {
  id: string;
  name: string;
  /** Shown beside the name, in the order of `BADGES`; absent when none (see "Badges and roles"). */
  badges?: Badge[];
}

/** Roles carried in a token's `role` claim. */
export type Role = 'viewer' | 'moderator' | 'admin' | 'service';

/** All roles, in the order of their power (service stands apart: a trusted publisher). */
export const ROLES: readonly Role[] = ['viewer', 'moderator', 'admin', 'service'];

/** A published comment. `seq` is its place in the event's log. */
export interface Comment {
  id: string;
  eventId: string;
  seq: number;
  user: UserRef;
  text: string;
  createdAt: number;
  parentId?: string;
  /** Likes so far (history reads carry it; live counts come in `likes` frames). */
  likes?: number;
}

/** An event's lifecycle state. */
export type EventStatus = 'live' | 'ended';

/** A live event (a stream, a match, a talk) and its comment log's head. */
export interface LiveEvent {
  id: string;
  title: string;
  status: EventStatus;
  ownerId: string;
  createdAt: number;
  endedAt?: number;
  lastSeq: number;
  /**
   * The epoch of the event's log: resume with it beside `after` (`epoch=`). A new one means the
   * history was lost or re-created; a resume point of another epoch gets a `reset` (reason `epoch`).
   */
  epoch?: string;
  viewers: number;
  settings: EventSettings;
  /** What is pinned at the top of the chat now, if anything (an expired pin is left out). */
  pin?: CurrentPin;
  /** The event's latest poll (open, or the last one closed), with its latest results. */
  poll?: Poll;
}

/**
 * The settings every viewer sees: what the composer and the page header need. The rest (blocked
 * terms, thresholds, shadow mode, profanity, languages, attack rules) only those who moderate
 * the event read, from `GET /v1/events/:id` with their token.
 */
export type PublicSettings = Pick<
  EventSettings,
  | 'slowModeMs'
  | 'maxCommentChars'
  | 'uniqueChat'
  | 'linksAllowed'
  | 'rateLimitPerMinute'
  | 'linkPolicy'
  | 'allowedDomains'
  | 'reactions'
>;

/** An event as anyone who does not moderate it sees it (and as `event` log entries carry it). */
export type PublicEvent = Omit<LiveEvent, 'settings'> & { settings: PublicSettings };

/** A comment entry of the log. */
export interface CommentEntry {
  seq: number;
  type: 'comment';
  comment: Comment;
}

/** A deletion: viewers remove the comment. */
export interface DeleteEntry {
  seq: number;
  type: 'delete';
  commentId: string;
}

/** A ban: viewers hide the user's comments; `until` null is permanent. */
export interface BanEntry {
  seq: number;
  type: 'ban';
  userId: string;
  until: number | null;
}

/** A change of the event's state or settings; it carries the public part of the settings only. */
export interface EventEntry {
  seq: number;
  type: 'event';
  event: PublicEvent;
}

/** One entry of an event's log; `seq` runs 1, 2, 3... with no gaps. */
export type Entry = CommentEntry | DeleteEntry | BanEntry | EventEntry | PinEntry | UnpinEntry | PollEntry;

/** An entry before the store gave it its sequence number. */
export type NewEntry =
  | Omit<CommentEntry, 'seq'>
  | Omit<DeleteEntry, 'seq'>
  | Omit<BanEntry, 'seq'>
  | Omit<EventEntry, 'seq'>
  | Omit<PinEntry, 'seq'>
  | Omit<UnpinEntry, 'seq'>
  | Omit<PollEntry, 'seq'>;

/** Outcome of a post. */
export type PostStatus = 'published' | 'held';

/** Frames the server sends over a WebSocket. */
export type ServerFrame =
  | { type: 'entries'; items: Entry[] }
  | { type: 'presence'; viewers: number }
  | { type: 'ack'; clientId: string; status: PostStatus; comment: Comment }
  | { type: 'error'; clientId?: string; error: ErrorBody }
  | { type: 'reset'; lastSeq: number; reason: string; epoch?: string }
  | ReactionsFrame
  | LikesFrame
  | { type: 'pong' };

/** Frames a client sends over a WebSocket. */
export type ClientFrame =
  | { type: 'comment'; text: string; clientId: string; parentId?: string }
  | ReactionFrame
  | { type: 'ping' };

// --- Interactions: reactions and likes (docs/API.md "Interactions"). Not log entries: counted
// per short window and pushed as one frame per window, so they carry no `seq`.

/** Emoji reaction counts by emoji. */
export type ReactionCounts = Record<string, number>;

/** Reactions of every viewer since the previous such frame (never one frame per reaction). */
export interface ReactionsFrame {
  type: 'reactions';
  counts: ReactionCounts;
}

/** Like counts of comments that changed in the last window: absolute values by comment id. */
export interface LikesFrame {
  type: 'likes';
  counts: Record<string, number>;
}

/** A reaction sent over a WebSocket (the REST form is `POST .../reactions`). */
export interface ReactionFrame {
  type: 'reaction';
  emoji: string;
}

/** `GET /v1/events/:eventId/reactions`: the event's reactions so far. */
export interface ReactionTotals {
  totals: ReactionCounts;
}

/** The real-time views: every comment, or the ranked Top chat subset. */
export type StreamView = 'live' | 'top';

/** The body of every error: `{"error": ErrorBody}`. */
export interface ErrorBody {
  code: string;
  message: string;
  retryAfterMs?: number;
  [detail: string]: unknown;
}

/** Answer of the log listing and of a long poll. */
export interface EntriesPage {
  items: Entry[];
  lastSeq: number;
  /** Set when the requested resume point cannot be served: reload recent history. */
  reset?: boolean;
  /** With `reset`: why (`epoch` when the client's epoch is not the log's). */
  reason?: string;
  /** With `reset`: the log's current epoch, to resume with from now on. */
  epoch?: string;
  /** Long polls: reactions of the windows that passed while the poll waited. */
  reactions?: ReactionCounts;
  /** Long polls: like counts that changed while the poll waited (absolute). */
  likes?: Record<string, number>;
}

/** Why a resume point was refused with a reset because it belongs to another epoch of the log. */
export const RESET_EPOCH = 'epoch';

// --- Badges, event moderators, reports (docs/API.md "Badges and roles", "Reports") ---

/** A mark beside a name: the event's owner or moderator, staff (admin or global moderator), or from the token. */
export type Badge = 'owner' | 'moderator' | 'staff' | 'member' | 'verified';

/** All badges, in the order they are shown. */
export const BADGES: readonly Badge[] = ['owner', 'moderator', 'staff', 'member', 'verified'];

/** Badges a token may claim for its holder (the others the server works out). */
export const CLAIMED_BADGES: readonly Badge[] = ['member', 'verified'];

/** One moderator appointed by an event's owner (`GET /v1/events/:eventId/moderators`). */
export interface EventModerator {
  userId: string;
  /** The name given when appointed, or the one they last posted under; protected from look-alikes. */
  name?: string;
  by: string;
  createdAt: number;
}

/** The reports of a published comment, as review queue items carry them. */
export interface ReportSummary {
  /** Distinct users who reported it and whose reports are still open. */
  count: number;
  /** The newest reasons, at most 20. */
  reasons: string[];
}
