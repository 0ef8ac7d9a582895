// Admission: the checks every transport makes before it seats a viewer, in one place and one
// order, so WebSocket, SSE and long polling cannot drift apart (auth, event, resume point, the
// browser's Origin, the shutdown guard, the client's address and its connection slot).
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/auth.js';
import { asksProxy, optionalPrincipal, queryOf } from '../auth/request.js';
import type { EventRecord } from '../engines/store.js';
import { tierFor } from '../hub/frames.js';
import { AppError, errors } from '../util/errors.js';
import type { ConnectionLimiter } from './connections.js';
import type { ViewSpec } from './encoders.js';
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
  /** The view: Top chat or not, and the sampled tier of `rate=` (or none). */
  view: ViewSpec;
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
  const view = viewSpecOf(query);
  const principal = viaProxy ? await optionalPrincipal(s, req, query, context) : checked;
  const slot = ask.admitOverCap ? s.connections.tryTake(ip, ask.transport) : takeOrThrow(s.connections, ip, ask);
  return {
    principal,
    eventId: ask.eventId,
    event,
    after,
    epoch,
    top: view.top,
    view,
    ip,
    slot,
    release: slot ? releaser(s.connections, ip) : noop,
  };
}

/** A connection let in before it names its events (many events on one connection). */
export interface ConnectionAdmission {
  principal: Principal | null;
  ip: string;
  /** The view every subscription of the connection follows (`view=`, `rate=`). */
  view: ViewSpec;
  /** False only with `admitOverCap` when the address has too many connections already. */
  slot: boolean;
  release(): void;
}

/**
 * Admits a multi-event connection: the token, the view, the shutdown guard and the address's
 * connection slot (one for the whole connection). Each event is then admitted by `admitEvent`.
 */
export async function admitConnection(
  s: AdmissionServices,
  req: IncomingMessage,
  transport: TransportName,
  admitOverCap = false,
): Promise<ConnectionAdmission> {
  s.guard.assertOpen();
  const query = queryOf(req);
  const ip = s.clientIp(req);
  // The app's connect proxy sees the visitor's cookies: only for a page on an origin the node
  // allows (each event's own list is checked again when it is subscribed).
  if (asksProxy(s, req, query) && !s.origins.admits(req, undefined)) {
    throw errors.forbidden('this origin may not connect (LC_ALLOWED_ORIGINS)');
  }
  const principal = await optionalPrincipal(s, req, query, { transport, eventId: null, ip });
  const view = viewSpecOf(query);
  const slot = admitOverCap ? s.connections.tryTake(ip, transport) : takeOrThrow(s.connections, ip, { transport });
  return { principal, ip, view, slot, release: slot ? releaser(s.connections, ip) : noop };
}

/**
 * Admits one event on a multi-event connection, with the checks a connection to that event alone
 * gets (it exists, the browser's origin may read it) and one more: a user banned from the event
 * cannot follow it there (a ban ends the subscription, not the connection).
 */
export async function admitEvent(
  s: AdmissionServices,
  req: IncomingMessage,
  principal: Principal | null,
  eventId: string,
): Promise<EventRecord> {
  s.guard.assertOpen();
  const event = await s.events.get(eventId);
  if (!s.origins.admits(req, event.settings.embed?.allowedOrigins)) {
    throw errors.forbidden('this origin may not connect to this event (embed.allowedOrigins)');
  }
  if (principal) {
    const until = await s.bans.until(eventId, principal.id);
    if (until !== false) throw errors.banned(until);
  }
  return event;
}

/** The view of `view=` and `rate=` (comments per second, 1..100000: the largest tier at most it). */
export function viewSpecOf(query: URLSearchParams): ViewSpec {
  return { top: viewOf(query.get('view')), tier: rateOf(query.get('rate')) };
}

/** The sampled tier index of a `rate=` value, -1 for none. */
export function rateOf(rate: string | null | undefined): number {
  if (rate === null || rate === undefined || rate === '') return -1;
  if (!/^[0-9]{1,6}$/.test(rate) || Number(rate) < 1 || Number(rate) > MAX_RATE) {
    throw errors.invalid(`rate must be a whole number of comments per second, 1 to ${MAX_RATE}`);
  }
  return tierFor(Number(rate));
}

/** The largest `rate=` taken (asking for more than the largest tier gets that tier). */
const MAX_RATE = 100_000;

function takeOrThrow(connections: ConnectionLimiter, ip: string, ask: Pick<AdmissionRequest, 'transport'>): true {
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
