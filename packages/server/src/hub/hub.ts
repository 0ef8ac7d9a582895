import type { Entry } from '@livecomments/protocol';
import type { Bus } from '../engines/bus.js';
import type { Presence } from '../engines/presence.js';
import type { Store } from '../engines/store.js';
import type { LogFollower } from '../log/followers.js';
import { Channel, type ChannelContext, type Seat, type TopRanker } from './channel.js';
import type { AggregateKind, Batch, WireFormat } from './frames.js';
import type { CloseReason, Subscriber } from './subscriber.js';

/** The largest catch-up frame (smaller when the slow-consumer bound is small). */
const CATCH_UP_PAGE_BYTES = 64 * 1024;

/** Options of the hub (see Config for their meaning). */
export interface HubOptions {
  flushMs: number;
  maxFlushMs: number;
  ringSize: number;
  maxCatchUp: number;
  maxBufferedBytes: number;
  presenceMs: number;
  /** How long an event without viewers keeps its channel (and bus subscription). */
  lingerMs?: number;
  /** Ranks entries for the Top chat view (absent: it shows every entry). */
  ranker?: TopRanker;
  /** Steps a slow subscriber down to a sampled tier before cutting it off (default false). */
  slowStepDown?: boolean;
}

/** What the hub reports, for metrics and logs. */
export interface HubObserver {
  flushed(seconds: number, batch: Batch, frames: number, ages: number[]): void;
  slowCutoff(): void;
  /** A slow subscriber was stepped down to a sampled tier instead of cut off. */
  steppedDown?(): void;
  error(error: unknown, what: string): void;
  /**
   * Entries a gap fill found in the store: the bus lost them (or is late with them), so the
   * node hands them to the log followers that have not seen them.
   */
  filled(eventId: string, entries: readonly Entry[]): void;
  /** The viewers of an event with viewers here, over all nodes, at each presence tick (analytics). */
  viewers?(eventId: string, viewers: number): void;
}

/** A subscription handle: `leave()` when the connection ends. */
export interface Membership {
  leave(): void;
  /** The last seq written to the subscriber (where it resumes from). */
  lastSeq(): number;
}

/** A membership as one small object (a multi-event connection holds up to a hundred). */
class Seated implements Membership {
  constructor(
    private readonly channel: Channel,
    private readonly seat: Seat,
  ) {}

  leave(): void {
    this.channel.detach(this.seat);
  }

  lastSeq(): number {
    return this.seat.lastSeq;
  }
}

/**
 * The fan-out of this node: one channel per event with viewers here, subscribed on the bus for
 * them. It follows the log (`deliver`: entries committed here and those from the bus), and seats
 * subscribers of every transport.
 */
