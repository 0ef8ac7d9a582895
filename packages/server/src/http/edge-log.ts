import type { Logger } from 'pino';

/** Addresses remembered at once; past this, new addresses are counted but not named. */
const MAX_TRACKED = 10_000;

/**
 * Warnings about refused connections (bad handshakes, the per-address cap), at most one line per
 * kind and address per window: a flood of refusals costs one line a minute, carrying how many
 * were left out. Callers pass paths, never URLs: a `?token=` must not reach a log line.
 */
export class EdgeWarnings {
  private readonly last = new Map<string, { at: number; left: number }>();
  private unnamed = 0;

  constructor(
    private readonly log: Pick<Logger, 'warn'>,
    private readonly windowMs = 60_000,
  ) {}

  /** Logs `message` for `address` unless it was logged within the window (then counts it). */
  warn(kind: string, address: string, message: string, details: Record<string, unknown> = {}): void {
    const key = `${kind} ${address}`;
    const now = Date.now();
    const seen = this.last.get(key);
    if (seen && now - seen.at < this.windowMs) {
      seen.left++;
      return;
    }
    if (!seen && this.last.size >= MAX_TRACKED && !this.sweep(now)) {
      this.unnamed++;
      return;
    }
    const left = seen?.left ?? 0;
    const unnamed = this.unnamed;
    this.unnamed = 0;
    this.last.set(key, { at: now, left: 0 });
    this.log.warn(
      { kind, address, ...details, ...(left > 0 ? { sinceLast: left } : {}), ...(unnamed > 0 ? { unnamed } : {}) },
      message,
    );
  }

  /** Forgets addresses whose window has passed; true when room was made. */
  private sweep(now: number): boolean {
    for (const [key, seen] of this.last) if (now - seen.at >= this.windowMs) this.last.delete(key);
    return this.last.size < MAX_TRACKED;
  }
}
