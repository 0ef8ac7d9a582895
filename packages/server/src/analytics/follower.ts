// The analytics log follower (docs/ARCHITECTURE.md "Analytics"): counts every event's log into
// per-minute rows as the entries come, and the viewer counts the hub samples, writing both to the
// store in one batch every `LC_ANALYTICS_FLUSH_MS`.
import type { Entry } from '@livecomments/protocol';
import {
  type AnalyticsDelta,
  type AnalyticsStore,
  type MinuteCounts,
  mergeMinute,
  minuteOf,
} from '../engines/analytics.js';
import type { Store } from '../engines/store.js';
import type { LogFollower } from '../log/followers.js';
import { countEntries } from './count.js';

/** What the follower needs of the node. */
export interface AnalyticsFollowerServices {
  store: AnalyticsStore & Pick<Store, 'readAfter'>;
  /** A background failure (logged and counted; the work is retried at the next flush). */
  error(error: unknown, where: string): void;
}

/** Options of the follower. */
export interface AnalyticsFollowerOptions {
  flushMs: number;
  /** Most entries counted per event and flush (the rest at the next); a catch-up takes as many. */
  maxPerFlush?: number;
  /** How long a node that lost a cursor race leaves the event to the node that won it. */
  standbyMs?: number;
}

/** One event as the follower knows it. */
interface Follow {
  /** The event's cursor in the store as last seen, or null when it must be read again. */
  cursor: number | null;
  /** Entries heard after the cursor (any order, maybe repeated; bounded). */
  pending: Entry[];
  /** The highest seq heard of (entries beyond `pending` are read from the store). */
  heard: number;
  /** Until when another node writes this event's rows (this one only watches the cursor). */
  standbyUntil: number;
  /** The cursor when this node stood back: if it has not moved since, the other node stopped. */
  standbyCursor: number;
  lastActive: number;
}

/** Most entries kept per event between flushes; past it they are read back from the store. */
const MAX_PENDING = 10_000;
/** Entries read from the store per page when filling a gap. */
const PAGE = 1000;
/** Events forgotten after this long without news (their cursor is read again when they come back). */
const IDLE_MS = 60_000;
/** Events followed at once; the least recently active are forgotten first. */
const MAX_EVENTS = 10_000;

/**
 * Counts the log of every event this node hears of into the store's analytics, exactly once: each
 * flush counts the entries just after the event's cursor (filling from the store what the bus did
 * not bring) and moves the cursor in the same transaction, only if it still stands where the
 * count began. So a restart resumes from the cursor without counting anything twice, and of
 * several nodes that hear the same event only one range wins; the others stand back while the
 * cursor keeps moving, and take over when it stops (the node that wrote it went away).
 */
export class AnalyticsFollower implements LogFollower {
  readonly name = 'analytics';
  private readonly follows = new Map<string, Follow>();
  /** Viewer samples not yet written, by event and minute. */
  private viewers = new Map<string, Map<number, MinuteCounts>>();
  private running: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private readonly maxPerFlush: number;
  private readonly standbyMs: number;

  constructor(
    private readonly s: AnalyticsFollowerServices,
    options: AnalyticsFollowerOptions,
  ) {
    this.maxPerFlush = options.maxPerFlush ?? 20_000;
    this.standbyMs = options.standbyMs ?? Math.max(5 * options.flushMs, 5_000);
    this.timer = setInterval(() => void this.flush(), options.flushMs);
    this.timer.unref();
  }

  /** New entries of an event: kept until the next flush counts them. */
  entries(eventId: string, entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const follow = this.follow(eventId);
    const last = entries[entries.length - 1]!.seq;
    if (last > follow.heard) follow.heard = last;
    // Past the bound the newest are left to the store (the flush reads up to `heard`).
    for (const entry of entries) {
      if (follow.pending.length >= MAX_PENDING) break;
      if (follow.cursor === null || entry.seq > follow.cursor) follow.pending.push(entry);
    }
  }

  /** A viewer count of an event (the hub's presence tick): counted in its minute. */
  sampleViewers(eventId: string, viewers: number, at = Date.now()): void {
    let minutes = this.viewers.get(eventId);
    if (!minutes) {
      minutes = new Map();
      this.viewers.set(eventId, minutes);
    }
    const t = minuteOf(at);
    const sample: MinuteCounts = { t, viewersPeak: viewers, viewersSum: viewers, viewersSamples: 1 };
    const m = minutes.get(t);
    if (m) mergeMinute(m, sample);
    else minutes.set(t, sample);
  }

  /**
   * Brings an event's analytics up to `lastSeq` now (a reader wants them current): counts what
   * this node has not written yet, reading the rest of the log from the store, within the
   * per-flush bound. Another node's standing as the writer is no reason to wait here.
   */
  catchUp(eventId: string, lastSeq: number): Promise<void> {
    const follow = this.follow(eventId);
    if (lastSeq > follow.heard) follow.heard = lastSeq;
    follow.standbyUntil = 0;
    return this.enqueue([eventId]);
  }

  /** Writes what is counted so far (every event). */
  flush(): Promise<void> {
    return this.enqueue(null);
  }

  /** Stops the timer after a last flush. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Flushes run one at a time; `only` limits one to some events. */
  private enqueue(only: string[] | null): Promise<void> {
    const run = this.running.then(() => this.flushNow(only));
    this.running = run.catch(() => {});
    return run;
  }

