/**
 * Viewer counts per event. Each node reports its own count; `count` sums the nodes that are
 * alive. A node that dies stops counting within the implementation's expiry.
 */
export interface Presence {
  /** Sets this node's viewer count for an event; 0 removes it. */
  report(eventId: string, viewers: number): Promise<void>;
  /** Viewers of the event over all live nodes. */
  count(eventId: string): Promise<number>;
  close(): Promise<void>;
}
