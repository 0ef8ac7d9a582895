import type {
  Comment,
  Emote,
  EntriesPage,
  ErrorBody,
  ErrorCode,
  EventModerator,
  LiveEvent,
  PinEntry,
  Poll,
  PostStatus,
  ReplayPage,
  ReportSummary,
  Role,
  SettingsPatch,
  UserRef,
} from '@livecomments/protocol';
import { TokenKeeper, type TokenSource } from './token.js';

export type { TokenSource } from './token.js';

/** A comment as `postComment` sends it (docs/API.md "Comments", "Media time and replay"). */
export interface PostBody {
  text: string;
  clientId: string;
  parentId?: string;
  /** The player's position when posting, whole ms of media time. */
  mediaTimeMs?: number;
}

/** Where the server is and who is asking. */
export interface ApiOptions {
  /** Origin of the server, e.g. `http://localhost:8080`; in a browser the page's own origin by default. */
  baseUrl?: string;
  token?: TokenSource;
  /**
   * Fetches a fresh token (from your backend). Called when there is none yet, before the current
   * one expires (its JWT `exp`), and after a 401; a request refused with 401 is retried once with
   * the new token, then fails with `UnauthorizedError`. Takes precedence over `token`.
   */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** Every error code the SDK reports: the server's catalogue, `network` (no answer) and `cancelled`. */
export type ClientErrorCode = ErrorCode | 'network' | 'cancelled';

/** An error body with a code from `ClientErrorCode`. */
export interface ClientErrorBody extends ErrorBody {
  code: ClientErrorCode;
}

/**
 * An error answer of the server (`code` from the catalogue in `@livecomments/protocol`), or
 * `code: "network"` with `status: 0` when the request got no answer at all.
 */
export class ApiError extends Error {
  readonly code: ClientErrorCode;
  readonly status: number;
  readonly body: ClientErrorBody;

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body as ClientErrorBody;
    this.code = this.body.code;
  }

  /** Milliseconds to wait before trying again, when the server said so. */
  get retryAfterMs(): number | undefined {
    return this.body.retryAfterMs;
  }

