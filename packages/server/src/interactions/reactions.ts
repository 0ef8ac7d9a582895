// Reactions (docs/API.md "Interactions"): viewers react with an emoji of the event's small set;
// each is counted in this node's window, never written to the log, and the totals reach the
// store every few seconds as one increment per emoji (and per minute, for the owner's analytics).
import { DEFAULT_REACTIONS } from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import { minuteOf } from '../engines/analytics.js';
import type { RateLimiter } from '../engines/rate-limiter.js';
import type { Store } from '../engines/store.js';
import type { Events } from '../events/events.js';
import type { BanCache } from '../ingest/bans.js';
import { errors } from '../util/errors.js';
import { takeInteraction } from './limits.js';
import type { AggregateWindow } from './window.js';

/** What reactions need of the node. */
export interface ReactionServices {
  store: Pick<Store, 'addReactions' | 'reactionTotals'>;
  events: Pick<Events, 'get'>;
  limiter: Pick<RateLimiter, 'takeAll'>;
  bans: Pick<BanCache, 'until'>;
  window: Pick<AggregateWindow, 'react' | 'unpublished'>;
  error(error: unknown, what: string): void;
}

/** Accepts reactions, keeps this node's share of the totals, and writes it to the store periodically. */
export class Reactions {
  /** This node's published window counts not yet in the store, by event. */
  private unsaved = new Map<string, Map<string, number>>();
  /** The same reactions by the minute of their window, by event (the owner's analytics). */
  private unsavedMinutes = new Map<string, Map<number, number>>();
  private saving: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly s: ReactionServices,
    persistMs: number,
  ) {
    this.timer = setInterval(() => void this.save(), persistMs);
    this.timer.unref();
  }

  /** A reaction of a signed-in user: checked, limited, counted in this window (202). */
  async react(user: Principal, eventId: string, emoji: string): Promise<void> {
    const event = await this.s.events.get(eventId);
    if (event.status !== 'live') throw errors.ended();
    const allowed = event.settings.reactions ?? DEFAULT_REACTIONS;
    if (!allowed.includes(emoji)) throw errors.invalid('this reaction is not offered here', { allowed });
    const banned = await this.s.bans.until(eventId, user.id);
    if (banned !== false) throw errors.banned(banned);
    await takeInteraction(this.s.limiter, 'react', user, eventId);
    this.s.window.react(eventId, emoji);
  }

  /** The event's totals: the store's, plus what this node counted and has not saved yet. */
  async totals(eventId: string): Promise<Record<string, number>> {
    await this.s.events.get(eventId);
    const totals = await this.s.store.reactionTotals(eventId);
    for (const part of [Object.fromEntries(this.unsaved.get(eventId) ?? []), this.s.window.unpublished(eventId)]) {
      for (const [emoji, n] of Object.entries(part)) totals[emoji] = (totals[emoji] ?? 0) + n;
    }
    return totals;
  }

  /** A window this node published: its reactions join the next save. */
  published(eventId: string, counts: Readonly<Record<string, number>>, at = Date.now()): void {
    let byMinute = this.unsavedMinutes.get(eventId);
    if (!byMinute) {
      byMinute = new Map();
      this.unsavedMinutes.set(eventId, byMinute);
    }
    const t = minuteOf(at);
    for (const n of Object.values(counts)) byMinute.set(t, (byMinute.get(t) ?? 0) + n);
    this.keep(eventId, counts);
  }

  private keep(eventId: string, counts: Readonly<Record<string, number>>): void {
    let unsaved = this.unsaved.get(eventId);
    if (!unsaved) {
      unsaved = new Map();
      this.unsaved.set(eventId, unsaved);
    }
    for (const [emoji, n] of Object.entries(counts)) unsaved.set(emoji, (unsaved.get(emoji) ?? 0) + n);
  }

  /** Writes the unsaved counts (one at a time; a failed write is kept for the next). */
  save(): Promise<void> {
    this.saving = this.saving.then(() => this.saveNow());
    return this.saving;
  }

  /** Stops the timer after a last save. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.save();
  }

  private async saveNow(): Promise<void> {
    const batch = this.unsaved;
    const minutes = this.unsavedMinutes;
    this.unsaved = new Map();
    this.unsavedMinutes = new Map();
    for (const [eventId, counts] of batch) {
      const byMinute = Object.fromEntries(minutes.get(eventId) ?? []);
      try {
        await this.s.store.addReactions(eventId, Object.fromEntries(counts), byMinute);
      } catch (error) {
        this.s.error(error, 'reaction totals');
        this.keep(eventId, Object.fromEntries(counts));
        for (const [t, n] of Object.entries(byMinute)) {
          let kept = this.unsavedMinutes.get(eventId);
          if (!kept) {
            kept = new Map();
            this.unsavedMinutes.set(eventId, kept);
          }
          kept.set(Number(t), (kept.get(Number(t)) ?? 0) + n);
        }
      }
    }
  }
}
