// CORS for the REST API and SSE (`/v1/*`): a page on another origin may call them when the node
// (`LC_ALLOWED_ORIGINS`) or, on an event's routes, the event (`embed.allowedOrigins`) allows its
// origin. The Origin is echoed, never `*`; no credentials are allowed, as the API reads no
// cookies (tokens travel in the Authorization header, which CORS lets through explicitly).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Events } from '../events/events.js';
import { errors } from '../util/errors.js';
import { isOwnOrigin, type OriginPolicy, originOf } from '../util/origins.js';

/** What the CORS layer reads of the node. */
export interface CorsServices {
  origins: Pick<OriginPolicy, 'allows'>;
  events: Pick<Events, 'get'>;
}

/** The methods the API answers, the request headers it reads, the answer headers clients read. */
const METHODS = 'GET, POST, PUT, PATCH, DELETE';
const HEADERS = 'Authorization, Content-Type, Idempotency-Key, Last-Event-ID';
const EXPOSED = 'Retry-After';
/** How long a browser may keep a preflight's answer (Chromium caps it at 2 hours). */
const MAX_AGE_S = '600';
/** The event of a per-event route; the id's own bounds (transports/schemas.ts). */
const EVENT_PATH = /^\/v1\/events\/([A-Za-z0-9_.:-]{1,64})(?:[/?]|$)/;

/** Adds CORS to every `/v1/` answer and answers preflights (`OPTIONS /v1/*`). */
export function registerCors(app: FastifyInstance, s: CorsServices): void {
  app.addHook('onRequest', function cors(request, reply, done) {
    if (!request.url.startsWith('/v1/')) return done();
    // The answer depends on the Origin: caches must keep one per origin.
    reply.header('vary', 'Origin');
    const origin = originOf(request.raw);
    if (origin === undefined || isOwnOrigin(request.raw, origin)) return done();
    allowed(s, request, origin).then(
      function decided(ok) {
        if (ok) allow(reply, origin);
        done();
      },
      // Nothing here fails but a store read: answer as if not allowed; the route says the rest.
      () => done(),
    );
  });
  app.options('/v1/*', function preflight(_request, reply) {
    if (!reply.hasHeader('access-control-allow-origin')) throw errors.forbidden('this origin may not call the API');
    reply.header('access-control-allow-methods', METHODS);
    reply.header('access-control-allow-headers', HEADERS);
    reply.header('access-control-max-age', MAX_AGE_S);
    return reply.code(204).send();
  });
}

/** Whether `origin` may call this URL: the node's list, plus the event's on an event route. */
async function allowed(s: CorsServices, request: FastifyRequest, origin: string): Promise<boolean> {
  if (s.origins.allows(origin)) return true;
  const match = EVENT_PATH.exec(request.url);
  if (!match) return false;
  try {
    const event = await s.events.get(match[1]!);
    return s.origins.allows(origin, event.settings.embed?.allowedOrigins);
  } catch {
    return false;
  }
}

function allow(reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-expose-headers', EXPOSED);
}

/** The CORS lines of a hand-written answer head (SSE), from the headers the hook set. */
export function corsHead(reply: FastifyReply): string {
  const origin = reply.getHeader('access-control-allow-origin');
  const vary = 'Vary: Origin\r\n';
  return typeof origin === 'string' ? `${vary}Access-Control-Allow-Origin: ${origin}\r\n` : vary;
}
