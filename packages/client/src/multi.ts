// Many events on one WebSocket (docs/API.md "Many events on one connection"): a page showing
// several streams opens one socket, subscribes to each event with its own resume point, and
// gets each event's entries in order, exactly once, per event.
import type { Comment, Entry, ErrorBody, PostStatus } from '@livecomments/protocol';
import { Backoff, type BackoffOptions } from './backoff.js';
import { Emitter } from './emitter.js';
import { Sequencer } from './sequencer.js';
import { buildUrl, type WebSocketConstructor, type WebSocketLike } from './transports/types.js';

/** Options of `connectMany`. */
export interface MultiOptions {
  /** The server's base URL, e.g. `https://comments.example.com`. */
  baseUrl: string;
  /** A token (signed in: posting, and the per-viewer extras of a sampled view). */
  token?: string;
  /** `top` for the Top chat view of every event. */
  view?: 'live' | 'top';
  /** At most this many comments a second per event (a sampled tier; its gaps are not losses). */
  rate?: number;
  /** WebSocket constructor; default `globalThis.WebSocket` (pass the `ws` package on Node 20). */
  WebSocket?: WebSocketConstructor;
  /** Reconnect delays (default 1 s doubling to 30 s, with jitter). */
  backoff?: Partial<BackoffOptions>;
}

/** Where to start following an event: after `after` (default: from now on) in `epoch`. */
export interface SubscribeOptions {
  after?: number;
  epoch?: string;
}

/** What a multi-event connection reports; each names its event. */
export interface MultiEvents {
  /** An entry of an event, in order, once. */
  entry: (eventId: string, entry: Entry) => void;
  /** An event's resume point could not be served: reload its history, it follows on from `lastSeq`. */
  reset: (eventId: string, lastSeq: number, epoch?: string) => void;
  presence: (eventId: string, viewers: number) => void;
  /** The server ended a subscription (`banned`: for good; others are resubscribed by the client). */
  unsubscribed: (eventId: string, reason: string) => void;
  /** An error frame (a refused subscribe or post); `eventId` when it concerns one event. */
  error: (error: ErrorBody, eventId?: string, clientId?: string) => void;
  ack: (eventId: string, clientId: string, status: PostStatus, comment: Comment) => void;
  /** `open` once the socket is up (every subscription is sent again), `closed` while away. */
  state: (state: 'open' | 'closed') => void;
}

/** One event followed: its cursor and whether its gaps are the view's (not losses). */
interface Followed {
  seq: Sequencer;
  epoch: string | undefined;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * One WebSocket for many events (`GET /v1/ws`). Subscribe and unsubscribe at any time; after a
 * reconnect every event resumes from its own last seq.
 */
export class MultiConnection extends Emitter<MultiEvents> {
  #events = new Map<string, Followed>();
  #socket: WebSocketLike | undefined;
  #backoff: Backoff;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: MultiOptions) {
    super();
    this.#backoff = new Backoff(options.backoff);
    this.#open();
  }