export class Hub implements LogFollower {
  readonly name = 'hub';
  private readonly channels = new Map<string, Channel>();
  private readonly starting = new Map<string, Promise<Channel>>();
  /** Viewers of transient formats (long polls) seen lately, by event: key -> expiry time. */
  private readonly transient = new Map<string, Map<string, number>>();
  /** The formats the transports registered: counted (at 0 too) in `counts()`. */
  private readonly formats = new Set<WireFormat>();
  private readonly timer: NodeJS.Timeout;
  private readonly ctx: ChannelContext;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly presence: Presence,
    private readonly options: HubOptions,
    private readonly observer: HubObserver,
  ) {
    this.ctx = {
      readAfter: (eventId, after, limit) => store.readAfter(eventId, after, limit),
      storeLastSeq: async (eventId) => (await store.getEvent(eventId))?.lastSeq ?? null,
      flushMs: options.flushMs,
      maxFlushMs: Math.max(options.flushMs, options.maxFlushMs),
      ringSize: options.ringSize,
      maxCatchUp: options.maxCatchUp,
      maxBufferedBytes: options.maxBufferedBytes,
      catchUpPageBytes: Math.max(1, Math.min(CATCH_UP_PAGE_BYTES, Math.floor(options.maxBufferedBytes / 4))),
      onFlush: (s, b, f, a) => observer.flushed(s, b, f, a),
      onSlow: () => observer.slowCutoff(),
      onFilled: (e, entries) => observer.filled(e, entries),
      onError: (error, what) => observer.error(error, what),
      ...(options.ranker ? { ranker: options.ranker } : {}),
      stepDown: options.slowStepDown === true,
      onStepDown: () => observer.steppedDown?.(),
    };
    this.timer = setInterval(() => void this.tick(), options.presenceMs);
    this.timer.unref();
  }

  /** Makes a transport's wire format known (for `counts()`); seating a subscriber needs no more. */
  registerFormat(format: WireFormat): void {
    this.formats.add(format);
  }

  /**
   * Seats a subscriber on an event after `after` (undefined: only new entries), a position in
   * the log's `epoch` when the client sent one (another epoch gets a reset).
   */
  async join(eventId: string, sub: Subscriber, after: number | undefined, epoch?: string): Promise<Membership> {
    const channel = await this.channel(eventId);
    if (this.closed) {
      // Shut down while it was joining: let it go like the seated ones.
      sub.close('shutdown');
      throw new Error('the hub is closed');
    }
    const seat: Seat = await channel.attach(sub, after, epoch);
    if (channel.viewersPushed >= 0 && !seat.closed) {
      const frame = seat.format.presence(channel.viewersPushed, eventId);
      if (frame) sub.write(frame);
    }
    return new Seated(channel, seat);
  }

  /**
   * New entries of an event (the hub's part as a log follower): its channel takes each seq once,
   * in order, and fills from the store any gap it sees.
   */
  entries(eventId: string, entries: readonly Entry[]): void {
    this.channels.get(eventId)?.receive(entries);
  }

  /**
   * One window of an aggregate of an event (reactions added, or absolute like counts) for this
   * node's viewers of it: one small frame per viewer, whatever the rate behind it.
   */
  pushCounts(eventId: string, kind: AggregateKind, counts: Readonly<Record<string, number>>): void {
    this.channels.get(eventId)?.pushCounts(kind, JSON.stringify(counts));
  }

  /** Whether this node has viewers of an event (a channel open for it). */
  follows(eventId: string): boolean {
    return this.channels.has(eventId);
  }

  /** The bus may have lost messages: every channel checks its event against the store. */
  resync(): void {
    for (const channel of this.channels.values()) void channel.fill();
  }

  /**
   * Counts a viewer of a transient format (a long poller, seated only while a poll waits) as
   * present for `forMs`; `key` is the transport's own idea of who it is.
   */
  noteViewer(eventId: string, key: string, forMs: number): void {
    let seen = this.transient.get(eventId);
    if (!seen) {
      seen = new Map();
      this.transient.set(eventId, seen);
    }
    seen.set(key, Date.now() + forMs);
  }

  /** This node's viewers of an event (all transports). */
  localViewers(eventId: string): number {
    const channel = this.channels.get(eventId);
    let n = 0;
    if (channel) for (const seat of channel.seats) if (!seat.format.transient) n++;
    return n + (this.transient.get(eventId)?.size ?? 0);
  }

  /** The newest seq this node has accepted for an event, if it follows it. */
  lastSeq(eventId: string): number | undefined {
    return this.channels.get(eventId)?.lastSeq;
  }

  /** Number of subscribers over all channels, by format name (every registered format, 0 too). */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const format of this.formats) counts[format.name] = 0;
    for (const channel of this.channels.values()) {
      for (const seat of channel.seats) {
        const name = seat.format.name;
        counts[name] = (counts[name] ?? 0) + 1;
      }
    }
    return counts;
  }

  /** Flushes what is pending and closes every subscriber (shutdown). */
  async close(reason: CloseReason = 'shutdown'): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const channel of this.channels.values()) {
      channel.flushNow();
      channel.closeAll(reason);
    }
    this.channels.clear();
  }

  private async channel(eventId: string): Promise<Channel> {
    const existing = this.channels.get(eventId);
    if (existing) return existing;
    let starting = this.starting.get(eventId);
    if (!starting) {
      starting = this.open(eventId);
      this.starting.set(eventId, starting);
      starting.finally(() => this.starting.delete(eventId)).catch(() => {});
    }
    return starting;
  }

  /** Subscribes to the bus first, then reads the head, so no entry slips between the two. */
  private async open(eventId: string): Promise<Channel> {
    const channel = new Channel(eventId, this.ctx);
    this.channels.set(eventId, channel);
    try {
      await this.bus.subscribe(eventId);
      const event = await this.store.getEvent(eventId);
      channel.init(event?.lastSeq ?? 0, event?.epoch ?? '', event?.ownerId ?? '');
      return channel;
    } catch (error) {
      this.channels.delete(eventId);
      throw error;
    }
  }

  /** Presence pushes and idle channel clean-up, every `presenceMs`. */
  private async tick(): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    for (const [eventId, seen] of this.transient) {
      for (const [key, until] of seen) if (until <= now) seen.delete(key);
      if (seen.size === 0) this.transient.delete(eventId);
    }
    const linger = this.options.lingerMs ?? 10_000;
    for (const [eventId, channel] of this.channels) {
      const local = this.localViewers(eventId);
      try {
        if (local === 0 && channel.seats.size === 0 && now - channel.emptySince > linger) {
          this.channels.delete(eventId);
          await this.presence.report(eventId, 0);
          await this.bus.unsubscribe(eventId);
          continue;
        }
        await this.presence.report(eventId, local);
        const viewers = await this.presence.count(eventId);
        if (viewers !== channel.viewersPushed) channel.pushPresence(viewers);
        this.observer.viewers?.(eventId, viewers);
      } catch (error) {
        this.observer.error(error, 'presence');
      }
    }
  }
}
