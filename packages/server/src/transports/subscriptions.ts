// Many events on one connection (docs/API.md "Many events on one connection"): the subscriptions
// of one multi-event WebSocket or SSE stream. Each is a hub Subscriber of its own, seated on its
// event's channel like a single-event connection, with its own resume point and reset; they
// share the connection's socket (so its buffer and its slow-consumer bound) and its slot.
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/auth.js';
import { viewerKeys, type WireFormat } from '../hub/frames.js';
import type { Membership } from '../hub/hub.js';
import type { CloseReason, Subscriber } from '../hub/subscriber.js';
import { AppError, errors } from '../util/errors.js';
import { admitEvent } from './admission.js';
import type { Bannable } from './ban-watch.js';
import { resumeEpoch, resumePoint } from './resume.js';
import type { TransportServices } from './services.js';

/** Most events one connection follows at once. */
export const MAX_SUBSCRIPTIONS = 100;
/** Subscribes one connection may make: a burst that opens a page of 100 events, then 5 a second. */
const CONNECTION_BURST = 120;
const CONNECTION_PER_SECOND = 5;
/** Subscribes one user (or, signed out, one address) may make across connections and nodes. */
const USER_RULE = { intervalMs: 100, burst: 300 };
/** A banned user's subscription ends after its next frame (the ban entry) or after this at the latest. */
const BAN_END_MS = 2_000;
/** An event id as the routes take it. */
const EVENT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Why a subscription ended without being asked to (`{"type": "unsubscribed", "reason"}`). */
export type EndReason = 'banned' | 'slow' | 'unavailable';

/** The connection the subscriptions share. */
export interface SubscriptionHost {
  /** The upgrade or stream request (its Origin is checked per event). */
  readonly req: IncomingMessage;
  readonly principal: Principal | null;
  /** Who the subscriptions are counted against for subscribe churn: the user, or the address. */
  readonly churnKey: string;
  /** The wire format of every subscription (multi-event, with the connection's view). */
  readonly format: WireFormat;
  /** Writes a hub frame; false when the connection is gone. */
  write(frame: Buffer): boolean;
  buffered(): number;
  drained(): Promise<void>;
  /** Sends a notice of the connection's own (`subscribed`, `unsubscribed`). */
  notice(frame: Record<string, unknown>): void;
  /** The hub is shutting down: end the whole connection. */
  shutdown(): void;
}

/** One event followed on a multi-event connection: a hub Subscriber writing to the shared socket. */
class Subscription implements Subscriber, Bannable {
  membership: Membership | null = null;
  ended = false;
  private banned = false;

  constructor(
    readonly owner: Subscriptions,
    readonly eventId: string,
  ) {}

  get format(): WireFormat {
    return this.owner.host.format;
  }

  get viewer(): readonly string[] | undefined {
    return this.owner.viewer();
  }

  write(frame: Buffer): boolean {
    if (this.ended) return false;
    const open = this.owner.host.write(frame);
    if (this.banned) this.owner.end(this, 'banned');
    return open && !this.ended;
  }

  buffered(): number {
    return this.owner.host.buffered();
  }

  drained(): Promise<void> {
    return this.owner.host.drained();
  }

  close(reason: CloseReason): void {
    if (reason === 'shutdown') this.owner.host.shutdown();
    else this.owner.end(this, reason === 'slow' ? 'slow' : 'unavailable');
  }

  /** The user was banned from the event: the subscription ends after the frame carrying the ban. */
  ban(): void {
    if (this.banned) return;
    this.banned = true;
    setTimeout(endBanned, BAN_END_MS, this).unref();
  }
}

function endBanned(sub: Subscription): void {
  sub.owner.end(sub, 'banned');
}

/** The subscriptions of one connection, with its churn limits. */
export class Subscriptions {
  private readonly subs = new Map<string, Subscription>();
  private tokens = CONNECTION_BURST;
  private refill = Date.now();
  private keys: string[] | undefined;

  constructor(
    private readonly s: TransportServices,
    readonly host: SubscriptionHost,
  ) {}

  /** How many events it follows. */
  get size(): number {
    return this.subs.size;
  }

  /** Whether it follows `eventId` (posting there over this connection needs it). */
  has(eventId: string): boolean {
    return this.subs.has(eventId);
  }

  /** The viewer keys of the connection's user, for the per-viewer extras of a filtered view. */
  viewer(): readonly string[] | undefined {
    const p = this.host.principal;
    if (!p) return undefined;
    this.keys ??= viewerKeys(p.id, p.name);
    return this.keys;
  }

