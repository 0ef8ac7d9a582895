// The primary's side of the worker links (LC_WORKERS): it runs the writes of every worker on the
// one SQLite writer, keeps the rate limits, duplicate keys and presence of the machine, and
// relays each worker's bus publications to the other workers subscribed to the event.
import type { WindowCounts } from '../engines/bus.js';
import { Batcher, type CallOp, callError, type IpcEnd, type ToPrimary, type ToWorker } from '../engines/ipc-link.js';
import type { RateRule, RateTake } from '../engines/rate-limiter.js';
import { MemoryRateLimiter } from '../engines/rate-limiter.memory.js';
import { MemoryRecentSet } from '../engines/recent-set.memory.js';
import type { WriteOp } from '../engines/store.sqlite.writer.js';

/** Runs a write whose arguments are JSON (the SQLite writer thread, store.sqlite.ts). */
export interface EncodedWrites {
  runEncoded(op: WriteOp, args: string): Promise<unknown>;
}

/** One worker, as the host sees it. */
class Peer {
  readonly out: Batcher<ToWorker>;
  readonly subscribed = new Set<string>();
  /** Viewers of each event on this worker, as it last reported. */
  readonly viewers = new Map<string, number>();
  gone = false;

  constructor(
    readonly id: number,
    readonly end: IpcEnd,
    failed: (error: unknown) => void,
  ) {
    this.out = new Batcher((batch) => {
      if (this.gone) return;
      try {
        end.send(batch);
      } catch (error) {
        failed(error);
      }
    });
  }

  push(message: ToWorker): void {
    if (!this.gone) this.out.push(message);
  }
}

/** What the host reports (a failed send to a worker that is going away, mostly). */
export interface HostObserver {
  error(error: unknown, where: string): void;
}

/** Serves the workers' calls and relays their bus traffic. */
export class EngineHost {
  private readonly peers = new Map<number, Peer>();
  private readonly subscribers = new Map<string, Set<Peer>>();
  private readonly limiter = new MemoryRateLimiter();
  private readonly recent = new MemoryRecentSet();

  /**
   * `writes`: the SQLite writer (null with PostgreSQL). `shared`: whether the host keeps the bus,
   * presence, rate limits and duplicate keys (false with Redis, which the workers use directly).
   */
  constructor(
    private readonly writes: EncodedWrites | null,
    private readonly shared: boolean,
    private readonly observer: HostObserver,
  ) {}

  /** Starts serving a worker's end of the link. */
  attach(id: number, end: IpcEnd): void {
    const peer = new Peer(id, end, (error) => this.observer.error(error, 'worker-send'));
    this.peers.set(id, peer);
    end.on('message', (message: unknown) => {
      if (!Array.isArray(message)) return;
      for (const m of message as ToPrimary[]) {
        // A message the host cannot serve is that worker's problem, never the primary's end.
        try {
          this.received(peer, m);
        } catch (error) {
          this.observer.error(error, 'worker-message');
        }
      }
    });
  }

  /** Forgets a worker that exited: its subscriptions, its viewers and the answers it waited for. */
  detach(id: number): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    peer.gone = true;
    this.peers.delete(id);
    for (const eventId of peer.subscribed) this.subscribers.get(eventId)?.delete(peer);
  }

  /** Workers attached now. */
  get size(): number {
    return this.peers.size;
  }

  async close(): Promise<void> {
    for (const id of [...this.peers.keys()]) this.detach(id);
    await this.limiter.close();
    await this.recent.close();
  }

  private received(peer: Peer, m: ToPrimary): void {
    switch (m.t) {
      case 'call':
        this.call(peer, m.op, m.args).then(
          (value) => peer.push({ t: 'ret', id: m.id, value }),
          (error: unknown) => peer.push({ t: 'err', id: m.id, error: callError(error) }),
        );
        return;
      case 'pub':
        for (const other of this.subscribers.get(m.e) ?? []) if (other !== peer) other.push(m);
        return;
      case 'cnt':
        this.relayCounts(peer, m.e, m.counts);
        return;
      case 'sub': {
        peer.subscribed.add(m.e);
        const set = this.subscribers.get(m.e);
        if (set) set.add(peer);
        else this.subscribers.set(m.e, new Set([peer]));
        return;
      }
      case 'unsub': {
        peer.subscribed.delete(m.e);
        const set = this.subscribers.get(m.e);
        set?.delete(peer);
        if (set?.size === 0) this.subscribers.delete(m.e);
        return;
      }
    }
  }

  private relayCounts(from: Peer, eventId: string, counts: WindowCounts): void {
    for (const other of this.subscribers.get(eventId) ?? []) {
      if (other !== from) other.push({ t: 'cnt', e: eventId, counts });
    }
  }

  private async call(peer: Peer, op: CallOp, args: unknown[]): Promise<unknown> {
    if (op === 'write') {
      if (!this.writes) throw new Error('the primary process holds no SQLite writer (DATABASE_URL is set)');
      return this.writes.runEncoded(args[0] as WriteOp, args[1] as string);
    }
    if (!this.shared) throw new Error('the primary process holds no shared engines (REDIS_URL is set)');
    switch (op) {
      case 'take':
        return this.limiter.take(args[0] as string, args[1] as RateRule);
      case 'takeAll':
        return this.limiter.takeAll(args[0] as RateTake[]);
      case 'addIfAbsent':
        return this.recent.addIfAbsent(args[0] as string, args[1] as number);
      case 'report':
        return report(peer, args[0] as string, args[1] as number);
      case 'count':
        return this.count(args[0] as string);
      case 'ping':
        return true;
    }
  }

  private count(eventId: string): number {
    let n = 0;
    for (const peer of this.peers.values()) n += peer.viewers.get(eventId) ?? 0;
    return n;
  }
}

/** Sets a worker's viewers of an event (0 forgets it). */
function report(peer: Peer, eventId: string, viewers: number): void {
  if (viewers > 0) peer.viewers.set(eventId, viewers);
  else peer.viewers.delete(eventId);
}
