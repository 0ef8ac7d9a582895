import type { Entry } from '@livecomments/protocol';

/**
 * One window's counts of ephemeral aggregates (docs/ARCHITECTURE.md): reactions added in the
 * window, and like counts that changed (absolute). Not log entries: no seq, no gap fill.
 */
export interface WindowCounts {
  reactions?: Record<string, number>;
  likes?: Record<string, number>;
}

/** What a bus hands to its node. */
export interface BusListener {
  /** New entries of one event, ascending. They may arrive late, twice, or never. */
  entries(eventId: string, entries: Entry[]): void;
  /** Messages may have been lost (e.g. a reconnect): check every subscribed event against the store. */
  resync(): void;
  /** A node's window counts of one event (its own included). At most once. */
  counts(eventId: string, counts: WindowCounts): void;
}

/**
 * Carries new log entries between nodes. At most once and unordered across messages: the store
 * stays the source of truth and the hub fills any gap from it. A node receives only the events
 * it subscribed to, its own publishes included.
 */
export interface Bus {
  /** Sets the one listener of this node; call before subscribing. */
  listen(listener: BusListener): void;
  /**
   * Sends entries of one event to every subscribed node. Resolves once handed to the transport.
   * `trace`: W3C traceparents of traced entries by seq, carried to the other nodes (util/tracing.ts).
   */
  publish(eventId: string, entries: Entry[], trace?: Record<number, string>): Promise<void>;
  /**
   * Sends one window's counts of an event to every subscribed node, at most once (a count lost
   * with a disconnect is not kept: the totals in the store are what is durable).
   */
  publishCounts(eventId: string, counts: WindowCounts): Promise<void>;
  subscribe(eventId: string): Promise<void>;
  unsubscribe(eventId: string): Promise<void>;
  /** Throws when the bus cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
