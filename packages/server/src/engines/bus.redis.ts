// The Redis bus: for scale-out (REDIS_URL). One pub/sub channel per event; a node subscribes to
// an event's channel only while it has viewers of it. Redis pub/sub is at most once (a message
// sent while a subscriber is disconnected is gone), which the Bus contract allows: after the
// subscriber connection comes back the listener is told to `resync` from the store, and entries
// published while the publisher was cut off are kept (bounded) and sent when it is back.
// With `sharded: true` it uses SPUBLISH/SSUBSCRIBE, so on Redis Cluster an event's messages only
// travel through the shard that owns its channel (ioredis Cluster with `shardedSubscribers`).
import type { Entry } from '@livecomments/protocol';
import type { Cluster, Redis } from 'ioredis';
import { traceReceive } from '../util/tracing.js';
import type { Bus, BusListener, WindowCounts } from './bus.js';
import { type EngineCounters, type EngineLog, silentLog } from './engine-log.js';

/** Options of the Redis bus. */
export interface RedisBusOptions {
  /** Channel name prefix, before the event id. Default `lc:e:`. */
  prefix?: string;
  /** Use sharded pub/sub (Redis 7+, Redis Cluster). Default false. */
  sharded?: boolean;
  /** Longest wait for a subscription to be confirmed before `subscribe` resolves anyway. */
  subscribeTimeoutMs?: number;
  /** Entries kept while the publisher is disconnected; older ones are dropped (gap fill finds them). */
  maxPendingEntries?: number;
  log?: EngineLog;
}

/** Counters of the Redis bus, for metrics. */
export type RedisBusCounters = EngineCounters<'published' | 'received' | 'errors' | 'resyncs' | 'dropped'>;

/** Builds a Redis bus on two connections the caller owns: `sub` is put in subscriber mode. */
export function createRedisBus(pub: Redis | Cluster, sub: Redis | Cluster, opts: RedisBusOptions = {}): RedisBus {
  return new RedisBus(pub as Redis, sub as Redis, opts);
}

