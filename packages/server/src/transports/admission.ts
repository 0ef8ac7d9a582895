// Admission: the checks every transport makes before it seats a viewer, in one place and one
// order, so WebSocket, SSE and long polling cannot drift apart (auth, event, resume point, the
// browser's Origin, the shutdown guard, the client's address and its connection slot).
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/auth.js';
import { asksProxy, optionalPrincipal, queryOf } from '../auth/request.js';
import type { EventRecord } from '../engines/store.js';
import { AppError, errors } from '../util/errors.js';
import type { ConnectionLimiter } from './connections.js';
import { resumeEpoch, resumePoint } from './resume.js';
import type { AdmissionServices } from './services.js';

/** The transports, as named in logs and refusals. */
export type TransportName = 'ws' | 'sse' | 'poll';

/** What a transport asks admission to check. */
export interface AdmissionRequest {
  transport: TransportName;
  eventId: string;
  /** The resume point as sent (`after`, `Last-Event-ID`); empty or absent: from now on. */
  after: string | null | undefined;
  /**
   * Long polls wait through a store outage: when the event cannot be read for any reason but
   * `not_found`, admission goes on with `event` null instead of failing.
   */
  storeMayBeAway?: boolean;
  /**
   * WebSocket answers the cap with a completed handshake and a 4029 close (a browser cannot read
   * a refused handshake's status): it gets an admission without a slot instead of the 429.
   */
  admitOverCap?: boolean;
}

/** A viewer let in: who, on what, from where, and its connection slot. */
export interface Admission {
  principal: Principal | null;
  eventId: string;
  /** The event; null only for `storeMayBeAway` while the store cannot answer. */
  event: EventRecord | null;
  /** Where to resume (undefined: from now on). */
  after: number | undefined;
  /** The epoch the client's resume point belongs to, when it sent one. */
  epoch: string | undefined;
  ip: string;
  /** `view=top`: the subscriber follows the Top chat view. */
  top: boolean;
  /** False only with `admitOverCap` when the address has too many connections already. */
  slot: boolean;
  /** Gives the slot back; safe to call on every path, any number of times. */
  release(): void;
}

/**
 * Admits a viewer or throws the catalogued refusal (401, 403, 404, 400, 429, 503). The slot is taken
 * last, after every check that can fail, so a refused request never holds one.
 */
export async function admit(s: AdmissionServices, req: IncomingMessage, ask: AdmissionRequest): Promise<Admission> {
  s.guard.assertOpen();
  const query = queryOf(req);
  const ip = s.clientIp(req);
  const context = { transport: ask.transport, eventId: ask.eventId, ip };
  // A token is checked first, as ever; the app's connect proxy is asked only once the browser's
  // origin is known to be allowed, so a page elsewhere cannot make the node present its
  // visitors' cookies to the app (cross-site WebSocket hijacking).
  const viaProxy = asksProxy(s, req, query);
  const checked = viaProxy ? null : await optionalPrincipal(s, req, query, context);
  const after = resumePoint(ask.after);
  const epoch = resumeEpoch(query.get('epoch'));
  const event = await lookUp(s, ask);
  // A page on another origin reads the stream through the viewer's browser: only where the node
  // or the event allows it (CORS alone would not stop a WebSocket). No Origin: not a browser.
  if (!s.origins.admits(req, event?.settings.embed?.allowedOrigins)) {
    throw errors.forbidden('this origin may not connect to this event (embed.allowedOrigins)');
  }
  const principal = viaProxy ? await optionalPrincipal(s, req, query, context) : checked;
  const slot = ask.admitOverCap ? s.connections.tryTake(ip, ask.transport) : takeOrThrow(s.connections, ip, ask);
  return {
    principal,
    eventId: ask.eventId,
    event,
    after,
    epoch,
    top: viewOf(query.get('view')),
    ip,
    slot,
    release: slot ? releaser(s.connections, ip) : noop,
  };
}

function takeOrThrow(connections: ConnectionLimiter, ip: string, ask: AdmissionRequest): true {
  connections.take(ip, ask.transport);
  return true;
}

/** The event, or `not_found`; with `storeMayBeAway`, null while the store is unreachable. */
async function lookUp(s: AdmissionServices, ask: AdmissionRequest): Promise<EventRecord | null> {
  try {
    return await s.events.get(ask.eventId);
  } catch (error) {
    if (error instanceof AppError || !ask.storeMayBeAway) throw error;
    return null;
  }
}

/** A release that gives the slot back once, however often it is called. */
function releaser(connections: ConnectionLimiter, ip: string): () => void {
  let held = true;
  return function release() {
    if (!held) return;
    held = false;
    connections.release(ip);
  };
}

function noop(): void {}

/** `view=top` for Top chat; `live` or none for every comment; anything else is refused. */
function viewOf(view: string | null): boolean {
  if (view === null || view === '' || view === 'live') return false;
  if (view === 'top') return true;
  throw errors.invalid('view must be live or top');
}
