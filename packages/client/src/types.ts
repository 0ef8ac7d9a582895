import type {
  BanEntry,
  Comment,
  CommentEntry,
  CurrentPin,
  DeleteEntry,
  Entry,
  Poll,
  PublicEvent,
} from '@livecomments/protocol';
import type { ApiOptions, ClientErrorBody, ClientErrorCode } from './api.js';
import type { BackoffOptions } from './backoff.js';
import type { TransportName, WebSocketConstructor } from './transports/types.js';

/** Where the connection stands. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Options of `connect`. */
export interface ConnectOptions extends ApiOptions {
  /** `auto` (default) tries WebSocket, then SSE, then long polling, and remembers what worked. */
  transport?: 'auto' | TransportName;
  /** Resume after this seq (entries you already have); default: load `history` recent entries. */
  after?: number;
  /**
   * The epoch `after` belongs to (`client.epoch` when you saved `client.lastSeq`): if the log was
   * lost or re-created since, the server answers with a reset instead of resuming in another
   * history. Without it, `after` is taken as is.
   */
  epoch?: string;
  /**
   * `top` follows the Top chat view (a ranked subset of the comments; the server leaves the rest
   * out, so seqs have gaps there); `live` (default) every comment.
   */
  view?: 'live' | 'top';
  /**
   * At most this many comments a second (a sampled tier, for huge events): the server keeps the
   * owner's and moderators' comments, liked ones, and replies to and mentions of you. Its seqs
   * have gaps, which are not losses: the client moves over them. A slow connection may be stepped
   * down to a sampled tier by the server without asking; the client handles that the same way.
   */
  rate?: number;
  /** How many recent log entries to load on start and after a reset (default 50; 0: only new ones). */
  history?: number;
  /** WebSocket constructor; default `globalThis.WebSocket` (pass the `ws` package on Node 20). */
  WebSocket?: WebSocketConstructor;
  /** Reconnect delays (default 1 s doubling to 30 s, with jitter). */
  backoff?: Partial<BackoffOptions>;
  /** Give up opening a transport after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** A stream silent this long is dead (default 45 s; the server beats at least every 15 s). */
  idleTimeoutMs?: number;
  /** How long the server may hold a long poll (default 25 s). */
  pollTimeoutMs?: number;
  /**
   * Open streams with the token (default true). A browser can only put it in the URL there
   * (`?token=`), which proxies may log; false keeps it out of URLs: streams read anonymously and
   * posts still carry it in the Authorization header.
   */
  streamToken?: boolean;
  /** Remember the transport that worked, in localStorage when there is one (default true). */
  remember?: boolean;
  /**
   * Give up on a post after this many failed attempts (no answer, 502/503/504) while live
   * (default: never; posts wait while the client is not live, and `cancelPost` or an AbortSignal
   * ends one).
   */
  postRetries?: number;
}

/** A comment shown at once while the server has not answered. */
export interface PendingPost {
  clientId: string;
  text: string;
  parentId?: string;
  /** The player's position when posting (see `PostOptions.mediaTimeMs`). */
  mediaTimeMs?: number;
  createdAt: number;
}

/** A post not answered yet: waiting for the connection (`queued`) or on its way (`sending`). */
export interface QueuedPost extends PendingPost {
  status: 'queued' | 'sending';
  /** Attempts made so far. */
  attempts: number;
}

/** Options of `post`. */
export interface PostOptions {
  /** Reply to this comment. */
  parentId?: string;
  /**
   * The player's position in the event's media when posting, whole ms (replays play the
   * comment there). Absent: the server derives it from the time of posting.
   */
  mediaTimeMs?: number;
  /** Your own id for the post (default: a random one); the server keeps one comment per id. */
  clientId?: string;
  /** Cancels the post while it waits or is on its way (it resolves as `refused`, code `cancelled`). */
  signal?: AbortSignal;
}

/**
 * The server's answer to a post, or `refused` with code `cancelled` when it was cancelled before
 * an answer (`cancelPost`, an aborted signal, `close()`).
 */
export type PostResult =
  | { status: 'published' | 'held'; comment: Comment }
  | { status: 'refused'; code: ClientErrorCode; error: ClientErrorBody; retryAfterMs?: number };

/** A failed connection attempt; the client tries again in `nextRetryMs` (0: at once, on another transport). */
export interface AttemptFailure {
  /** `network` (no answer), `unauthenticated`, `unavailable` (refused on the way, or the server is busy), ... */
  code: ClientErrorCode;
  message: string;
  /** Failed attempts in a row, from 1; back to 0 once live. */
  attempt: number;
  nextRetryMs: number;
  /** The transport that failed, or null when loading the event failed. */
  transport: TransportName | null;
}

/** A page of older history from `loadOlder`. */
export interface OlderPage {
  /** Older comments, oldest first, without those deleted or from users banned since. */
  comments: Comment[];
  /** Every log entry of the page, oldest first. */
  entries: Entry[];
  /** Whether there is more before these. */
  hasMore: boolean;
}

/** Handlers by event name (`client.on(name, handler)`). */
export interface LiveCommentsEvents {
  /** A published comment, in log order. */
  comment: (comment: Comment, entry: CommentEntry) => void;
  /** A comment was deleted: remove it. */
  delete: (commentId: string, entry: DeleteEntry) => void;
  /** A user was banned: hide their comments. `until` null is permanent. */
  ban: (ban: { userId: string; until: number | null }, entry: BanEntry) => void;
  /**
   * The event: at start as `GET` gives it (in full to those who moderate it), then on every
   * change as its `event` entry carries it (the public settings only).
   */
  event: (event: PublicEvent) => void;
  /**
   * What is pinned at the top of the chat: at start as the event has it, then on every `pin` and
   * `unpin` entry; null when nothing is (also when a pin reaches its `expiresAt`).
   */
  pin: (pin: CurrentPin | null) => void;
  /** The latest poll: at start as the event has it, then on every `poll` entry (results, close). */
  poll: (poll: Poll) => void;
  /** How many are watching. */
  presence: (viewers: number) => void;
  /** Reactions of every viewer since the previous such call (one window): animate a burst. */
  reactions: (counts: Record<string, number>) => void;
  /** Like counts that changed, by comment id (absolute values). */
  likes: (counts: Record<string, number>) => void;
  /** Every log entry, in order, before its typed handler. */
  entry: (entry: Entry) => void;
  /** Connection state and the transport in use (null while not live). */
  state: (state: ConnectionState, transport: TransportName | null) => void;
  /**
   * The log could not be resumed (too far back, ahead of the log, or of another epoch): clear what
   * you show; recent history follows.
   */
  reset: (lastSeq: number) => void;
  /** A post was sent: show it as pending. */
  pending: (post: PendingPost) => void;
  /** A post was answered: confirm it (published, held) or withdraw it (refused). */
  settled: (post: PendingPost, result: PostResult) => void;
  /**
   * A problem that stops the connection for good (`not_found`, `banned`, or `unauthenticated`
   * when the token from `getToken` is refused too).
   */
  error: (error: ClientErrorBody) => void;
  /** A connection attempt failed; the client goes on trying (see `AttemptFailure`). */
  attemptFailed: (failure: AttemptFailure) => void;
  /**
   * The server refused the token (expired, or from another server): reading goes on without it;
   * posting needs a new one (the token source is asked again on each reconnect and post).
   */
  tokenRejected: (error: ClientErrorBody) => void;
}
