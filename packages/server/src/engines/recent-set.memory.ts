// In-process recent keys: for a single node.
import type { RecentSet } from './recent-set.js';

/** Keys with expiry times in a map, swept of expired keys now and then. */
export class MemoryRecentSet implements RecentSet {
  private readonly expiry = new Map<string, number>();
  private lastSweep = Date.now();

  constructor(private readonly now: () => number = Date.now) {}

  async addIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    if (now - this.lastSweep > 10_000) {
      this.lastSweep = now;
      for (const [k, at] of this.expiry) if (at <= now) this.expiry.delete(k);
    }
    const at = this.expiry.get(key);
    if (at !== undefined && at > now) return false;
    this.expiry.set(key, now + ttlMs);
    return true;
  }

  async close(): Promise<void> {
    this.expiry.clear();
  }
}