  /**
   * Follows an event after `after` (a seq, or undefined: from now on) of `epoch`. Answers
   * `subscribed` before any entry of it; a subscription of the same event is replaced (a new
   * resume point). Throws the catalogued refusal, changing nothing.
   */
  async subscribe(eventId: unknown, after: unknown, epoch: unknown): Promise<void> {
    if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) throw errors.invalid('eventId must be an event id');
    const from = resumePoint(typeof after === 'number' && Number.isInteger(after) ? String(after) : (after as string));
    const inEpoch = resumeEpoch(typeof epoch === 'string' ? epoch : undefined);
    if (!this.subs.has(eventId) && this.subs.size >= MAX_SUBSCRIPTIONS) {
      throw new AppError('invalid_request', `at most ${MAX_SUBSCRIPTIONS} events on one connection`, {
        max: MAX_SUBSCRIPTIONS,
      });
    }
    this.take();
    // Trusted server-side publishers (the `service` role) are not limited per user, as for posts.
    if (this.host.principal?.role !== 'service') {
      const decision = await this.s.limiter.take(`subscribe:{${this.host.churnKey}}`, USER_RULE);
      if (!decision.ok) throw errors.rateLimited(decision.retryAfterMs, 'too many subscribes; wait before the next');
    }
    const event = await admitEvent(this.s, this.host.req, this.host.principal, eventId);
    this.end(this.subs.get(eventId), null);
    if (!this.subs.has(eventId) && this.subs.size >= MAX_SUBSCRIPTIONS) {
      throw new AppError('invalid_request', `at most ${MAX_SUBSCRIPTIONS} events on one connection`, {
        max: MAX_SUBSCRIPTIONS,
      });
    }
    const sub = new Subscription(this, eventId);
    this.subs.set(eventId, sub);
    const principal = this.host.principal;
    if (principal) this.s.banWatch.add(eventId, principal.id, sub);
    this.host.notice({ type: 'subscribed', eventId, ...(event.epoch ? { epoch: event.epoch } : {}) });
    try {
      const membership = await this.s.hub.join(eventId, sub, from, inEpoch);
      if (sub.ended) membership.leave();
      else sub.membership = membership;
    } catch {
      this.end(sub, 'unavailable');
    }
  }

  /** Stops following an event (nothing when it was not followed). */
  unsubscribe(eventId: unknown): void {
    if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) throw errors.invalid('eventId must be an event id');
    const sub = this.subs.get(eventId);
    const lastSeq = sub?.membership?.lastSeq();
    this.end(sub, null);
    this.host.notice({ type: 'unsubscribed', eventId, ...(lastSeq === undefined ? {} : { lastSeq }) });
  }

  /**
   * Ends a subscription; with a reason the client did not ask for it, and is told so with where it
   * stands (`lastSeq`): subscribe again after it (not after a ban).
   */
  end(sub: Subscription | undefined, reason: EndReason | null): void {
    if (!sub || sub.ended) return;
    sub.ended = true;
    if (this.subs.get(sub.eventId) === sub) this.subs.delete(sub.eventId);
    const lastSeq = sub.membership?.lastSeq();
    sub.membership?.leave();
    sub.membership = null;
    const principal = this.host.principal;
    if (principal) this.s.banWatch.remove(sub.eventId, principal.id, sub);
    if (reason) {
      this.host.notice({
        type: 'unsubscribed',
        eventId: sub.eventId,
        reason,
        ...(lastSeq === undefined ? {} : { lastSeq }),
      });
    }
  }

  /** The connection is gone: every subscription leaves its channel. */
  endAll(): void {
    for (const sub of [...this.subs.values()]) this.end(sub, null);
  }

  /** One subscribe from the connection's bucket, or the refusal. */
  private take(): void {
    const now = Date.now();
    this.tokens = Math.min(CONNECTION_BURST, this.tokens + ((now - this.refill) / 1000) * CONNECTION_PER_SECOND);
    this.refill = now;
    if (this.tokens < 1) {
      throw errors.rateLimited(
        Math.ceil(((1 - this.tokens) / CONNECTION_PER_SECOND) * 1000),
        'too many subscribes on this connection',
      );
    }
    this.tokens--;
  }
}

/**
 * Parses `events=<id>:<after>,<id>:<after>` (SSE): at most MAX_SUBSCRIPTIONS distinct events, each
 * with an optional resume point and epoch (`<id>:<after>:<epoch>`).
 */
export function parseEvents(
  value: string | undefined,
): { eventId: string; after: string | undefined; epoch: string | undefined }[] {
  if (value === undefined || value === '') throw errors.invalid('events must name at least one event');
  const parts = value.split(',', MAX_SUBSCRIPTIONS + 1);
  if (parts.length > MAX_SUBSCRIPTIONS) {
    throw new AppError('invalid_request', `at most ${MAX_SUBSCRIPTIONS} events on one connection`, {
      max: MAX_SUBSCRIPTIONS,
    });
  }
  const seen = new Set<string>();
  return parts.map((part) => {
    const [eventId = '', after, epoch, extra] = part.split(':', 4);
    if (extra !== undefined || !EVENT_ID.test(eventId))
      throw errors.invalid(`events: "${part.slice(0, 80)}" is not <id>:<after>`);
    if (seen.has(eventId)) throw errors.invalid(`events: ${eventId} is named twice`);
    seen.add(eventId);
    resumePoint(after);
    resumeEpoch(epoch);
    return { eventId, after: after === '' ? undefined : after, epoch: epoch === '' ? undefined : epoch };
  });
}
