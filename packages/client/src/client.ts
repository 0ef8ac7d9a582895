import {
  type Comment,
  type CurrentPin,
  DEFAULT_REACTIONS,
  type Entry,
  type ErrorBody,
  type PinEntry,
  type Poll,
  type PublicEvent,
} from '@livecomments/protocol';
import { ApiError, type ClientErrorBody, enc, LiveCommentsApi, UnauthorizedError } from './api.js';
import { Backoff } from './backoff.js';
import { Emitter } from './emitter.js';
import { makeClientId, Outbox } from './post.js';
import { recallTransport, rememberTransport } from './remember.js';
import { Sequencer } from './sequencer.js';
import { openLongPoll } from './transports/long-poll.js';
import { openSse } from './transports/sse.js';
import type { Transport, TransportEnd, TransportFactory, TransportName } from './transports/types.js';
import { openWebSocket } from './transports/websocket.js';
import type {
  AttemptFailure,
  ConnectionState,
  ConnectOptions,
  LiveCommentsEvents,
  OlderPage,
  PendingPost,
  PostOptions,
  PostResult,
  QueuedPost,
} from './types.js';

const FACTORIES: Record<TransportName, TransportFactory> = { ws: openWebSocket, sse: openSse, poll: openLongPoll };
const ORDER: readonly TransportName[] = ['ws', 'sse', 'poll'];
/** A connection that stays up this long resets the backoff. */
const STABLE_MS = 5000;
/** How often the viewer count is read while on long polling. */
const POLL_PRESENCE_MS = 15_000;
/** The code an attempt failure reports, by what the probe found. */
const FAILURE_CODE = { down: 'network', unauthenticated: 'unauthenticated', up: 'unavailable' } as const;

/**
 * A live connection to one event's comments: loads recent history, then streams the log over
 * the best transport that works, reconnecting and resuming from the last seq; every entry
 * reaches the handlers once and in order.
 */
export class LiveComments extends Emitter<LiveCommentsEvents> {
  readonly eventId: string;
  /** REST calls with the same server and token. */
  readonly api: LiveCommentsApi;
  /** Where the connection stands. */
  state: ConnectionState = 'connecting';
  /** The transport in use while live. */
  transport: TransportName | null = null;
  /**
   * The event as last seen: from `GET` at the start (in full for those who moderate it), then
   * from `event` entries, which carry the public settings only.
   */
  event: PublicEvent | null = null;
  /** Viewers as last reported. */
  viewers = 0;
  /** What is pinned now (null when nothing is, or the pin expired). */
  pin: CurrentPin | null = null;
  /** The latest poll, with its latest results. */
  poll: Poll | null = null;
  #pinTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #options: ConnectOptions;
  readonly #candidates: TransportName[];
  readonly #backoff: Backoff;
  readonly #abort = new AbortController();
  #index = 0;
  #seq: Sequencer | null = null;
  /** The epoch the cursor belongs to, sent beside it on every resume. */
  #epoch: string | undefined;
  #current: Transport | null = null;
  #generation = 0;
  #everLive = false;
  #closed = false;
  #offline = false;
  /** A token the server refused: streams go on without it. */
  #rejectedToken: string | undefined;
  /** The token the current transport was opened with. */
  #streamToken: string | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #stableTimer: ReturnType<typeof setTimeout> | undefined;
  #gapTimer: ReturnType<typeof setTimeout> | undefined;
  #presenceTimer: ReturnType<typeof setInterval> | undefined;
  /** Set while a reset reloads history; `#resets` counts them. */
  #resetting = false;
  #resets = 0;
  /** Posts waiting for the connection or an answer. */
  readonly #outbox: Outbox;
  /** Set by `disconnect()` until `connect()`. */
  #paused = false;
  /** Failed connection attempts in a row. */
  #attempts = 0;
  /** Set once a refused stream token was renewed through `getToken`; cleared when live. */
  #tokenRenewed = false;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #waiters: { resolve(): void; reject(err: Error): void }[] = [];
  /** The oldest seq delivered so far (history and `loadOlder`), and what `loadOlder` must hide. */
  #oldest = 0;
  #deleted = new Set<string>();
  #bannedAt = new Map<string, number>();
  #older: Promise<unknown> = Promise.resolve();

