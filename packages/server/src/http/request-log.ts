// Request logs an operator can read during an outage: one line per request while traffic is
// light, a sample under load (at most LC_REQUEST_LOG_PER_SECOND lines a second, the next line
// saying how many were left out), and server errors at `warn`, at most one a second per route and
// status however many requests fail. A line holds the method, the route's pattern (never the
// URL: no query string, so no token, reaches the log), the status, the duration and the caller's
// user id when the route verified one; never headers or bodies.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LogLimit, Sampler } from '../util/log-limit.js';
import { callerOf } from './caller.js';

export { Sampler };

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
