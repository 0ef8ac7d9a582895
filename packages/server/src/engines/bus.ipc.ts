// The bus between the worker processes of one machine (LC_WORKERS without REDIS_URL): entries go
// to the primary process, which relays them to every other worker subscribed to the event, in
// order and batched per turn of the event loop. A worker's own publications come back to it here,
// without the round trip, as the in-process bus does.
import type { Entry } from '@livecomments/protocol';
import { traceReceive } from '../util/tracing.js';
import type { Bus, BusListener, WindowCounts } from './bus.js';
import { type EngineCounters, type EngineLog, silentLog } from './engine-log.js';
import type { LinkBusListener, WorkerLink } from './ipc-link.js';

/** A `Bus` over the link to the primary process. */
export class IpcBus implements Bus, LinkBusListener {
  /** Messages sent and received, and relayed messages the listener failed on, for /metrics. */
  readonly counters: EngineCounters<'published' | 'received' | 'errors'> = { published: 0, received: 0, errors: 0 };
  private listener: BusListener | null = null;
  private readonly subscribed = new Set<string>();

  constructor(
    private readonly link: WorkerLink,
    private readonly log: EngineLog = silentLog,
  ) {
    link.listenBus(this);
  }

  listen(listener: BusListener): void {
    this.listener = listener;
  }

  async publish(eventId: string, entries: Entry[], trace?: Record<number, string>): Promise<void> {
    if (entries.length === 0) return;
    this.counters.published += 1;
    // Traced entries travel with their traceparents, as on the Redis bus.
    this.link.send({ t: 'pub', e: eventId, data: JSON.stringify(trace ? { entries, trace } : entries) });
    if (this.subscribed.has(eventId)) this.listener?.entries(eventId, entries);
  }

  async publishCounts(eventId: string, counts: WindowCounts): Promise<void> {
    this.link.send({ t: 'cnt', e: eventId, counts });
    if (this.subscribed.has(eventId)) this.listener?.counts(eventId, counts);
  }

  async subscribe(eventId: string): Promise<void> {
    if (this.subscribed.has(eventId)) return;
    this.subscribed.add(eventId);
    this.link.send({ t: 'sub', e: eventId });
  }

  async unsubscribe(eventId: string): Promise<void> {
    if (!this.subscribed.delete(eventId)) return;
    this.link.send({ t: 'unsub', e: eventId });
  }

  async ping(): Promise<void> {
    await this.link.call('ping', []);
  }

  async close(): Promise<void> {
    for (const eventId of this.subscribed) this.link.send({ t: 'unsub', e: eventId });
    this.subscribed.clear();
    this.listener = null;
    this.link.listenBus(null);
  }

  /** Entries another worker published (JSON as it sent them). */
  entries(eventId: string, data: string): void {
    if (!this.listener || !this.subscribed.has(eventId)) return;
    this.counters.received += 1;
    try {
      let message = JSON.parse(data) as Entry[] | { entries: Entry[]; trace: Record<number, string> };
      if (!Array.isArray(message)) {
        traceReceive(eventId, message.trace, message.entries.length);
        message = message.entries;
      }
      this.listener.entries(eventId, message);
    } catch (err) {
      // The store has the entries: the hub's gap fill finds them with the next ones.
      this.counters.errors += 1;
      this.log.warn({ err, eventId }, 'relayed entries could not be delivered');
    }
  }

  /** Window counts another worker published. */
  counts(eventId: string, counts: WindowCounts): void {
    if (this.subscribed.has(eventId)) this.listener?.counts(eventId, counts);
  }
}
