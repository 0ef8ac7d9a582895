// What the networked engines need of a logger (pino's Logger fits), and the counters they keep
// for /metrics. Background failures are logged and counted here, never thrown.

/** A structured logger: `log.warn({ err, eventId }, 'message')`. */
export interface EngineLog {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

/** A logger that drops everything (the default when none is given). */
export const silentLog: EngineLog = { warn() {} };

/** Counters an engine keeps about its background work. */
export type EngineCounters<K extends string> = Record<K, number>;
