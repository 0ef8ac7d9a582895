// Request identity: the bearer token of an HTTP request or WebSocket handshake, and its caller:
// the token's, or (without a token, or always when so configured) the one the app's connect proxy
// names (proxy/connect.ts).
import type { IncomingMessage } from 'node:http';
import { errors } from '../util/errors.js';
import type { Authenticator, Principal } from './auth.js';

/** Where a caller is asked for: the transport (`http` for REST), the event it concerns, the client's address. */
export interface CallContext {
  transport: 'http' | 'ws' | 'sse' | 'poll';
  eventId: string | null;
  ip: string;
}

/** The app's connect proxy as identity uses it (proxy/connect.ts implements it). */
export interface CallerProxy {
  /** Whether requests with a token go to the proxy too (the token is sent along, not checked as a JWT). */
  readonly always: boolean;
  /**
   * The user the app names for this request, or null for nobody (reads as anyone, posts nothing);
   * throws `forbidden` when the app refuses, `proxy_unavailable` when it fails and the node fails closed.
   */
  identify(req: IncomingMessage, token: string | null, context: CallContext): Promise<Principal | null>;
}

/** What finds a request's caller: the token check, and the app's connect proxy when there is one. */
export interface Callers {
  auth: Pick<Authenticator, 'verify'>;
  proxy?: CallerProxy | null;
}

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
  callers: Callers,
  req: IncomingMessage,
  query: URLSearchParams | null,
  context: CallContext,
): Promise<Principal> {
  const principal = await optionalPrincipal(callers, req, query, context);
  if (!principal) throw errors.unauthenticated();
  return principal;
}

/**
 * The caller when a token is given (a bad token still fails) or the connect proxy names one, else
 * null. A token is checked as a JWT unless the proxy takes every request (`always`).
 */
export async function optionalPrincipal(
  callers: Callers,
  req: IncomingMessage,
  query: URLSearchParams | null,
  context: CallContext,
): Promise<Principal | null> {
  const token = tokenOf(req, query);
  const proxy = callers.proxy;
  if (proxy && (proxy.always || !token)) return proxy.identify(req, token, context);
  return token ? callers.auth.verify(token) : null;
}

/** Whether the app's connect proxy, rather than the token check, finds this request's caller. */
export function asksProxy(callers: Callers, req: IncomingMessage, query: URLSearchParams | null): boolean {
  const proxy = callers.proxy;
  return Boolean(proxy && (proxy.always || !tokenOf(req, query)));
}

/** Whether a request carries a token (the Authorization header or `?token=`), valid or not. */
export function hasToken(req: IncomingMessage): boolean {
  return req.headers.authorization !== undefined || queryOf(req).has('token');
}

/** The query string of a raw request. */
export function queryOf(req: IncomingMessage): URLSearchParams {
  const url = req.url ?? '/';
  const at = url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
}
