// Rate-limited logging for security events: an attack repeats the same event thousands of times a
// second, and one line per occurrence would turn the log into the attack's amplifier.

/** The part of a pino logger this needs (pino's `Logger` fits). */
export interface WarnLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Options of a rate-limited logger. */
export interface LogLimitOptions {
  /** At most one line per key in this many milliseconds. */
  intervalMs: number;
  /** Keys remembered at most; past this the oldest are forgotten (so attackers cannot grow it). */
  maxKeys?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/**
 * Logs at warn at most once per key per interval; the next line logged for a key carries
 * `suppressed`, the number of lines dropped since the previous one.
 */
export class LogLimit {
  private readonly keys = new Map<string, { at: number; suppressed: number }>();
  private readonly intervalMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(
    private readonly logger: WarnLogger,
    options: LogLimitOptions,
  ) {
    this.intervalMs = options.intervalMs;
    this.maxKeys = options.maxKeys ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Logs `message` for `key` unless one was logged within the interval; true when logged. */
  warn(key: string, fields: Record<string, unknown>, message: string): boolean {
    const now = this.now();
    const seen = this.keys.get(key);
    if (seen && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return false;
    }
    const suppressed = seen?.suppressed ?? 0;
    this.keys.delete(key);
    if (this.keys.size >= this.maxKeys) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(key, { at: now, suppressed: 0 });
    this.logger.warn(suppressed > 0 ? { ...fields, suppressed } : fields, message);
    return true;
  }
}
