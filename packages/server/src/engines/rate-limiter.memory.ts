// In-process rate limits: for a single node.
import type { RateDecision, RateLimiter, RateRule, RateTake } from './rate-limiter.js';

/** GCRA over a map of "theoretical arrival times", swept of stale keys now and then. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly tat = new Map<string, number>();
  private lastSweep = Date.now();

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, rule: RateRule): Promise<RateDecision> {
    return this.takeAll([{ key, rule }]);
  }

  async takeAll(takes: readonly RateTake[]): Promise<RateDecision> {
    const now = this.now();
    this.sweep(now);
    const next: number[] = [];
    let wait = 0;
    for (const { key, rule } of takes) {
      const tat = Math.max(this.tat.get(key) ?? now, now);
      next.push(tat + rule.intervalMs);
      wait = Math.max(wait, tat + rule.intervalMs - now - rule.burst * rule.intervalMs);
    }
    if (wait > 0) return { ok: false, retryAfterMs: Math.ceil(wait) };
    for (let i = 0; i < takes.length; i++) this.tat.set(takes[i]!.key, next[i]!);
    return { ok: true };
  }

  async close(): Promise<void> {
    this.tat.clear();
  }

  /** Drops keys whose bucket is full again, at most once a minute. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, tat] of this.tat) if (tat <= now) this.tat.delete(key);
  }
}