  /** The events followed. */
  get eventIds(): string[] {
    return [...this.#events.keys()];
  }

  /** The last seq delivered of an event (save it with `epoch(eventId)` to resume later). */
  lastSeq(eventId: string): number | undefined {
    return this.#events.get(eventId)?.seq.cursor;
  }

  /** The epoch of an event's log that `lastSeq` is in, once the server said. */
  epoch(eventId: string): string | undefined {
    return this.#events.get(eventId)?.epoch;
  }

  /** Follows an event (again: from a new resume point). */
  subscribe(eventId: string, options: SubscribeOptions = {}): void {
    const old = this.#events.get(eventId);
    if (old?.timer) clearTimeout(old.timer);
    const followed: Followed = {
      seq: new Sequencer(options.after ?? -1, (e) => this.emit('entry', eventId, e)),
      epoch: options.epoch,
    };
    this.#events.set(eventId, followed);
    this.#subscribe(eventId, followed);
  }

  /** Stops following an event. */
  unsubscribe(eventId: string): void {
    const followed = this.#events.get(eventId);
    if (!followed) return;
    if (followed.timer) clearTimeout(followed.timer);
    this.#events.delete(eventId);
    this.#send({ type: 'unsubscribe', eventId });
  }

  /** Posts a comment to a followed event over the socket; the answer is an `ack` or `error`. */
  post(eventId: string, text: string, clientId: string, parentId?: string): boolean {
    return this.#send({ type: 'comment', eventId, text, clientId, ...(parentId ? { parentId } : {}) });
  }

  /** Closes for good. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    for (const followed of this.#events.values()) clearTimeout(followed.timer);
    this.#socket?.close(1000, 'closed');
  }

  #subscribe(eventId: string, followed: Followed): void {
    const after = followed.seq.cursor;
    this.#send({
      type: 'subscribe',
      eventId,
      ...(after >= 0 ? { after } : {}),
      ...(after >= 0 && followed.epoch ? { epoch: followed.epoch } : {}),
    });
  }

  #send(frame: Record<string, unknown>): boolean {
    if (this.#socket?.readyState !== 1) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  #open(): void {
    const Ctor = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new Error('no WebSocket: pass options.WebSocket');
    const url = buildUrl(this.options.baseUrl.replace(/^http/, 'ws'), '/v1/ws', {
      view: this.options.view === 'top' ? 'top' : undefined,
      rate: this.options.rate,
      token: this.options.token,
    });
    const socket = new Ctor(url) as unknown as WebSocketLike;
    this.#socket = socket;
    socket.onopen = () => {
      this.#backoff.reset();
      this.emit('state', 'open');
      for (const [eventId, followed] of this.#events) this.#subscribe(eventId, followed);
    };
    socket.onmessage = (ev) => this.#received(String(ev.data));
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.emit('state', 'closed');
      if (!this.#closed) this.#retry = setTimeout(() => this.#open(), this.#backoff.next());
    };
  }

  #received(text: string): void {
    let frame: { type?: string; eventId?: string; [key: string]: unknown };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    const eventId = frame.eventId;
    const followed = eventId === undefined ? undefined : this.#events.get(eventId);
    switch (frame.type) {
      case 'subscribed':
        if (followed && typeof frame.epoch === 'string') followed.epoch = frame.epoch;
        return;
      case 'entries':
        if (followed) this.#entries(eventId!, followed, frame.items as Entry[], frame.lastSeq as number | undefined);
        return;
      case 'reset':
        if (!followed) return;
        followed.seq.jump(frame.lastSeq as number);
        followed.seq.clear();
        if (typeof frame.epoch === 'string') followed.epoch = frame.epoch;
        this.emit('reset', eventId!, frame.lastSeq as number, followed.epoch);
        return;
      case 'presence':
        if (followed) this.emit('presence', eventId!, frame.viewers as number);
        return;
      case 'unsubscribed':
        if (!followed || typeof frame.reason !== 'string') return;
        this.emit('unsubscribed', eventId!, frame.reason);
        if (frame.reason === 'banned') this.#events.delete(eventId!);
        // Slow or unavailable: follow on from where it stood once the socket has had a moment.
        else followed.timer = setTimeout(() => this.#subscribe(eventId!, followed), this.#backoff.next());
        return;
      case 'ack':
        this.emit('ack', eventId!, frame.clientId as string, frame.status as PostStatus, frame.comment as Comment);
        return;
      case 'error':
        this.emit('error', frame.error as ErrorBody, eventId, frame.clientId as string | undefined);
        return;
    }
  }

  #entries(eventId: string, followed: Followed, items: Entry[], lastSeq: number | undefined): void {
    const seq = followed.seq;
    if (seq.cursor < 0 && items.length > 0) seq.jump(items[0]!.seq - 1);
    if (lastSeq !== undefined || this.options.view === 'top' || this.options.rate !== undefined) {
      // A filtered view (Top chat, a sampled tier, a slow socket stepped down): gaps are not losses.
      for (const entry of items) {
        if (entry.seq > seq.cursor + 1) seq.jump(entry.seq - 1);
        seq.push([entry]);
      }
      if (lastSeq !== undefined && lastSeq > seq.cursor) seq.jump(lastSeq);
      return;
    }
    seq.push(items);
    // The server sends each event in order; a gap means a frame went missing: resume from the cursor.
    if (seq.waiting > 0 && !followed.timer) {
      followed.timer = setTimeout(() => {
        followed.timer = undefined;
        seq.clear();
        if (this.#events.get(eventId) === followed) this.#subscribe(eventId, followed);
      }, 1000);
    }
  }
}

/** Opens one WebSocket for many events: `connectMany({ baseUrl }).subscribe(eventId, { after })`. */
export function connectMany(options: MultiOptions): MultiConnection {
  return new MultiConnection(options);
}