  /** True when the request may be retried as is: no answer, or a passing server trouble. */
  get transient(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

/** The server refused the token (401), also after a fresh one from `getToken`. */
export class UnauthorizedError extends ApiError {
  declare readonly code: 'unauthenticated';

  constructor(body: ErrorBody = { code: 'unauthenticated', message: 'The server refused the token' }) {
    super(401, { ...body, code: 'unauthenticated' });
    this.name = 'UnauthorizedError';
  }
}

/**
 * A review queue item: a held comment with the scores and reasons that held it, or a published
 * one viewers reported (`status: "reported"`) with their count and reasons.
 */
export interface HeldComment {
  comment: Omit<Comment, 'seq'> & { seq?: number | null };
  status?: 'held' | 'reported';
  scores?: Record<string, number>;
  reasons?: string[];
  reports?: ReportSummary;
  [detail: string]: unknown;
}

/** A ban as the server lists it. */
export interface BanRecord {
  userId: string;
  until: number | null;
  reason?: string;
  by?: string;
  createdAt?: number;
  [detail: string]: unknown;
}

/** One line of the moderation log. */
export interface ModerationLogItem {
  action: string;
  actorId: string;
  at: number;
  targetId?: string;
  reason?: string;
  text?: string;
  details?: Record<string, unknown>;
  [detail: string]: unknown;
}

/** The page's own origin in a browser, undefined elsewhere. */
function defaultBaseUrl(): string | undefined {
  return (globalThis as { location?: { origin?: string } }).location?.origin;
}

/** Typed calls of the REST API (docs/API.md): events, comments, moderation, dev tokens. */
export class LiveCommentsApi {
  readonly baseUrl: string;
  readonly #token: TokenKeeper;
  #fetch: typeof fetch;

  constructor(options: ApiOptions = {}) {
    const baseUrl = options.baseUrl ?? defaultBaseUrl();
    if (!baseUrl) throw new TypeError('baseUrl is required outside a browser');
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = new TokenKeeper(options.token, options.getToken);
    const f = options.fetch ?? globalThis.fetch;
    // Browsers want fetch called with globalThis as `this`.
    this.#fetch = (input, init) => f.call(globalThis, input, init);
  }

  /** Replaces the token used by later calls. */
  setToken(token: TokenSource): void {
    this.#token.set(token);
  }

  /** The current token, if any (with `getToken`: renewed first when it expires soon). */
  token(): Promise<string | undefined> {
    return this.#token.current();
  }

  /** With `getToken`: asks it for a new token now (after a refusal); else the current token. */
  renewToken(): Promise<string | undefined> {
    return this.#token.renew();
  }

  /** When the current token should be renewed (ms since the epoch), when `getToken` and its `exp` say. */
  get tokenRenewAt(): number | undefined {
    return this.#token.renewable ? this.#token.renewAt : undefined;
  }

  /**
   * Sends one request; resolves with the parsed JSON body (undefined for 204), throws ApiError.
   * An `authorization` header in `init.headers` replaces the token (an empty one sends none).
   */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    init: { signal?: AbortSignal; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const ownToken = !('authorization' in (init.headers ?? {}));
    try {
      return await this.#send<T>(method, path, body, init);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401 || !ownToken) throw err;
      if (!this.#token.renewable) throw new UnauthorizedError(err.body);
    }
    // Refused: ask for a new token and try once more.
    await this.#token.renew();
    try {
      return await this.#send<T>(method, path, body, init);
    } catch (err) {
      throw err instanceof ApiError && err.status === 401 ? new UnauthorizedError(err.body) : err;
    }
  }

  /** One request with the current token. */
  async #send<T>(
    method: string,
    path: string,
    body: unknown,
    init: { signal?: AbortSignal; headers?: Record<string, string> },
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (headers.authorization === '') delete headers.authorization;
    else if (!('authorization' in headers)) {
      const token = await this.token();
      if (token) headers.authorization = `Bearer ${token}`;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.#fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: init.signal,
        cache: 'no-store',
      });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw new ApiError(0, { code: 'network', message: err instanceof Error ? err.message : String(err) });
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) throw new ApiError(res.status, errorBody(res, json));
    return json as T;
  }

  /**
   * Gets a development token (servers started without a JWT secret only). `extras` claim a
   * membership or a follow time (ms) to try the chat modes; the server grants them to its own machine only.
   */
  devToken(
    name: string,
    role: Role = 'viewer',
    extras: { member?: boolean; followedAt?: number } = {},
  ): Promise<{ token: string; user: UserRef }> {
    return this.request('POST', '/v1/dev/tokens', { name, role, ...extras });
  }

  /** Events, newest first; `status` "live" by default. */
  async listEvents(status: 'live' | 'ended' | 'all' = 'live'): Promise<LiveEvent[]> {
    const query = status === 'all' ? '' : `?status=${status}`;
    const page = await this.request<{ items: LiveEvent[] }>('GET', `/v1/events${query}`);
    return page.items;
  }

  /** Starts an event owned by the caller. */
  createEvent(title: string, settings: SettingsPatch = {}): Promise<LiveEvent> {
    return this.request('POST', '/v1/events', { title, settings });
  }

  getEvent(eventId: string, init?: { signal?: AbortSignal }): Promise<LiveEvent> {
    return this.request('GET', `/v1/events/${enc(eventId)}`, undefined, init);
  }

  /** Changes some settings (owner, moderator, admin). */
  updateSettings(eventId: string, settings: SettingsPatch): Promise<LiveEvent> {
    return this.request('PATCH', `/v1/events/${enc(eventId)}`, { settings });
  }

  endEvent(eventId: string): Promise<LiveEvent> {
    return this.request('POST', `/v1/events/${enc(eventId)}/end`, {});
  }