  constructor(eventId: string, options: ConnectOptions = {}) {
    super();
    this.eventId = eventId;
    this.#options = options;
    this.api = new LiveCommentsApi(options);
    this.#backoff = new Backoff(options.backoff);
    this.#outbox = new Outbox({
      api: this.api,
      eventId,
      live: () => this.state === 'live',
      settled: (post, result) => this.emit('settled', post, result),
      maxAttempts: options.postRetries === undefined ? Number.POSITIVE_INFINITY : options.postRetries + 1,
    });
    const mode = options.transport ?? 'auto';
    if (mode === 'auto') {
      const known = options.remember === false ? undefined : recallTransport(this.api.baseUrl);
      // Node 20 has no WebSocket unless one is passed in: start with SSE rather than fail first.
      const hasWs = Boolean(options.WebSocket ?? (globalThis as { WebSocket?: unknown }).WebSocket);
      const order = ORDER.filter((t) => hasWs || t !== 'ws');
      this.#candidates = known && order.includes(known) ? [known, ...order.filter((t) => t !== known)] : order;
    } else {
      this.#candidates = [mode];
    }
    this.#watchNetwork(true);
    // Start after the caller has had the chance to add handlers.
    queueMicrotask(() => this.#start());
  }

  /** The seq of the last entry delivered (the resume point). */
  get lastSeq(): number {
    return this.#seq?.cursor ?? this.#options.after ?? 0;
  }

  /**
   * The epoch of the event's log that `lastSeq` is in (from the server; undefined until known or
   * from a server without epochs). Save it with `lastSeq` and pass both back as `after`/`epoch`.
   */
  get epoch(): string | undefined {
    return this.#epoch;
  }

  /**
   * Posts a comment: `pending` at once, then `settled`. Sent while live; made while offline or
   * reconnecting, it waits and goes when live again, and a lost answer is retried, always with the
   * same `clientId`, so the server publishes it once.
   */
  post(text: string, options: PostOptions = {}): Promise<PostResult> {
    const pending: PendingPost = { clientId: options.clientId ?? makeClientId(), text, createdAt: Date.now() };
    if (options.parentId) pending.parentId = options.parentId;
    if (options.mediaTimeMs !== undefined) pending.mediaTimeMs = options.mediaTimeMs;
    if (this.#closed) {
      const error = { code: 'cancelled' as const, message: 'The client is closed' };
      return Promise.resolve({ status: 'refused', code: error.code, error });
    }
    this.emit('pending', pending);
    return this.#outbox.add(pending, options.signal);
  }

  /** `{ view: 'top' }` for history reads in the Top chat view, else nothing. */
  get #view(): { view?: 'top' } {
    return this.#options.view === 'top' ? { view: 'top' } : {};
  }

  /**
   * Reacts with an emoji of the event's set (`event.settings.reactions`): over the WebSocket when
   * it is the transport in use, else `POST .../reactions`. Counts come back in `reactions` events.
   */
  async react(emoji: string): Promise<void> {
    // A WebSocket frame gets no answer when accepted, so an emoji the event does not offer is
    // refused here, as the server would.
    const offered = this.event?.settings.reactions ?? DEFAULT_REACTIONS;
    if (this.event && !offered.includes(emoji)) {
      throw new ApiError(400, { code: 'invalid_request', message: 'this reaction is not offered here' });
    }
    if (this.#current?.send?.({ type: 'reaction', emoji })) return;
    await this.api.request('POST', `/v1/events/${enc(this.eventId)}/reactions`, { emoji });
  }

  /** Likes a comment (once per user: liking again changes nothing). Counts come in `likes` events. */
  async like(commentId: string): Promise<void> {
    await this.api.request('PUT', `/v1/events/${enc(this.eventId)}/comments/${enc(commentId)}/like`);
  }

  /** Takes a like back (idempotent). */
  async unlike(commentId: string): Promise<void> {
    await this.api.request('DELETE', `/v1/events/${enc(this.eventId)}/comments/${enc(commentId)}/like`);
  }

  /** Posts a reply to `parentId` (`post` with `parentId`: queued and retried the same way). */
  reply(parentId: string, text: string, options: Omit<PostOptions, 'parentId'> = {}): Promise<PostResult> {
    return this.post(text, { ...options, parentId });
  }

  /** Reports a comment of this event to its moderators, with a reason. */
  report(commentId: string, reason: string): Promise<'received' | 'already_reported'> {
    return this.api.report(this.eventId, commentId, reason);
  }

  /** Deletes one of your own comments of this event; viewers get a `delete` entry. */
  deleteOwn(commentId: string): Promise<void> {
    return this.api.deleteOwn(this.eventId, commentId);
  }

  /** A comment's replies, oldest first (the thread view). */
  replies(commentId: string, limit?: number): Promise<Comment[]> {
    return this.api.replies(this.eventId, commentId, limit);
  }

  /** Posts not answered yet, oldest first. */
  get pendingPosts(): QueuedPost[] {
    return this.#outbox.pending;
  }

  /** Sends waiting posts now instead of after the retry delay (when live). */
  retryPosts(): void {
    this.#outbox.retry();
  }

  /** Cancels a waiting post (by `clientId`), or all; it settles as `refused` with code `cancelled`. */
  cancelPost(clientId?: string): number {
    return this.#outbox.cancel(clientId);
  }

  /** Resolves when live (at once if live now); rejects on a fatal error or `close()`. */
  ready(): Promise<void> {
    if (this.state === 'live') return Promise.resolve();
    if (this.#closed) return Promise.reject(new ApiError(0, { code: 'cancelled', message: 'The client is closed' }));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Pins a comment or a text at the top of the chat (owner, moderator). */
  pinMessage(pin: { commentId: string; expiresAt?: number } | { text: string; expiresAt?: number }): Promise<PinEntry> {
    return this.api.pin(this.eventId, pin);
  }

  /** Ends the current pin (owner, moderator). */
  unpin(): Promise<void> {
    return this.api.unpin(this.eventId);
  }

  /** Starts a poll (owner, moderator). */
  startPoll(poll: { question: string; options: string[]; durationMs: number }): Promise<Poll> {
    return this.api.startPoll(this.eventId, poll);
  }

  /** Votes in a poll of this event (changeable until it ends). */
  vote(pollId: string, option: number): Promise<void> {
    return this.api.vote(this.eventId, pollId, option);
  }

  /**
   * Comments before the oldest one delivered so far, oldest first, without those deleted or from
   * users banned since; `hasMore` says whether to offer more. Calls run one after another.
   */
  loadOlder(limit = 50): Promise<OlderPage> {
    const next = this.#older.then(() => this.#loadOlder(limit));
    this.#older = next.catch(() => undefined);
    return next;
  }

  /** Stops the connection, keeping what it knows; `connect()` resumes after `lastSeq`. */
  disconnect(): void {
    if (this.#closed || this.#paused) return;
    this.#paused = true;
    this.#offline = true;
    this.#stop();
    clearTimeout(this.#renewTimer);
    this.#setState('offline', null);
  }

  /** Connects again after `disconnect()`, resuming after the last entry delivered. */
  connect(): void {
    if (this.#closed) throw new Error('The client is closed: create a new one');
    if (!this.#paused) return;
    this.#paused = false;
    this.#resume();
  }

  /** Closes for good: stops every timer and request, cancels waiting posts, drops all handlers. */
  close(): void {
    if (this.#closed) return;
    this.#stop();
    this.#closed = true;
    this.#abort.abort();
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#pinTimer);
    this.#watchNetwork(false);
    this.#setState('offline', null);
    this.#outbox.cancel(undefined, 'The client was closed');
    this.#settleWaiters(new ApiError(0, { code: 'cancelled', message: 'The client was closed' }));
    this.removeAllHandlers();
  }

  // -- start, history, reset -------------------------------------------------------------------

  /** Loads the event and recent history, then opens a transport; retries with backoff. */
  async #start(): Promise<void> {
    if (this.#closed || this.#offline) return;
    try {
      const event = await this.api.getEvent(this.eventId, { signal: this.#abort.signal });
      if (this.#closed) return;
      this.#applyEvent(event);
      this.#setPin(event.pin ?? null);
      if (event.poll) this.#setPoll(event.poll);
      this.#setViewers(event.viewers);
      if (this.#options.after !== undefined) {
        // The caller's own position keeps its own epoch: the server resets it if that is stale.
        this.#epoch = this.#options.epoch ?? event.epoch;
        this.#seq = new Sequencer(this.#options.after, this.#deliver);
        this.#oldest = this.#options.after + 1;
      } else {
        this.#epoch = event.epoch;
        await this.#loadHistory(event.lastSeq);
      }
      this.#open();
    } catch (err) {
      if (this.#closed) return;
      if (err instanceof ApiError && err.status === 404) return this.#fail(err.body);
      if (err instanceof UnauthorizedError && this.#options.getToken) return this.#fail(err.body);
      const error = err instanceof ApiError ? err : new ApiError(0, { code: 'network', message: String(err) });
      this.#retry(() => this.#start(), { code: error.code, message: error.message, transport: null });
    }
  }

  /** Delivers up to `history` entries before `lastSeq + 1`, oldest first, and moves the cursor to `lastSeq`. */
  async #loadHistory(lastSeq: number): Promise<void> {
    const limit = this.#options.history ?? 50;
    this.#seq ??= new Sequencer(lastSeq, this.#deliver);
    const seq = this.#seq;
    seq.clear();
    if (limit > 0 && lastSeq > 0) {
      const page = await this.api.listEntries(
        this.eventId,
        { before: lastSeq + 1, limit, ...this.#view },
        { signal: this.#abort.signal },
      );
      if (this.#closed) return;
      const items = [...page.items].filter((e) => e.seq <= lastSeq).sort((a, b) => a.seq - b.seq);
      this.#oldest = items[0]?.seq ?? lastSeq + 1;
      seq.jump((items[0]?.seq ?? lastSeq + 1) - 1);
      for (const entry of items) {
        if (entry.seq <= seq.cursor) continue;
        seq.cursor = entry.seq;
        this.#deliver(entry);
      }
    } else this.#oldest = lastSeq + 1;
    seq.jump(lastSeq);
  }

  /**
   * The server cannot resume us: tell the app, reload recent history, go on from the log's end
   * (in `epoch`, the log's current one, when the server said).
   */
  async #reset(lastSeq: number, epoch?: string): Promise<void> {
    if (this.#resetting) return;
    if (epoch !== undefined) this.#epoch = epoch;
    // Nothing else may deliver while history reloads: stop the transport, retries and gap fills.
    this.#resetting = true;
    this.#resets++;
    this.#stop();
    this.emit('reset', lastSeq);
    try {
      await this.#loadHistory(lastSeq);
    } catch {
      this.#seq?.jump(lastSeq);
    } finally {
      this.#resetting = false;
    }
    if (!this.#closed && !this.#offline) this.#open();
  }

  // -- transports --------------------------------------------------------------------------------

  /** Opens the current candidate transport. */
  async #open(): Promise<void> {
    this.#dropTransport();
    if (this.#closed || this.#offline || this.#resetting) return;
    const generation = this.#generation;
    const name = this.#candidates[this.#index] ?? 'ws';
    const token = await this.#readToken();
    if (this.#closed || generation !== this.#generation) return;
    this.#streamToken = token;
    /** Runs `fn` only while this transport is the current one. */
    const live =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (!this.#closed && generation === this.#generation) fn(...args);
      };
    this.#current = FACTORIES[name]({
      baseUrl: this.api.baseUrl,
      eventId: this.eventId,
      cursor: () => this.lastSeq,
      epoch: () => this.#epoch,
      ...(this.#options.view === 'top' ? { view: 'top' as const } : {}),
      ...(this.#options.rate === undefined ? {} : { rate: this.#options.rate }),
      token,
      fetch: (input, init) => (this.#options.fetch ?? globalThis.fetch).call(globalThis, input, init),
      WebSocket: this.#options.WebSocket,
      connectTimeoutMs: this.#options.connectTimeoutMs ?? 10_000,
      idleTimeoutMs: this.#options.idleTimeoutMs ?? 45_000,
      pollTimeoutMs: this.#options.pollTimeoutMs ?? 25_000,
      handlers: {
        onOpen: live(() => this.#opened(name)),
        onEntries: live((items: Entry[], lastSeq?: number) => this.#push(items, lastSeq)),
        onCounts: live((kind: 'reactions' | 'likes', counts: Record<string, number>) => this.emit(kind, counts)),
        onPresence: live((viewers: number) => this.#setViewers(viewers)),
        onReset: live((lastSeq: number, epoch?: string) => void this.#reset(lastSeq, epoch)),
        onEnd: live((end: TransportEnd) => void this.#ended(end)),
      },
    });
  }

  /** A transport connected: we are live on it. */
  #opened(name: TransportName): void {
    this.#everLive = true;
    this.#attempts = 0;
    this.#tokenRenewed = false;
    this.#scheduleRenew();
    if (this.#options.transport === undefined || this.#options.transport === 'auto') {
      if (this.#options.remember !== false) rememberTransport(this.api.baseUrl, name);
    }
    clearTimeout(this.#stableTimer);
    this.#stableTimer = setTimeout(() => this.#backoff.reset(), STABLE_MS);
    // Long polls carry no presence: ask now and then.
    if (name === 'poll') this.#presenceTimer = setInterval(() => void this.#refreshViewers(), POLL_PRESENCE_MS);
    this.#setState('live', name);
  }

  /** A transport ended: resume on it, fall back to the next one, or give up for good. */
  async #ended(end: TransportEnd): Promise<void> {
    const name = this.#current?.name ?? this.#candidates[this.#index] ?? 'ws';
    this.#current = null;
    this.#generation++;
    clearTimeout(this.#stableTimer);
    clearInterval(this.#presenceTimer);
    if (end.fatal) return this.#fail(end.fatal);
    if (!end.opened) {
      // Refused before it opened: a bad token, a proxy in the way, or the server is down?
      const why = end.code === 401 ? 'unauthenticated' : end.refused ? 'up' : await this.#probe();
      if (this.#closed || this.#offline) return;
      const failure = { code: FAILURE_CODE[why], message: end.reason || `${name} failed`, transport: name };
      if (why === 'unauthenticated' && this.#streamToken) return this.#refused(this.#streamToken, failure);
      if (why !== 'down' && this.#index < this.#candidates.length - 1) {
        // The server is there but this transport does not get through: try the next one now.
        this.#failed(failure, 0);
        this.#index++;
        this.#open();
        return;
      }
      this.#index = 0;
      return this.#retry(() => this.#open(), failure);
    }
    this.#retry(() => this.#open(), { code: 'network', message: end.reason || 'connection lost', transport: name });
  }

  /**
   * The server refused the stream's token. With `getToken`: renew it and try once more, then stop
   * with `unauthenticated`. Without: read on without it and say so.
   */
  async #refused(token: string, failure: Omit<AttemptFailure, 'attempt' | 'nextRetryMs'>): Promise<void> {
    if (!this.#options.getToken) {
      this.#rejectToken(token);
      this.#failed(failure, 0);
      this.#open();
      return;
    }
    if (this.#tokenRenewed) return this.#fail(new UnauthorizedError().body);
    this.#tokenRenewed = true;
    this.#failed(failure, 0);
    try {
      await this.api.renewToken();
    } catch {
      return this.#fail(new UnauthorizedError({ code: 'unauthenticated', message: 'getToken failed' }).body);
    }
    if (!this.#closed && !this.#offline) this.#open();
  }

  /** Renews the token from `getToken` shortly before it expires, while connected. */
  #scheduleRenew(): void {
    clearTimeout(this.#renewTimer);
    const at = this.api.tokenRenewAt;
    if (at === undefined || this.#closed) return;
    this.#renewTimer = setTimeout(
      async () => {
        await this.api.renewToken().catch(() => undefined);
        if (!this.#closed && !this.#paused) this.#scheduleRenew();
      },
      Math.max(1000, at - Date.now()),
    );
  }

  /**
   * Asks the server over plain HTTP, with the token the transport used, why a transport failed:
   * `down` (no answer), `unauthenticated` (the token is refused) or `up` (so the transport itself
   * was refused on the way).
   */
  async #probe(): Promise<'up' | 'down' | 'unauthenticated'> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 5000);
    const headers = { authorization: this.#streamToken ? `Bearer ${this.#streamToken}` : '' };
    try {
      await this.api.request(
        'GET',
        `/v1/events/${enc(this.eventId)}/poll?timeoutMs=0&after=${this.lastSeq}`,
        undefined,
        { signal: abort.signal, headers },
      );
      return 'up';
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 0) return 'down';
      return err.status === 401 ? 'unauthenticated' : 'up';
    } finally {
      clearTimeout(timer);
    }
  }

  /** The token for a stream: none once the server refused it (until the source gives a new one). */
  async #readToken(): Promise<string | undefined> {
    if (this.#options.streamToken === false) return undefined;
    const token = await this.api.token().catch(() => undefined);
    return token === this.#rejectedToken ? undefined : token;
  }

  /** Goes on without a token the server refused, and says so. */
  #rejectToken(token: string): void {
    this.#rejectedToken = token;
    this.emit('tokenRejected', { code: 'unauthenticated', message: 'The server refused the token' });
  }

  /** Reports the failed attempt, waits the next backoff delay, then runs `again`. */
  #retry(
    again: () => void,
    failure: Omit<AttemptFailure, 'attempt' | 'nextRetryMs'> = {
      code: 'network',
      message: 'connection lost',
      transport: null,
    },
  ): void {
    if (this.#closed || this.#offline) return;
    this.#setState(this.#everLive ? 'reconnecting' : 'connecting', null);
    clearTimeout(this.#retryTimer);
    const delay = this.#backoff.next();
    this.#failed(failure, delay);
    this.#retryTimer = setTimeout(again, delay);
  }

  /** Tells the app that a connection attempt failed and when the next one goes. */
  #failed(failure: Omit<AttemptFailure, 'attempt' | 'nextRetryMs'>, nextRetryMs: number): void {
    this.#attempts++;
    this.emit('attemptFailed', { ...failure, attempt: this.#attempts, nextRetryMs });
  }

  /** Closes the current transport without hearing from it again. */
  #dropTransport(): void {
    this.#generation++;
    clearTimeout(this.#stableTimer);
    clearInterval(this.#presenceTimer);
    this.#current?.close();
    this.#current = null;
  }

  /** Stops everything that runs: transport and timers. */
  #stop(): void {
    this.#dropTransport();
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#gapTimer);
    this.#gapTimer = undefined;
  }

  /** Goes offline for good with `error`. */
  #fail(error: ErrorBody): void {
    this.#stop();
    this.#setState('offline', null);
    this.emit('error', error as ClientErrorBody);
    this.#settleWaiters(error.code === 'unauthenticated' ? new UnauthorizedError(error) : new ApiError(0, error));
  }

  /** Answers every `ready()` waiting: with `error`, or resolved when undefined. */
  #settleWaiters(error?: Error): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  // -- entries -----------------------------------------------------------------------------------

  /** Takes entries from a transport; fills gaps from the store. */
  #push(items: Entry[], lastSeq?: number): void {
    const seq = this.#seq;
    if (!seq) return;
    if (this.#options.view === 'top' || this.#options.rate !== undefined || lastSeq !== undefined) {
      // A filtered view (Top chat, a sampled tier, or a slow connection the server stepped down
      // to one: its frames carry `lastSeq`) leaves entries out: its gaps are not losses.
      for (const entry of items) {
        if (entry.seq > seq.cursor + 1) seq.jump(entry.seq - 1);
        seq.push([entry]);
      }
      if (lastSeq !== undefined && lastSeq > seq.cursor) seq.jump(lastSeq);
      return;
    }
    if (!seq.push(items)) {
      void this.#reset(Math.max(...items.map((e) => e.seq)));
      return;
    }
    if (seq.waiting > 0 && !this.#gapTimer) this.#gapTimer = setTimeout(() => void this.#fillGap(), 250);
  }

  /** Fetches the entries missing before the ones that wait. */
  async #fillGap(): Promise<void> {
    const seq = this.#seq;
    const resets = this.#resets;
    try {
      if (!seq || seq.waiting === 0 || this.#closed) return;
      const page = await this.api.listEntries(
        this.eventId,
        { after: seq.cursor, limit: 500 },
        { signal: this.#abort.signal },
      );
      // A reset since the request started owns the cursor now.
      if (this.#resetting || resets !== this.#resets) return;
      if (page.reset) {
        this.#gapTimer = undefined;
        return void this.#reset(page.lastSeq);
      }
      seq.push(page.items);
    } catch {
      // Try again below.
    }
    this.#gapTimer = undefined;
    if (seq && seq.waiting > 0 && !this.#closed) this.#gapTimer = setTimeout(() => void this.#fillGap(), 1000);
  }

  /** Hands one entry, in order, to the handlers. */
  #deliver = (entry: Entry): void => {
    this.#remember(entry);
    this.emit('entry', entry);
    switch (entry.type) {
      case 'comment':
        this.emit('comment', entry.comment, entry);
        break;
      case 'delete':
        this.emit('delete', entry.commentId, entry);
        break;
      case 'ban':
        this.emit('ban', { userId: entry.userId, until: entry.until }, entry);
        break;
      case 'event':
        this.#applyEvent(entry.event);
        break;
      case 'pin':
        this.#setPin({ ...entry.pin, seq: entry.seq });
        break;
      case 'unpin':
        this.#setPin(null);
        break;
      case 'poll':
        this.#setPoll(entry.poll);
        break;
    }
  };

  /** Keeps the pin, and lets it go by itself at its expiry. */
  #setPin(pin: CurrentPin | null): void {
    clearTimeout(this.#pinTimer);
    const left = pin?.expiresAt === undefined ? Infinity : pin.expiresAt - Date.now();
    this.pin = left > 0 ? pin : null;
    if (this.pin && Number.isFinite(left))
      this.#pinTimer = setTimeout(() => this.#setPin(null), Math.min(left, 2 ** 31 - 1));
    this.emit('pin', this.pin);
  }

  #setPoll(poll: Poll): void {
    this.poll = poll;
    this.emit('poll', poll);
  }

  /** Notes deletes and bans, which `loadOlder` applies to older comments. */
  #remember(entry: Entry): void {
    if (entry.type === 'delete') this.#deleted.add(entry.commentId);
    else if (entry.type === 'ban') {
      this.#bannedAt.set(entry.userId, Math.max(entry.seq, this.#bannedAt.get(entry.userId) ?? 0));
    }
  }

  /** One page of `loadOlder`. */
  async #loadOlder(limit: number): Promise<OlderPage> {
    const before = this.#oldest;
    if (before <= 1) return { comments: [], entries: [], hasMore: false };
    const page = await this.api.listEntries(
      this.eventId,
      { before, limit, ...this.#view },
      { signal: this.#abort.signal },
    );
    const entries = page.items.filter((e) => e.seq < before).sort((a, b) => a.seq - b.seq);
    for (const entry of entries) this.#remember(entry);
    const oldest = entries[0]?.seq ?? 1;
    // A reset meanwhile moved the oldest point: leave it to the reloaded history.
    if (this.#oldest === before) this.#oldest = oldest;
    const comments: Comment[] = [];
    for (const entry of entries) {
      if (entry.type !== 'comment' || this.#deleted.has(entry.comment.id)) continue;
      if ((this.#bannedAt.get(entry.comment.user.id) ?? 0) > entry.seq) continue;
      comments.push(entry.comment);
    }
    return { comments, entries, hasMore: entries.length >= limit && oldest > 1 };
  }

  #applyEvent(event: PublicEvent): void {
    this.event = event;
    this.emit('event', event);
  }

  /** Reads the viewer count from the event (for transports without presence frames). */
  async #refreshViewers(): Promise<void> {
    try {
      const event = await this.api.getEvent(this.eventId, { signal: this.#abort.signal });
      if (!this.#closed) this.#setViewers(event.viewers);
    } catch {
      // The next round will do.
    }
  }

  #setViewers(viewers: number): void {
    if (typeof viewers !== 'number') return;
    this.viewers = viewers;
    this.emit('presence', viewers);
  }

  #setState(state: ConnectionState, transport: TransportName | null): void {
    if (state === this.state && transport === this.transport) return;
    this.state = state;
    this.transport = transport;
    this.emit('state', state, transport);
    if (state === 'live') {
      this.#settleWaiters();
      this.#outbox.flush();
    }
  }

  // -- browser network events --------------------------------------------------------------------

  /** Follows the browser's online/offline events, where there are any. */
  #watchNetwork(on: boolean): void {
    const target = globalThis as {
      addEventListener?: typeof addEventListener;
      removeEventListener?: typeof removeEventListener;
    };
    if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function') return;
    const method = on ? target.addEventListener : target.removeEventListener;
    method.call(globalThis, 'online', this.#onOnline);
    method.call(globalThis, 'offline', this.#onOffline);
  }

  #onOffline = (): void => {
    this.#offline = true;
    this.#stop();
    this.#setState('offline', null);
  };

  #onOnline = (): void => {
    if (!this.#offline || this.#closed || this.#paused) return;
    this.#resume();
  };

  /** Connects again after going offline, resuming where it stopped. */
  #resume(): void {
    this.#offline = false;
    this.#backoff.reset();
    this.#index = 0;
    this.#setState(this.#everLive ? 'reconnecting' : 'connecting', null);
    if (this.#seq) this.#open();
    else this.#start();
  }
}

/** Opens a live connection to an event's comments. */
export function connect(eventId: string, options: ConnectOptions = {}): LiveComments {
  return new LiveComments(eventId, options);
}
