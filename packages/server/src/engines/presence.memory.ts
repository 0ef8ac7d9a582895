// In-process presence: for a single node. Counts are this node's only.
import type { Presence } from './presence.js';

/** Viewer counts held in memory. */
export class MemoryPresence implements Presence {
  private readonly counts = new Map<string, number>();

  async report(eventId: string, viewers: number): Promise<void> {
    if (viewers > 0) this.counts.set(eventId, viewers);
    else this.counts.delete(eventId);
  }

  async count(eventId: string): Promise<number> {
    return this.counts.get(eventId) ?? 0;
  }

  async close(): Promise<void> {
    this.counts.clear();
  }
}
