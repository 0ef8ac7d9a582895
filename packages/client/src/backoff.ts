/** How reconnect delays grow. */
export interface BackoffOptions {
  /** First delay (1 s). */
  initialMs: number;
  /** Longest delay (30 s). */
  maxMs: number;
  /** Growth per attempt (2: doubling). */
  factor: number;
  /**
   * Share of each delay that is random, 0..1 (0.5: a delay of d waits between d/2 and d), so a
   * crowd of clients cut off at once does not come back at the same instant.
   */
  jitter: number;
}

/** The defaults: 1 s doubling to 30 s, with jitter. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.5 };

/** Exponential backoff with jitter; `next()` gives the next delay, `reset()` starts over. */
export class Backoff {
  readonly options: BackoffOptions;
  #attempt = 0;

  constructor(
    options: Partial<BackoffOptions> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.options = { ...DEFAULT_BACKOFF, ...options };
  }

  /** Attempts since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt, in ms. */
  next(): number {
    const { initialMs, maxMs, factor, jitter } = this.options;
    const base = Math.min(maxMs, initialMs * factor ** this.#attempt);
    this.#attempt++;
    return Math.round(base * (1 - jitter * this.random()));
  }

  /** After a success: the next delay is the first one again. */
  reset(): void {
    this.#attempt = 0;
  }
}
