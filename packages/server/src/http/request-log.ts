// Request logs an operator can read during an outage: one line per request while traffic is
// light, a sample under load (at most LC_REQUEST_LOG_PER_SECOND lines a second, the next line
// saying how many were left out), and server errors at `warn`, at most one a second per route and
// status however many requests fail. A line holds the method, the route's pattern (never the
// URL: no query string, so no token, reaches the log), the status, the duration and the caller's
// user id when the route verified one; never headers or bodies.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LogLimit } from '../util/log-limit.js';
import { callerOf } from './caller.js';

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

/** Logs every answered request as above; `perSecond` 0 turns the sampled lines off. */
export function registerRequestLog(app: FastifyInstance, logger: Logger, perSecond: number): void {
  const sampler = new Sampler(perSecond);
  const failures = new LogLimit(logger, { intervalMs: 1000, maxKeys: 1000, summarise: true });
  app.addHook('onResponse', function requestLog(request, reply, done) {
    const status = reply.statusCode;
    const fields = lineOf(request, status, reply.elapsedTime);
    if (status >= 500) {
      failures.log(`${fields.route} ${status}`, fields, 'request failed');
    } else if (perSecond > 0) {
      const taken = sampler.take();
      if (taken.ok) logger.info(taken.skipped > 0 ? { ...fields, skipped: taken.skipped } : fields, 'request');
    }
    done();
  });
}

function lineOf(request: FastifyRequest, status: number, elapsedMs: number) {
  const userId = callerOf(request)?.id;
  return {
    method: request.method,
    route: request.routeOptions.url ?? '(no route)',
    status,
    ms: Math.round(elapsedMs * 10) / 10,
    ...(userId ? { userId } : {}),
  };
}