  private follow(eventId: string): Follow {
    let follow = this.follows.get(eventId);
    if (follow) {
      // Re-inserted on use: the map's first key is the least recently active event.
      this.follows.delete(eventId);
    } else {
      follow = { cursor: null, pending: [], heard: 0, standbyUntil: 0, standbyCursor: -1, lastActive: 0 };
    }
    follow.lastActive = Date.now();
    this.follows.set(eventId, follow);
    if (this.follows.size > MAX_EVENTS) this.follows.delete(this.follows.keys().next().value!);
    return follow;
  }

  private async flushNow(only: string[] | null): Promise<void> {
    const now = Date.now();
    const deltas: AnalyticsDelta[] = [];
    const ranged = new Map<string, number>();
    for (const eventId of only ?? [...this.follows.keys()]) {
      const follow = this.follows.get(eventId);
      if (!follow) continue;
      try {
        const delta = await this.rangeOf(eventId, follow, now);
        if (delta) {
          deltas.push(delta);
          ranged.set(eventId, delta.range!.to);
        }
      } catch (error) {
        this.s.error(error, 'analytics read');
      }
    }
    const samples = this.takeViewers(only);
    for (const [eventId, minutes] of samples) deltas.push({ eventId, minutes: [...minutes.values()] });
    if (deltas.length === 0) return;
    let applied: boolean[];
    try {
      applied = await this.s.store.applyAnalytics(deltas);
    } catch (error) {
      // Nothing was written: the ranges are counted again next time, the samples kept for it.
      for (const [eventId, minutes] of samples) for (const m of minutes.values()) this.keepSample(eventId, m);
      this.s.error(error, 'analytics write');
      if (only) throw error;
      return;
    }
    deltas.forEach((delta, i) => {
      if (!delta.range) return;
      const follow = this.follows.get(delta.eventId);
      if (!follow) return;
      if (applied[i]) {
        follow.cursor = delta.range.to;
        follow.pending = follow.pending.filter((e) => e.seq > delta.range!.to);
      } else {
        // Another node counted it first: it writes this event; this node watches its cursor.
        follow.cursor = null;
        follow.standbyUntil = now + this.standbyMs;
      }
    });
  }

  /**
   * The delta of the entries just after the event's cursor, or null when there is nothing to
   * count (or another node is writing the event).
   */
  private async rangeOf(eventId: string, follow: Follow, now: number): Promise<AnalyticsDelta | null> {
    if (now < follow.standbyUntil) return null;
    const standingBack = follow.standbyUntil > 0;
    if (follow.cursor === null || standingBack) {
      const cursor = await this.s.store.analyticsCursor(eventId);
      follow.cursor = cursor;
      if (standingBack) {
        if (cursor !== follow.standbyCursor && cursor < follow.heard) {
          // The writer is still at work: stand back again (and keep only what it has not counted).
          follow.standbyCursor = cursor;
          follow.standbyUntil = now + this.standbyMs;
          follow.pending = follow.pending.filter((e) => e.seq > cursor);
          return null;
        }
        follow.standbyUntil = 0;
        follow.standbyCursor = -1;
      }
    }
    const cursor = follow.cursor;
    if (follow.pending.length > 0) {
      follow.pending.sort((a, b) => a.seq - b.seq);
      follow.pending = follow.pending.filter((e, i, all) => e.seq > cursor && (i === 0 || all[i - 1]!.seq !== e.seq));
    }
    if (follow.heard <= cursor) {
      follow.pending = [];
      if (now - follow.lastActive > IDLE_MS) this.follows.delete(eventId);
      return null;
    }
    const run = await this.contiguous(eventId, follow, cursor);
    if (run.length === 0) return null;
    const to = run[run.length - 1]!.seq;
    const counts = countEntries(run);
    return { eventId, range: { from: cursor, to }, ...counts };
  }

  /** The entries from `cursor + 1` on, without a gap: heard ones, and the store's for the rest. */
  private async contiguous(eventId: string, follow: Follow, cursor: number): Promise<Entry[]> {
    const run: Entry[] = [];
    let next = cursor + 1;
    let i = 0;
    while (next <= follow.heard && run.length < this.maxPerFlush) {
      const heard = follow.pending[i];
      if (heard && heard.seq === next) {
        run.push(heard);
        i++;
        next++;
        continue;
      }
      const upTo = heard ? heard.seq - 1 : follow.heard;
      const page = await this.s.store.readAfter(
        eventId,
        next - 1,
        Math.min(PAGE, upTo - next + 1, this.maxPerFlush - run.length),
      );
      if (page.length === 0 || page[0]!.seq !== next) break;
      for (const entry of page) {
        if (entry.seq !== next) break;
        run.push(entry);
        next++;
      }
    }
    return run;
  }

  private takeViewers(only: string[] | null): Map<string, Map<number, MinuteCounts>> {
    if (!only) {
      const all = this.viewers;
      this.viewers = new Map();
      return all;
    }
    const some = new Map<string, Map<number, MinuteCounts>>();
    for (const eventId of only) {
      const minutes = this.viewers.get(eventId);
      if (!minutes) continue;
      some.set(eventId, minutes);
      this.viewers.delete(eventId);
    }
    return some;
  }

  private keepSample(eventId: string, m: MinuteCounts): void {
    let minutes = this.viewers.get(eventId);
    if (!minutes) {
      minutes = new Map();
      this.viewers.set(eventId, minutes);
    }
    const was = minutes.get(m.t);
    if (was) mergeMinute(was, m);
    else minutes.set(m.t, m);
  }
}
