import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { longPollRoutes } from '../transports/long-poll.js';
import { sseRoutes } from '../transports/sse.js';
import { registerCaller } from './caller.js';
import { trustFunction } from './client-address.js';
import { registerCors } from './cors.js';
import { answerClientError, answerFrameworkError, registerErrorHandling } from './errors.js';
import { registerJsonParser } from './json.js';
import { pageRoutes } from './pages.js';
import { registerRequestLog } from './request-log.js';
import { analyticsRoutes } from './routes/analytics.js';
import { archiveRoutes } from './routes/archive.js';
import { commentRoutes } from './routes/comments.js';
import { devRoutes } from './routes/dev.js';
import { emoteRoutes } from './routes/emotes.js';
import { eventRoutes } from './routes/events.js';
import { interactionRoutes } from './routes/interactions.js';
import { moderationRoutes } from './routes/moderation.js';
import { opsRoutes } from './routes/ops.js';
import { pinPollRoutes } from './routes/pins-polls.js';
import { replayRoutes } from './routes/replay.js';
import { socialRoutes } from './routes/social.js';
import { webhookRoutes } from './routes/webhooks.js';
import type { HttpServices } from './services.js';
import type { TypeBoxTypeProvider } from './typed.js';

/** Largest request body outside the comment route. */
export const BODY_LIMIT = 64 * 1024;

/** Builds the HTTP application: routes, parsers, error handling. */
export function buildApp(s: HttpServices): FastifyInstance {
  const app = Fastify({
    loggerInstance: s.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // The same trust as s.clientIp (client-address.ts), so `request.ip` names the same address.
    trustProxy: trustFunction(s.config.trustProxy),
    // Slow senders are cut off (408): headers within headersTimeoutMs, the whole request within
    // requestTimeoutMs. Both end once a request has arrived, so SSE streams, long polls and
    // WebSockets (upgraded: no longer node's to time) live on.
    requestTimeout: s.config.requestTimeoutMs,
    keepAliveTimeout: s.config.keepAliveTimeoutMs,
    http: {
      headersTimeout: s.config.headersTimeoutMs,
      requestTimeout: s.config.requestTimeoutMs,
      // How often node looks for late requests (default 30 s): a bound is only as sharp as this.
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(30_000, Math.floor(Math.min(s.config.headersTimeoutMs, s.config.requestTimeoutMs || Infinity) / 4)),
      ),
    },
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    return503OnClosing: true,
    forceCloseConnections: true,
    // Bodies keep their types (a number is not a string); query strings are matched as text.
    // An unknown key is refused, not dropped; a left-out field is not filled with a default
    // (a settings PATCH keeps what it does not name, though the schema declares defaults).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
  });
  registerJsonParser(app);
  registerCaller(app);
  registerRequestLog(app, s.logger as Logger, s.config.requestLogPerSecond);
  registerCors(app, s);
  registerErrorHandling(app, () => s.metrics.errors.inc({ where: 'http' }), s.security);
  // A callback hook, not an async one: it runs on every answer, and a promise each adds up.
  app.addHook('onSend', function noStore(_request, reply, payload, done) {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  // The routes' request values are typed by their schemas.
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  opsRoutes(app, s);
  devRoutes(typed, s);
  eventRoutes(typed, s);
  commentRoutes(typed, s);
  moderationRoutes(typed, s);
  webhookRoutes(typed, s);
  socialRoutes(typed, s);
  pinPollRoutes(typed, s);
  interactionRoutes(typed, s);
  emoteRoutes(typed, s);
  replayRoutes(typed, s);
  archiveRoutes(typed, s);
  analyticsRoutes(typed, s);
  sseRoutes(app, s);
  longPollRoutes(app, s);
  pageRoutes(app, s);
  return app;
}
