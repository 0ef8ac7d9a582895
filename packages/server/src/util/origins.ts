// Which web origins may use this node from a browser: its own, the node's list
// (`LC_ALLOWED_ORIGINS`) and, for one event, that event's `embed.allowedOrigins`. The one rule
// behind CORS (http/cors.ts), `frame-ancestors` of the embed page (http/pages.ts) and the Origin
// check of every real-time connection (transports/admission.ts).
import type { IncomingMessage } from 'node:http';
import { ORIGIN_PATTERN } from '@livecomments/protocol/settings';

const ORIGIN = new RegExp(ORIGIN_PATTERN);

/**
 * The origin as browsers write it (`https://a.example`, no default port), or null when `text` is
 * not one. Used for the node's list at start and for event settings as they are saved.
 */
export function canonicalOrigin(text: string): string | null {
  const lower = text.trim().toLowerCase();
  if (lower.length > 270 || !ORIGIN.test(lower)) return null;
  try {
    const url = new URL(lower);
    return url.origin === 'null' ? null : url.origin;
  } catch {
    return null;
  }
}

/** The browser's Origin header of a request, or undefined (non-browser clients send none). */
export function originOf(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  return typeof origin === 'string' && origin !== '' ? origin : undefined;
}

/**
 * Whether `origin` is the node's own: the same host and port as the request's Host header (the
 * scheme is not compared: behind a TLS proxy the node itself sees plain HTTP).
 */
export function isOwnOrigin(req: IncomingMessage, origin: string): boolean {
  const host = req.headers.host;
  if (typeof host !== 'string' || host === '') return false;
  const at = origin.indexOf('://');
  return at > 0 && origin.slice(at + 3).toLowerCase() === host.toLowerCase();
}

/** The node's allowed origins with an event's: who may call, stream and frame. */
export class OriginPolicy {
  private readonly node: ReadonlySet<string>;

  constructor(nodeOrigins: readonly string[]) {
    this.node = new Set(nodeOrigins);
  }

  /** The node's list (for `frame-ancestors`, beside the event's). */
  get nodeOrigins(): readonly string[] {
    return [...this.node];
  }

  /** Whether a foreign `origin` is allowed, by the node or by the event's list (exact match). */
  allows(origin: string, eventOrigins: readonly string[] = []): boolean {
    return this.node.has(origin) || eventOrigins.includes(origin);
  }

  /**
   * Whether the request may go on: no Origin (not a browser, or a same-origin navigation), the
   * node's own origin, or an allowed one.
   */
  admits(req: IncomingMessage, eventOrigins: readonly string[] = []): boolean {
    const origin = originOf(req);
    return origin === undefined || isOwnOrigin(req, origin) || this.allows(origin, eventOrigins);
  }
}
