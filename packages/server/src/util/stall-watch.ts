// Event-loop stall watch: a blocked loop (a pathological regex, a huge synchronous parse) stops
// every connection of the node at once and leaves no trace otherwise. A timer that fires late by
// more than the threshold means the loop was blocked that long; it is logged at warn.
import { performance } from 'node:perf_hooks';
import { type LineLogger, LogLimit } from './log-limit.js';

/** Options of the stall watch. */
export interface StallWatchOptions {
  /** A delay past this is a stall worth a warning. */
  thresholdMs?: number;
  /** How often the timer checks; a stall is seen when the loop runs again. */
  intervalMs?: number;
  /** At most one warning per this many milliseconds; the next one counts the dropped. */
  logEveryMs?: number;
}

/** Watches the event loop for stalls; the timer is unref'd, `stop()` ends it. */
export function watchStalls(logger: LineLogger, options: StallWatchOptions = {}): { stop(): void } {
  const thresholdMs = options.thresholdMs ?? 1000;
  const intervalMs = options.intervalMs ?? 250;
  const limit = new LogLimit(logger, { intervalMs: options.logEveryMs ?? 10_000 });
  let last = performance.now();
  const timer = setInterval(function checkLoop() {
    const now = performance.now();
    const blockedMs = Math.round(now - last - intervalMs);
    last = now;
    if (blockedMs > thresholdMs) {
      limit.log('stall', { blockedMs, thresholdMs }, 'the event loop was blocked; every connection waited');
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
