// The in-process bus: for a single node (the embedded default). Delivers synchronously, in order.
import type { Entry } from '@livecomments/protocol';
import type { Bus, BusListener, WindowCounts } from './bus.js';

/** A bus inside one process. */
export class MemoryBus implements Bus {
  private listener: BusListener | null = null;
  private readonly subscribed = new Set<string>();

  listen(listener: BusListener): void {
    this.listener = listener;
  }

  async publish(eventId: string, entries: Entry[]): Promise<void> {
    if (this.subscribed.has(eventId)) this.listener?.entries(eventId, entries);
  }

  async publishCounts(eventId: string, counts: WindowCounts): Promise<void> {
    if (this.subscribed.has(eventId)) this.listener?.counts(eventId, counts);
  }

  async subscribe(eventId: string): Promise<void> {
    this.subscribed.add(eventId);
  }

  async unsubscribe(eventId: string): Promise<void> {
    this.subscribed.delete(eventId);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.subscribed.clear();
    this.listener = null;
  }
}
