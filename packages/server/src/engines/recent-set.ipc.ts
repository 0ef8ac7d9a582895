// Duplicate keys across the worker processes of one machine (LC_WORKERS without REDIS_URL).
import type { WorkerLink } from './ipc-link.js';
import type { RecentSet } from './recent-set.js';

/** Recent keys kept by the primary process (check-and-add is atomic there). */
export class IpcRecentSet implements RecentSet {
  constructor(private readonly link: WorkerLink) {}

  async addIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    return (await this.link.call('addIfAbsent', [key, ttlMs])) as boolean;
  }

  async close(): Promise<void> {}
}
