// Request identity for the REST routes: a route that needs a caller declares
// `preHandler: needsCaller` and reads `request.principal`, instead of verifying tokens itself.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/auth.js';
import { asksProxy, type CallContext, type Callers, requirePrincipal } from '../auth/request.js';
import { errors } from '../util/errors.js';
import type { OriginPolicy } from '../util/origins.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by the `needsCaller` preHandler (reading it elsewhere throws). */
    readonly principal: Principal;
  }
}

/** Callers of the requests in flight (garbage collected with their requests). */
const callers = new WeakMap<FastifyRequest, Principal>();

/** The request's verified caller, if its route asked for one (for logs). */
export function callerOf(request: FastifyRequest): Principal | undefined {
  return callers.get(request);
}

/** Adds `request.principal` to every request of `app`. */
export function registerCaller(app: FastifyInstance): void {
  app.decorateRequest('principal', {
    getter(this: FastifyRequest): Principal {
      const principal = callers.get(this);
      // A programming error (a route that reads the caller without asking for one): logged, never a guess.
      if (!principal) throw new Error(`${this.routeOptions.url} reads request.principal without needsCaller`);
      return principal;
    },
  });
}

/**
 * The preHandler that finds the caller (the bearer token, or the app's connect proxy) or answers
 * `unauthenticated`, and sets `request.principal`.
 */
export function callerHook(
  s: Callers & { origins?: Pick<OriginPolicy, 'admits'> },
): (request: FastifyRequest) => Promise<void> {
  return async function needsCaller(request) {
    // Cookies go with a form posted from any site (a `text/plain` form is a simple request, not
    // preflighted): a caller found through the app's proxy must come from an allowed origin, or
    // from no browser at all. Tokens need no such check: no browser attaches them by itself.
    if (s.origins && asksProxy(s, request.raw, null) && !s.origins.admits(request.raw)) {
      throw errors.forbidden('this origin may not act for a user signed in by cookie (LC_ALLOWED_ORIGINS)');
    }
    callers.set(request, await requirePrincipal(s, request.raw, null, httpContext(request)));
  };
}

/** A REST request as the connect proxy is told of it: its event (when the route names one) and address. */
export function httpContext(request: FastifyRequest): CallContext {
  const params = request.params as { eventId?: unknown } | undefined;
  return {
    transport: 'http',
    eventId: typeof params?.eventId === 'string' ? params.eventId : null,
    ip: request.ip,
  };
}