  /** Log entries after `after` (ascending) or before `before` (newest first). */
  listEntries(
    eventId: string,
    query: { after?: number; before?: number; limit?: number; view?: 'top' },
    init?: { signal?: AbortSignal },
  ): Promise<EntriesPage> {
    const params = new URLSearchParams();
    if (query.view !== undefined) params.set('view', query.view);
    if (query.after !== undefined) params.set('after', String(query.after));
    if (query.before !== undefined) params.set('before', String(query.before));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return this.request('GET', `/v1/events/${enc(eventId)}/comments?${params}`, undefined, init);
  }

  /** Posts once (no retry: see `LiveComments.post` for the retrying, optimistic form). */
  postComment(
    eventId: string,
    post: PostBody,
    init?: { signal?: AbortSignal },
  ): Promise<{ comment: Comment; status: PostStatus }> {
    return this.request('POST', `/v1/events/${enc(eventId)}/comments`, post, init);
  }

  deleteComment(eventId: string, commentId: string): Promise<void> {
    return this.request('DELETE', `/v1/events/${enc(eventId)}/comments/${enc(commentId)}`);
  }

  /** Held comments awaiting a moderator. */
  async reviewQueue(eventId: string): Promise<HeldComment[]> {
    const page = await this.request<{ items: HeldComment[] }>('GET', `/v1/events/${enc(eventId)}/review`);
    return page.items;
  }

  /** Approves (publishes) or rejects a held comment. */
  review(eventId: string, commentId: string, action: 'approve' | 'reject'): Promise<unknown> {
    return this.request('POST', `/v1/events/${enc(eventId)}/review/${enc(commentId)}`, { action });
  }

  /** Bans a user from the event; without `durationMs` for good. */
  ban(eventId: string, ban: { userId: string; durationMs?: number; reason?: string }): Promise<unknown> {
    return this.request('POST', `/v1/events/${enc(eventId)}/bans`, ban);
  }

  unban(eventId: string, userId: string): Promise<void> {
    return this.request('DELETE', `/v1/events/${enc(eventId)}/bans/${enc(userId)}`);
  }

  async listBans(eventId: string): Promise<BanRecord[]> {
    const page = await this.request<{ items: BanRecord[] }>('GET', `/v1/events/${enc(eventId)}/bans`);
    return page.items;
  }

  /** Pins a comment (`commentId`) or a text at the top of the chat (owner, moderator). */
  pin(
    eventId: string,
    pin: { commentId: string; expiresAt?: number } | { text: string; expiresAt?: number },
  ): Promise<PinEntry> {
    return this.request('POST', `/v1/events/${enc(eventId)}/pin`, pin);
  }

  /** Ends the current pin (owner, moderator). */
  unpin(eventId: string): Promise<void> {
    return this.request('DELETE', `/v1/events/${enc(eventId)}/pin`);
  }

  /** Starts a poll of 2-6 options (owner, moderator); its results come as `poll` entries. */
  startPoll(eventId: string, poll: { question: string; options: string[]; durationMs: number }): Promise<Poll> {
    return this.request('POST', `/v1/events/${enc(eventId)}/polls`, poll);
  }

  /** Votes for an option (by index); voting again changes the vote until the poll ends. */
  vote(eventId: string, pollId: string, option: number): Promise<void> {
    return this.request('POST', `/v1/events/${enc(eventId)}/polls/${enc(pollId)}/votes`, { option });
  }

  async moderationLog(eventId: string): Promise<ModerationLogItem[]> {
    const page = await this.request<{ items: ModerationLogItem[] }>('GET', `/v1/events/${enc(eventId)}/moderation-log`);
    return page.items;
  }

  // Replies, reports, event moderators (docs/API.md "Replies", "Reports", "Badges and roles").

  /** A comment's published replies, oldest first. */
  async replies(eventId: string, commentId: string, limit?: number): Promise<Comment[]> {
    const query = limit === undefined ? '' : `?limit=${limit}`;
    const path = `/v1/events/${enc(eventId)}/comments/${enc(commentId)}/replies${query}`;
    return (await this.request<{ items: Comment[] }>('GET', path)).items;
  }