/** A `Bus` over Redis pub/sub. */
export class RedisBus implements Bus {
  /** Background work done and failed, for /metrics. */
  readonly counters: RedisBusCounters = { published: 0, received: 0, errors: 0, resyncs: 0, dropped: 0 };
  private listener: BusListener | null = null;
  private readonly wanted = new Set<string>();
  private readonly pending = new Map<string, Entry[]>();
  private pendingCount = 0;
  private closed = false;
  private readonly prefix: string;
  private readonly sharded: boolean;
  private readonly subscribeTimeoutMs: number;
  private readonly maxPending: number;
  private readonly log: EngineLog;

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    opts: RedisBusOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'lc:e:';
    this.sharded = opts.sharded ?? false;
    this.subscribeTimeoutMs = opts.subscribeTimeoutMs ?? 2000;
    this.maxPending = opts.maxPendingEntries ?? 10_000;
    this.log = opts.log ?? silentLog;
    sub.on(this.sharded ? 'smessage' : 'message', this.onMessage);
    sub.on('ready', this.onSubReady);
    sub.on('error', this.onSubError);
    pub.on('ready', this.onPubReady);
    pub.on('error', this.onPubError);
  }

  listen(listener: BusListener): void {
    this.listener = listener;
  }

  async publish(eventId: string, entries: Entry[], trace?: Record<number, string>): Promise<void> {
    if (entries.length === 0 || this.closed) return;
    if (this.pub.status !== 'ready') {
      this.keep(eventId, entries);
      return;
    }
    try {
      await this.send(eventId, entries, trace);
    } catch (err) {
      this.counters.errors += 1;
      this.log.warn({ err, eventId }, 'bus publish failed; kept for the reconnect');
      this.keep(eventId, entries);
    }
  }

  async publishCounts(eventId: string, counts: WindowCounts): Promise<void> {
    if (this.closed || this.pub.status !== 'ready') return;
    // An object where entries are an array: the same channel, so no second subscription.
    const channel = this.prefix + eventId;
    const message = JSON.stringify({ counts });
    try {
      this.counters.published += 1;
      await (this.sharded ? this.pub.spublish(channel, message) : this.pub.publish(channel, message));
    } catch (err) {
      this.counters.errors += 1;
      this.log.warn({ err, eventId }, 'bus publish of window counts failed; dropped');
    }
  }

  async subscribe(eventId: string): Promise<void> {
    this.wanted.add(eventId);
    // While disconnected the subscription is made on `ready`, followed by a resync.
    if (this.sub.status !== 'ready') return;
    const channel = this.prefix + eventId;
    const done = this.sharded ? this.sub.ssubscribe(channel) : this.sub.subscribe(channel);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.log.warn({ eventId }, 'bus subscribe not confirmed in time; continuing');
        resolve();
      }, this.subscribeTimeoutMs);
    });
    try {
      await Promise.race([done.then(() => {}), timeout]);
    } catch (err) {
      this.counters.errors += 1;
      this.log.warn({ err, eventId }, 'bus subscribe failed; retried on reconnect');
    } finally {
      clearTimeout(timer);
    }
  }

  async unsubscribe(eventId: string): Promise<void> {
    this.wanted.delete(eventId);
    if (this.sub.status !== 'ready') return;
    const channel = this.prefix + eventId;
    try {
      await (this.sharded ? this.sub.sunsubscribe(channel) : this.sub.unsubscribe(channel));
    } catch (err) {
      this.counters.errors += 1;
      this.log.warn({ err, eventId }, 'bus unsubscribe failed');
    }
  }

  async ping(): Promise<void> {
    // Both connections must be up: the publisher for posts, the subscriber for viewers.
    if (this.sub.status !== 'ready') throw new Error(`redis subscriber connection is ${this.sub.status}`);
    if (this.pub.status !== 'ready') throw new Error(`redis publisher connection is ${this.pub.status}`);
    await this.pub.ping();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listener = null;
    this.wanted.clear();
    this.pending.clear();
    this.sub.off(this.sharded ? 'smessage' : 'message', this.onMessage);
    this.sub.off('ready', this.onSubReady);
    this.sub.off('error', this.onSubError);
    this.pub.off('ready', this.onPubReady);
    this.pub.off('error', this.onPubError);
  }

  private send(eventId: string, entries: Entry[], trace?: Record<number, string>): Promise<unknown> {
    this.counters.published += 1;
    const channel = this.prefix + eventId;
    // Traced entries travel with their traceparents; untraced ones as a bare list, as always.
    const message = trace ? JSON.stringify({ entries, trace }) : JSON.stringify(entries);
    return this.sharded ? this.pub.spublish(channel, message) : this.pub.publish(channel, message);
  }

  /** Keeps entries for the reconnect, dropping the oldest past the bound. */
  private keep(eventId: string, entries: Entry[]): void {
    const list = this.pending.get(eventId) ?? [];
    list.push(...entries);
    this.pending.set(eventId, list);
    this.pendingCount += entries.length;
    while (this.pendingCount > this.maxPending) {
      const [oldest, items] = this.pending.entries().next().value as [string, Entry[]];
      this.pending.delete(oldest);
      this.pendingCount -= items.length;
      this.counters.dropped += items.length;
    }
  }

  private readonly onMessage = (channel: string, message: string): void => {
    if (!channel.startsWith(this.prefix)) return;
    const eventId = channel.slice(this.prefix.length);
    if (!this.wanted.has(eventId) || !this.listener) return;
    let entries: unknown;
    try {
      entries = JSON.parse(message);
    } catch (err) {
      this.counters.errors += 1;
      this.log.warn({ err, eventId }, 'bus message is not JSON; dropped');
      return;
    }
    if (isWindowCounts(entries)) {
      this.counters.received += 1;
      try {
        this.listener.counts(eventId, entries.counts);
      } catch (err) {
        this.counters.errors += 1;
        this.log.warn({ err, eventId }, 'bus listener failed');
      }
      return;
    }
    if (isTraced(entries)) {
      traceReceive(eventId, entries.trace, entries.entries.length);
      entries = entries.entries;
    }
    if (!Array.isArray(entries)) {
      this.counters.errors += 1;
      this.log.warn({ eventId }, 'bus message is not a list of entries; dropped');
      return;
    }
    this.counters.received += 1;
    try {
      this.listener.entries(eventId, entries as Entry[]);
    } catch (err) {
      this.counters.errors += 1;
      this.log.warn({ err, eventId }, 'bus listener failed');
    }
  };

  /** (Re)connected: subscribe to every wanted event, then have the node catch up from the store. */
  private readonly onSubReady = (): void => {
    if (this.closed || this.wanted.size === 0) return;
    const channels = [...this.wanted].map((id) => this.prefix + id);
    const done = this.sharded
      ? Promise.all(channels.map((c) => this.sub.ssubscribe(c)))
      : this.sub.subscribe(...channels);
    done.then(
      () => {
        if (this.closed) return;
        this.counters.resyncs += 1;
        this.log.info?.({ events: channels.length }, 'bus resubscribed; resyncing from the store');
        try {
          this.listener?.resync();
        } catch (err) {
          this.counters.errors += 1;
          this.log.warn({ err }, 'bus listener resync failed');
        }
      },
      (err: unknown) => {
        this.counters.errors += 1;
        this.log.warn({ err }, 'bus resubscribe failed; retried on the next reconnect');
      },
    );
  };

  /** (Re)connected: send what was published while cut off. */
  private readonly onPubReady = (): void => {
    if (this.closed || this.pending.size === 0) return;
    const batches = [...this.pending];
    this.pending.clear();
    this.pendingCount = 0;
    for (const [eventId, entries] of batches) void this.publish(eventId, entries);
  };

  private readonly onSubError = (err: Error): void => {
    this.counters.errors += 1;
    this.log.warn({ err }, 'redis bus subscriber connection error');
  };

  private readonly onPubError = (err: Error): void => {
    this.counters.errors += 1;
    this.log.warn({ err }, 'redis bus publisher connection error');
  };
}

/** A window-counts message (`{"counts": {...}}`) rather than a list of entries. */
function isWindowCounts(message: unknown): message is { counts: WindowCounts } {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return false;
  const counts = (message as { counts?: unknown }).counts;
  return counts !== null && typeof counts === 'object' && !Array.isArray(counts);
}

/** A message of entries with the traceparents of the traced ones. */
function isTraced(message: unknown): message is { entries: unknown[]; trace: unknown } {
  return (
    typeof message === 'object' &&
    message !== null &&
    Array.isArray((message as { entries?: unknown }).entries) &&
    'trace' in message
  );
}
