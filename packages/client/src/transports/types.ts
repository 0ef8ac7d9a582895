import type { Comment, Entry, ErrorBody, PostStatus } from '@livecomments/protocol';

/** The three ways to receive an event's log. */
export type TransportName = 'ws' | 'sse' | 'poll';

/** How a transport ended. */
export interface TransportEnd {
  /** Whether it was ever connected (opened) before it ended. */
  opened: boolean;
  /**
   * Set when the server answered but this transport is not available (a proxy refused the
   * upgrade, a stream was answered with a plain response): try the next transport.
   */
  refused?: boolean;
  /** Set when reconnecting cannot help (the event is gone, the user is banned). */
  fatal?: ErrorBody;
  /** Close code or HTTP status, for logs. */
  code?: number;
  reason?: string;
}

/** What a transport reports to the client. Each is called in the order things arrive. */
export interface TransportHandlers {
  /** Connected: entries after the resume point will follow. */
  onOpen(): void;
  /**
   * A batch of log entries, ascending. `lastSeq` (Top chat view) is where the log stands past
   * entries the view left out.
   */
  onEntries(items: Entry[], lastSeq?: number): void;
  /** One window of reactions (added) or like counts (absolute); not log entries. */
  onCounts?(kind: 'reactions' | 'likes', counts: Record<string, number>): void;
  onPresence(viewers: number): void;
  /** The resume point cannot be served; `lastSeq` is the log's current end, `epoch` its epoch. */
  onReset(lastSeq: number, epoch?: string): void;
  /** The answer to a comment sent over this transport (WebSocket only). */
  onAck?(clientId: string, status: PostStatus, comment: Comment): void;
  /** An error frame; with a `clientId` it answers that comment. */
  onError?(error: ErrorBody, clientId?: string): void;
  /** The transport ended; it is not used again. Called at most once, never after `close()`. */
  onEnd(end: TransportEnd): void;
}

/** A minimal WebSocket as browsers, Node 22+ and the `ws` package all provide. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/**
 * What the SDK needs of a WebSocket at the type level: little enough that browsers', Node 22+'s
 * and the `ws` package's classes all fit as they are (the handlers are set internally).
 */
export interface WebSocketInstance {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor: `globalThis.WebSocket` or the `ws` package's default export, no cast needed. */
export type WebSocketConstructor = new (url: string) => WebSocketInstance;

/** Everything a transport needs to open. */
export interface TransportContext {
  baseUrl: string;
  eventId: string;
  /** The client's resume point now (the last seq it delivered). */
  cursor(): number;
  /** The epoch of the log the cursor is in, when known: sent beside it. */
  epoch(): string | undefined;
  /** `top` for the Top chat view; undefined for every comment. */
  view?: 'top';
  /** `rate=`: a sampled tier (comments per second); undefined for every comment. */
  rate?: number;
  token?: string;
  handlers: TransportHandlers;
  fetch: typeof fetch;
  WebSocket?: WebSocketConstructor;
  /** Give up opening after this long. */
  connectTimeoutMs: number;
  /** Declare the connection dead after this long without a byte from the server. */
  idleTimeoutMs: number;
  /** How long the server may hold a long poll. */
  pollTimeoutMs: number;
}

/** An open (or opening) transport. */
export interface Transport {
  readonly name: TransportName;
  /** Ends it without calling `onEnd`. */
  close(): void;
  /** Sends a comment frame when the transport can (WebSocket); false when it cannot. */
  send?(
    frame:
      | { type: 'comment'; text: string; clientId: string; parentId?: string; mediaTimeMs?: number }
      | { type: 'reaction'; emoji: string },
  ): boolean;
}

/** Opens a transport. */
export type TransportFactory = (ctx: TransportContext) => Transport;

/** Builds `baseUrl + path + ?query`, skipping undefined values. */
export function buildUrl(baseUrl: string, path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return baseUrl + path + (search ? `?${search}` : '');
}

/** Reads a counts object from the wire: numeric fields only. */
export function countsOf(value: unknown): Record<string, number> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const counts: Record<string, number> = {};
  for (const [key, n] of Object.entries(value)) if (typeof n === 'number') counts[key] = n;
  return counts;
}

/** Errors after which reconnecting cannot help. */
export function fatalFor(status: number, body: ErrorBody | undefined): ErrorBody | undefined {
  if (status === 404) return body ?? { code: 'not_found', message: 'No such event' };
  if (status === 403 && body?.code === 'banned') return body;
  return undefined;
}

/** Reads `{"error": ...}` from a failed response, if it has one. */
export async function readErrorBody(res: Response): Promise<ErrorBody | undefined> {
  try {
    const json = (await res.json()) as { error?: ErrorBody };
    return json?.error && typeof json.error.code === 'string' ? json.error : undefined;
  } catch {
    return undefined;
  }
}