  /**
   * A page of the event's comments in media-time order, without what moderators removed
   * (docs/API.md "Media time and replay"): from `cursor` (the previous page's `next`) or from
   * `fromMs`. `ReplayPlayer` plays them against a player clock.
   */
  replay(eventId: string, from: { fromMs?: number; cursor?: string; limit?: number } = {}): Promise<ReplayPage> {
    const params = new URLSearchParams();
    if (from.cursor !== undefined) params.set('cursor', from.cursor);
    else if (from.fromMs !== undefined) params.set('fromMs', String(Math.max(0, Math.floor(from.fromMs))));
    if (from.limit !== undefined) params.set('limit', String(from.limit));
    return this.request('GET', `/v1/events/${enc(eventId)}/replay?${params}`);
  }

  /** Reports a comment to the event's moderators; `already_reported` when this user did before. */
  async report(eventId: string, commentId: string, reason: string): Promise<'received' | 'already_reported'> {
    const path = `/v1/events/${enc(eventId)}/comments/${enc(commentId)}/reports`;
    return (await this.request<{ status: 'received' | 'already_reported' }>('POST', path, { reason })).status;
  }

  /** Deletes one of the caller's own comments (moderators: any they may act on). */
  deleteOwn(eventId: string, commentId: string): Promise<void> {
    return this.deleteComment(eventId, commentId);
  }

  /** The moderators the owner appointed (those who moderate the event). */
  async moderators(eventId: string): Promise<EventModerator[]> {
    return (await this.request<{ items: EventModerator[] }>('GET', `/v1/events/${enc(eventId)}/moderators`)).items;
  }

  /** Appoints a moderator by user id (owner, admin); `name` is protected until they post. */
  addModerator(eventId: string, userId: string, name?: string): Promise<EventModerator> {
    return this.request('PUT', `/v1/events/${enc(eventId)}/moderators/${enc(userId)}`, name ? { name } : {});
  }

  removeModerator(eventId: string, userId: string): Promise<void> {
    return this.request('DELETE', `/v1/events/${enc(eventId)}/moderators/${enc(userId)}`);
  }

  /** The event's custom emotes (also in its public settings, `settings.emotes`). */
  async emotes(eventId: string): Promise<Emote[]> {
    return (await this.request<{ items: Emote[] }>('GET', `/v1/events/${enc(eventId)}/emotes`)).items;
  }

  /**
   * Adds or replaces a custom emote (owner, admin): a PNG, GIF or WebP picture of at most 32 KiB
   * and 128 x 128 pixels, or `url`, an https address on a host the server allows.
   */
  putEmote(eventId: string, code: string, source: { image: Uint8Array } | { url: string }): Promise<Emote> {
    const body = 'image' in source ? { image: base64(source.image) } : { url: source.url };
    return this.request('PUT', `/v1/events/${enc(eventId)}/emotes/${enc(code)}`, body);
  }

  removeEmote(eventId: string, code: string): Promise<void> {
    return this.request('DELETE', `/v1/events/${enc(eventId)}/emotes/${enc(code)}`);
  }

  /** Where an emote's picture is: an uploaded one's address is relative to the server. */
  emoteSrc(emote: Emote): string {
    return emote.url.startsWith('/') ? this.baseUrl + emote.url : emote.url;
  }
}

/** Base64 of bytes, in browsers and Node alike. */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Encodes one path segment. */
export function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** The error body of an answer, made up from the status when the server sent none. */
function errorBody(res: Response, json: unknown): ErrorBody {
  const body = (json as { error?: ErrorBody } | undefined)?.error;
  const out: ErrorBody =
    body && typeof body.code === 'string'
      ? { ...body }
      : { code: res.status === 404 ? 'not_found' : 'unavailable', message: `HTTP ${res.status}` };
  if (out.retryAfterMs === undefined) {
    const header = Number(res.headers.get('retry-after'));
    if (Number.isFinite(header) && header > 0) out.retryAfterMs = header * 1000;
  }
  return out;
}
