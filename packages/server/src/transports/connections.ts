import { errors } from '../util/errors.js';

/**
 * Warnings about refused connections, rate limited per kind and address. Callers pass paths,
 * never URLs: a `?token=` must not reach a log line.
 */
export interface EdgeLog {
  warn(kind: string, address: string, message: string, details?: Record<string, unknown>): void;
}

/** The pause suggested to a client refused for too many connections. */
const RETRY_MS = 5_000;

/** Open connections per client address, bounded (0 = no bound). */
export class ConnectionLimiter {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly warnings?: EdgeLog,
  ) {}

  /** Takes a slot for `ip`; false when it has too many connections already. */
  acquire(ip: string): boolean {
    const n = this.open.get(ip) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.open.set(ip, n + 1);
    return true;
  }

  /** Takes a slot for `ip`; false (logged at warn, rate limited) when it has too many already. */
  tryTake(ip: string, transport: string): boolean {
    if (this.acquire(ip)) return true;
    this.warnings?.warn('connection_cap', ip, 'connection cap reached for an address', { transport, max: this.max });
    return false;
  }

  /** Takes a slot for `ip` or throws the catalogued refusal (logged at warn, rate limited). */
  take(ip: string, transport: string): void {
    if (!this.tryTake(ip, transport)) throw errors.tooManyConnections(RETRY_MS);
  }

  /** Gives a slot back; call exactly once per slot taken. */
  release(ip: string): void {
    const n = (this.open.get(ip) ?? 0) - 1;
    if (n > 0) this.open.set(ip, n);
    else this.open.delete(ip);
  }

  /** Open connections of `ip` (tests, metrics). */
  count(ip: string): number {
    return this.open.get(ip) ?? 0;
  }
}
