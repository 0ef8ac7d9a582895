import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Services } from '../node.js';
import { longPollRoutes } from '../transports/long-poll.js';
import { sseRoutes } from '../transports/sse.js';
import { registerErrorHandling } from './errors.js';
import { registerJsonParser } from './json.js';
import { pageRoutes } from './pages.js';
import { commentRoutes } from './routes/comments.js';
import { devRoutes } from './routes/dev.js';
import { eventRoutes } from './routes/events.js';
import { moderationRoutes } from './routes/moderation.js';
import { opsRoutes } from './routes/ops.js';

/** Largest request body outside the comment route. */
export const BODY_LIMIT = 64 * 1024;

/** Builds the HTTP application: routes, parsers, error handling. */
export function buildApp(s: Services): FastifyInstance {
  const app = Fastify({
    loggerInstance: s.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    trustProxy: s.config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: true,
    // Bodies keep their types (a number is not a string); query strings are matched as text.
    // An unknown key is refused, not dropped; a left-out field is not filled with a default
    // (a settings PATCH keeps what it does not name, though the schema declares defaults).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
  });
  registerJsonParser(app);
  registerErrorHandling(app, () => s.metrics.errors.inc({ where: 'http' }));
  // A callback hook, not an async one: it runs on every answer, and a promise each adds up.
  app.addHook('onSend', function noStore(_request, reply, payload, done) {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  opsRoutes(app, s);
  devRoutes(app, s);
  eventRoutes(app, s);
  commentRoutes(app, s);
  moderationRoutes(app, s);
  sseRoutes(app, s);
  longPollRoutes(app, s);
  pageRoutes(app, s);
  return app;
}

/** The client address of a raw request (X-Forwarded-For's first hop behind a trusted proxy). */
export function clientIp(trustProxy: boolean, req: IncomingMessage): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
