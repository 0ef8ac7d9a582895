// Rate limits across the worker processes of one machine (LC_WORKERS without REDIS_URL): the
// buckets are the primary process's, so a user's limit counts posts made through every worker.
import type { WorkerLink } from './ipc-link.js';
import type { RateDecision, RateLimiter, RateRule, RateTake } from './rate-limiter.js';

/** Rate limits kept by the primary process (atomic there: it runs one take at a time). */
export class IpcRateLimiter implements RateLimiter {
  constructor(private readonly link: WorkerLink) {}

  async take(key: string, rule: RateRule): Promise<RateDecision> {
    return (await this.link.call('take', [key, rule])) as RateDecision;
  }

  async takeAll(takes: readonly RateTake[]): Promise<RateDecision> {
    return (await this.link.call('takeAll', [takes])) as RateDecision;
  }

  async close(): Promise<void> {}
}
