import type { Entry } from '@livecomments/protocol';

/** What a bus hands to its node. */
export interface BusListener {
  /** New entries of one event, ascending. They may arrive late, twice, or never. */
  entries(eventId: string, entries: Entry[]): void;
  /** Messages may have been lost (e.g. a reconnect): check every subscribed event against the store. */
  resync(): void;
}

/**
 * Carries new log entries between nodes. At most once and unordered across messages: the store
 * stays the source of truth and the hub fills any gap from it. A node receives only the events
 * it subscribed to, its own publishes included.
 */
export interface Bus {
  /** Sets the one listener of this node; call before subscribing. */
  listen(listener: BusListener): void;
  /** Sends entries of one event to every subscribed node. Resolves once handed to the transport. */
  publish(eventId: string, entries: Entry[]): Promise<void>;
  subscribe(eventId: string): Promise<void>;
  unsubscribe(eventId: string): Promise<void>;
  /** Throws when the bus cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
