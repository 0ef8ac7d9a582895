// The channel between a worker process and the primary that holds the machine's shared engines
// (LC_WORKERS, cluster/primary.ts): the SQLite writer and sequencer, rate limits, duplicate keys,
// presence and the bus relay. Messages go out batched, one IPC message per turn of the event
// loop, so a burst of posts or entries costs one write to the channel, not one each.
import type { WindowCounts } from './bus.js';

/** One end of an IPC channel: a cluster worker seen from the primary, a worker's own process, a MessagePort in tests. */
export interface IpcEnd {
  send(message: unknown): void;
  on(event: 'message', handler: (message: unknown) => void): unknown;
  off(event: 'message', handler: (message: unknown) => void): unknown;
}

/** Calls a worker makes of the primary, by name. */
export type CallOp =
  | 'write'
  | 'take'
  | 'takeAll'
  | 'addIfAbsent'
  | 'report'
  | 'count'
  /** Whether the primary holds the bus (answers true), for `/ready`. */
  | 'ping';

/** From a worker to the primary. */
export type ToPrimary =
  | { t: 'call'; id: number; op: CallOp; args: unknown[] }
  /** Entries of one event as JSON (a list, or `{entries, trace}`), relayed as they are. */
  | { t: 'pub'; e: string; data: string }
  | { t: 'cnt'; e: string; counts: WindowCounts }
  | { t: 'sub'; e: string }
  | { t: 'unsub'; e: string };

/** A call's failure as it crosses the channel: the message and the code (SQLite's, or `unavailable`). */
export interface CallError {
  message: string;
  code?: string;
}

/** From the primary to a worker. */
export type ToWorker =
  | { t: 'ret'; id: number; value: unknown }
  | { t: 'err'; id: number; error: CallError }
  | { t: 'pub'; e: string; data: string }
  | { t: 'cnt'; e: string; counts: WindowCounts };

/** Collects messages and sends them as one list on the next turn of the event loop. */
export class Batcher<M> {
  private queue: M[] = [];
  private scheduled = false;

  constructor(private readonly sendBatch: (batch: M[]) => void) {}

  push(message: M): void {
    this.queue.push(message);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /** Sends what is queued now (also run by the scheduled turn). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.sendBatch(batch);
  };
}

/** What the bus engine of a worker hears from the primary. */
export interface LinkBusListener {
  entries(eventId: string, data: string): void;
  counts(eventId: string, counts: WindowCounts): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * A worker's end of the link: calls answered by the primary (in order of their answers) and
 * one-way messages, both batched. When the primary is gone every call fails at once (callers
 * answer `unavailable`), as a store or Redis that went away would.
 */
export class WorkerLink {
  private readonly out: Batcher<ToPrimary>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private bus: LinkBusListener | null = null;

  constructor(private readonly end: IpcEnd) {
    this.out = new Batcher((batch) => {
      try {
        end.send(batch);
      } catch (error) {
        this.lost(error);
      }
    });
    end.on('message', this.onMessage);
  }

  /** Asks the primary; resolves with its answer. */
  call(op: CallOp, args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(linkError('the link to the primary process is closed'));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.out.push({ t: 'call', id, op, args });
    });
  }

  /** Sends a one-way message (bus publications and subscriptions). */
  send(message: Exclude<ToPrimary, { t: 'call' }>): void {
    if (!this.closed) this.out.push(message);
  }

  /** Sets the bus engine that gets relayed entries and counts. */
  listenBus(listener: LinkBusListener | null): void {
    this.bus = listener;
  }

  /** The primary is gone (or the worker stops): what waits fails, further calls fail at once. */
  lost(why: unknown = 'the primary process is gone'): void {
    if (this.closed) return;
    this.closed = true;
    this.end.off('message', this.onMessage);
    const error = linkError(`the link to the primary process is closed (${String(why)})`);
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) w.reject(error);
  }

  private readonly onMessage = (message: unknown): void => {
    if (!Array.isArray(message)) return;
    for (const m of message as ToWorker[]) {
      switch (m.t) {
        case 'ret':
        case 'err': {
          const waiting = this.pending.get(m.id);
          if (!waiting) break;
          this.pending.delete(m.id);
          if (m.t === 'ret') waiting.resolve(m.value);
          else waiting.reject(errorOf(m.error));
          break;
        }
        case 'pub':
          this.bus?.entries(m.e, m.data);
          break;
        case 'cnt':
          this.bus?.counts(m.e, m.counts);
          break;
      }
    }
  };
}

/** An Error with the code of a failure that crossed the channel. */
export function errorOf(e: CallError): Error {
  const error = new Error(e.message) as Error & { code?: string };
  if (e.code !== undefined) error.code = e.code;
  return error;
}

/** A failure to send across the channel, as it crosses it. */
export function callError(error: unknown): CallError {
  const e = error as { message?: unknown; code?: unknown };
  const out: CallError = { message: String(e?.message ?? error) };
  if (typeof e?.code === 'string') out.code = e.code;
  return out;
}

function linkError(message: string): Error {
  return Object.assign(new Error(message), { code: 'unavailable' });
}
