import { errors } from '../util/errors.js';
import type { SecurityEvents } from '../util/security-log.js';

/** The pause suggested to a client refused for too many connections. */
const RETRY_MS = 5_000;

/** Open connections per client address, bounded (0 = no bound). */
export class ConnectionLimiter {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly security?: Pick<SecurityEvents, 'refused'>,
  ) {}

  /** Takes a slot for `ip`; false when it has too many connections already. */
  acquire(ip: string): boolean {
    const n = this.open.get(ip) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.open.set(ip, n + 1);
    return true;
  }

  /** Takes a slot for `ip`; false (on the security log, rate limited) when it has too many already. */
  tryTake(ip: string, transport: 'ws' | 'sse' | 'poll'): boolean {
    if (this.acquire(ip)) return true;
    this.security?.refused(
      'connection_cap',
      { address: ip, transport, max: this.max },
      'connection cap reached for an address',
    );
    return false;
  }

  /** Takes a slot for `ip` or throws the catalogued refusal (on the security log, rate limited). */
  take(ip: string, transport: 'ws' | 'sse' | 'poll'): void {
    if (this.tryTake(ip, transport)) return;
    const refusal = errors.tooManyConnections(RETRY_MS);
    refusal.securityLogged = true;
    throw refusal;
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
