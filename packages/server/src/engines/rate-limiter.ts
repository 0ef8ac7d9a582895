/** One token per `intervalMs`, with up to `burst` tokens banked. */
export interface RateRule {
  intervalMs: number;
  burst: number;
}

/** Outcome of a take: allowed, or how long until the next token. */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Shared rate limits (GCRA, i.e. a token bucket kept as one timestamp per key). Atomic per key
 * across nodes; a refused take consumes nothing.
 */
export interface RateLimiter {
  take(key: string, rule: RateRule): Promise<RateDecision>;
  close(): Promise<void>;
}
