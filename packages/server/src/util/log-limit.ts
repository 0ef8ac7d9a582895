// Rate-limited logging for what comes in floods: an attack repeats the same refusal thousands of
// times a second, a database outage fails every request, a burst of slow viewers is cut off at
// once. One line per occurrence would turn the log into the flood's amplifier.

/** The part of a pino logger this needs (pino's `Logger` fits). */
export interface LineLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Options of a rate-limited logger. */
export interface LogLimitOptions {
  /** At most one line per key in this many milliseconds. */
  intervalMs: number;
  /** The level of its lines; default warn. */
  level?: 'warn' | 'error';
  /** Keys remembered at most; past this the oldest are forgotten (so attackers cannot grow it). */
  maxKeys?: number;
  /**
   * Write what was dropped when its interval ends (the latest dropped line's fields with
   * `suppressed`), instead of with the key's next line, which may never come. For a few keys:
   * each key with dropped lines holds a timer.
   */
  summarise?: boolean;
  /** The message of those summary lines; default the dropped line's own. */
  summaryMessage?: string;
  /** The clock, for tests. */
  now?: () => number;
}

/** What is remembered of a key. */
interface Seen {
  at: number;
  suppressed: number;
  /** The latest dropped line, for its summary. */
  latest?: { fields: Record<string, unknown>; message: string };
  timer?: NodeJS.Timeout;
}

/**
 * Logs at most once per key per interval; the line after dropped ones carries `suppressed`, the
 * number dropped since the previous line.
 */
export class LogLimit {
  private readonly keys = new Map<string, Seen>();
  private readonly intervalMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(
    private readonly logger: LineLogger,
    private readonly options: LogLimitOptions,
  ) {
    this.intervalMs = options.intervalMs;
    this.maxKeys = options.maxKeys ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Logs `message` for `key` unless one was logged within the interval; true when logged. */
  log(key: string, fields: Record<string, unknown>, message: string): boolean {
    const now = this.now();
    const seen = this.keys.get(key);
    if (seen && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      if (this.options.summarise) {
        seen.latest = { fields, message };
        seen.timer ??= this.summaryTimer(key, seen, seen.at + this.intervalMs - now);
      }
      return false;
    }
    const suppressed = seen?.suppressed ?? 0;
    this.forget(key);
    if (this.keys.size >= this.maxKeys) this.forget(this.keys.keys().next().value as string);
    this.keys.set(key, { at: now, suppressed: 0 });
    this.write(suppressed > 0 ? { ...fields, suppressed } : fields, message);
    return true;
  }

  private write(fields: Record<string, unknown>, message: string): void {
    if (this.options.level === 'error') this.logger.error(fields, message);
    else this.logger.warn(fields, message);
  }

  /** Schedules the key's summary for when its interval ends. */
  private summaryTimer(key: string, seen: Seen, delayMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.summarise(key, seen), Math.max(0, delayMs));
    timer.unref();
    return timer;
  }

  /** Writes the key's dropped lines as one line, which opens a new interval. */
  private summarise(key: string, seen: Seen): void {
    seen.timer = undefined;
    if (this.keys.get(key) !== seen || seen.suppressed === 0 || !seen.latest) return;
    const { fields, message } = seen.latest;
    this.write({ ...fields, suppressed: seen.suppressed }, this.options.summaryMessage ?? message);
    seen.at = this.now();
    seen.suppressed = 0;
    seen.latest = undefined;
  }

  private forget(key: string): void {
    const seen = this.keys.get(key);
    if (seen?.timer) clearTimeout(seen.timer);
    this.keys.delete(key);
  }
}

/** At most `perSecond` lines in each second; counts what it refused. */
export class Sampler {
  private second = -1;
  private used = 0;
  private dropped = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a line may be written now; with it, how many were left out before it. */
  take(): { ok: true; skipped: number } | { ok: false } {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.used = 0;
    }
    if (this.used >= this.perSecond) {
      this.dropped++;
      return { ok: false };
    }
    this.used++;
    const skipped = this.dropped;
    this.dropped = 0;
    return { ok: true, skipped };
  }
}
