// Request identity for the REST routes: a route that needs a caller declares
// `preHandler: needsCaller` and reads `request.principal`, instead of verifying tokens itself.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator, Principal } from '../auth/auth.js';
import { requirePrincipal } from '../auth/request.js';

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

/** The preHandler that verifies the bearer token (or answers `unauthenticated`) and sets `request.principal`. */
export function callerHook(auth: Pick<Authenticator, 'verify'>): (request: FastifyRequest) => Promise<void> {
  return async function needsCaller(request) {
    callers.set(request, await requirePrincipal(auth, request.raw));
  };
}
