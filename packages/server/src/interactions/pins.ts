import { type Entry, PIN_TEXT_CHARS, type Pin, type PinEntry } from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import type { BanLookup } from '../auth/powers.js';
import type { RateLimiter } from '../engines/rate-limiter.js';
import type { Store } from '../engines/store.js';
import type { Events } from '../events/events.js';
import type { EventRoles } from '../events/roles.js';
import type { LogFollower } from '../log/followers.js';
import type { LogWriter } from '../log/writer.js';
import { errors } from '../util/errors.js';
import { moderatedLiveEvent } from './powers.js';
import { cleanText } from './texts.js';
import { KeyedTimers } from './timers.js';

/** Longest a pin may last: a week (also keeps its timer under setTimeout's bound). */
export const MAX_PIN_MS = 7 * 86_400_000;

/** What a moderator asks to pin. */
export interface PinRequest {
  commentId?: string;
  text?: string;
  expiresAt?: number;
}

/**
 * The pinned message of each event (docs/API.md "Pins"): a moderator pins a comment or a text of
 * their own, which replaces the previous pin, and unpins it. Both are log entries, so every
 * transport, resume and replay has them, and the event keeps its current pin in the same
 * transaction. A pin with `expiresAt` ends by itself: every node that hears of it arms a timer,
 * and each appends an `unpin` on condition that this pin is still current, so one of them ends
 * it, once; a pinned comment that is deleted is unpinned the same way. Meanwhile readers treat
 * an expired pin as gone.
 */
export class Pins implements LogFollower {
  readonly name = 'pins';
  private readonly expiries = new KeyedTimers();
  /** The pinned comment of each event this node heard of, with the pin's seq. */
  private readonly pinnedComments = new Map<string, { commentId: string; seq: number }>();

  constructor(
    private readonly store: Store,
    private readonly events: Events,
    /** The event's appointed moderators, who pin and start polls like the owner. */
    private readonly roles: Pick<EventRoles, 'powers'>,
    private readonly writer: LogWriter,
    private readonly limiter: RateLimiter,
    /** Bans: a banned moderator pins nothing. */
    private readonly bans: BanLookup,
    /** An unpin this node tried failed (the pin is gone for readers anyway: it expired). */
    private readonly failed: (error: unknown) => void,
  ) {}

  /** Pins a comment of the event or a text; returns the `pin` entry. */
  async pin(actor: Principal, eventId: string, request: PinRequest): Promise<PinEntry> {
    if ((request.commentId === undefined) === (request.text === undefined))
      throw errors.invalid('pin either a commentId or a text');
    const now = Date.now();
    if (request.expiresAt !== undefined && (request.expiresAt <= now || request.expiresAt > now + MAX_PIN_MS))
      throw errors.invalid('expiresAt must be in the future and within a week');
    const event = await moderatedLiveEvent(this.events, this.roles, this.bans, this.limiter, actor, eventId, 'pin');
    const pin: Pin = { by: actor.id };
    if (request.commentId !== undefined) {
      const stored = await this.store.getComment(eventId, request.commentId);
      if (stored?.status !== 'published') throw errors.notFound('comment');
      pin.commentId = stored.comment.id;
      pin.text = stored.comment.text;
      pin.userName = stored.comment.user.name;
    } else {
      pin.text = cleanText(request.text!, PIN_TEXT_CHARS, 'text', event.settings);
    }
    if (request.expiresAt !== undefined) pin.expiresAt = request.expiresAt;
    const result = await this.writer.append({ eventId, entry: { type: 'pin', pin } });
    if (!('entry' in result) || result.entry.type !== 'pin') throw new Error('pin entry not appended');
    return result.entry;
  }

  /** Ends the current pin; `not_found` when nothing is pinned. */
  async unpin(actor: Principal, eventId: string): Promise<void> {
    const event = await moderatedLiveEvent(this.events, this.roles, this.bans, this.limiter, actor, eventId, 'unpin');
    if (!event.pin || isExpired(event.pin)) throw errors.notFound('pin');
    const result = await this.writer.append({ eventId, entry: { type: 'unpin' }, ifPinSeq: event.pin.seq });
    if (!('entry' in result)) throw errors.conflict('the pin changed meanwhile');
  }

  /** Follows the log: arms the expiry of each pin, notes pinned comments, ends a deleted one's pin. */
  entries(eventId: string, entries: readonly Entry[]): void {
    for (const entry of entries) {
      if (entry.type === 'pin') {
        this.expiries.disarm(eventId);
        this.pinnedComments.delete(eventId);
        const { expiresAt, commentId } = entry.pin;
        if (expiresAt !== undefined) this.expiries.arm(eventId, expiresAt, () => this.end(eventId, entry.seq));
        if (commentId !== undefined) this.pinnedComments.set(eventId, { commentId, seq: entry.seq });
      } else if (entry.type === 'unpin') {
        this.expiries.disarm(eventId);
        this.pinnedComments.delete(eventId);
      } else if (entry.type === 'delete') {
        const pinned = this.pinnedComments.get(eventId);
        if (pinned?.commentId === entry.commentId) this.end(eventId, pinned.seq);
      }
    }
  }

  /** Stops the timers (at shutdown: another node, or the readers, take over). */
  close(): void {
    this.expiries.clear();
    this.pinnedComments.clear();
  }

  /** Appends an `unpin` that ends the pin made at `seq` if it is still current. */
  private end(eventId: string, seq: number): void {
    this.pinnedComments.delete(eventId);
    this.writer.append({ eventId, entry: { type: 'unpin' }, ifPinSeq: seq }).catch(this.failed);
  }
}

/** Whether a pin has ended by itself. */
export function isExpired(pin: Pin, now = Date.now()): boolean {
  return pin.expiresAt !== undefined && pin.expiresAt <= now;
}
