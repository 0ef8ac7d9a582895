// Request identity: the bearer token of an HTTP request or WebSocket handshake, and its caller.
import type { IncomingMessage } from 'node:http';
import { errors } from '../util/errors.js';
import type { Authenticator, Principal } from './auth.js';

/**
 * The bearer token of a request: the Authorization header, or `?token=` where browsers cannot set
 * headers (WebSocket, EventSource) and `allowQuery` is set.
 */
export function tokenOf(req: IncomingMessage, query: URLSearchParams | null): string | null {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw errors.unauthenticated('the Authorization header must be "Bearer <token>"');
    return match[1]!;
  }
  const fromQuery = query?.get('token');
  return fromQuery ? fromQuery : null;
}

/** The caller, or `unauthenticated`. */
export async function requirePrincipal(
  auth: Pick<Authenticator, 'verify'>,
  req: IncomingMessage,
  query: URLSearchParams | null = null,
): Promise<Principal> {
  const token = tokenOf(req, query);
  if (!token) throw errors.unauthenticated();
  return auth.verify(token);
}

/** The caller when a token is given (a bad token still fails), else null. */
export async function optionalPrincipal(
  auth: Pick<Authenticator, 'verify'>,
  req: IncomingMessage,
  query: URLSearchParams | null = null,
): Promise<Principal | null> {
  const token = tokenOf(req, query);
  return token ? auth.verify(token) : null;
}

/** The query string of a raw request. */
export function queryOf(req: IncomingMessage): URLSearchParams {
  const url = req.url ?? '/';
  const at = url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
}
