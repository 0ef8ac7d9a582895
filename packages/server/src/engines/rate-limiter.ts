/** One token per `intervalMs`, with up to `burst` tokens banked. */
export interface RateRule {
  intervalMs: number;
  burst: number;
}

/** One bucket of a combined take: its key and its rule. */
export interface RateTake {
  key: string;
  rule: RateRule;
}

/** Outcome of a take: allowed, or how long until the next token. */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Shared rate limits (GCRA, i.e. a token bucket kept as one timestamp per key). Atomic per key
 * across nodes; a refused take consumes nothing.
 */
export interface RateLimiter {
  take(key: string, rule: RateRule): Promise<RateDecision>;
  /**
   * Takes one token from each bucket, atomically: all or none (so a post refused by one limit,
   * e.g. per user across events, spends nothing of another, e.g. per user in the event). A
   * refusal carries the longest wait. Keys of one call should share a Redis Cluster hash tag
   * (`{user}`), so a cluster can run them as one script.
   */
  takeAll(takes: readonly RateTake[]): Promise<RateDecision>;
  close(): Promise<void>;
}
