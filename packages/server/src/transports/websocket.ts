// WebSocket: a thin adapter from a `ws` socket onto a hub Subscriber, plus comment posting.
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type ClientFrame, CloseCode } from '@livecomments/protocol';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Principal } from '../auth/auth.js';
import { hasToken, queryOf } from '../auth/request.js';
import { writeRawError } from '../http/errors.js';
import { viewerKeys, type WireFormat } from '../hub/frames.js';
import type { Membership } from '../hub/hub.js';
import { type CloseReason, type Subscriber, socketDrained } from '../hub/subscriber.js';
import { AppError, errors } from '../util/errors.js';
import { logRefusal } from '../util/security-log.js';
import { type Admission, admit, admitConnection, type ConnectionAdmission } from './admission.js';
import type { Bannable, BanWatch } from './ban-watch.js';
import { formatFor, wsFormat, wsTopFormat } from './encoders.js';
import type { TransportServices } from './services.js';
import { type SubscriptionHost, Subscriptions } from './subscriptions.js';
import { deflatedFrame, textFrame } from './ws-frame.js';
import { handshakeProblem } from './ws-handshake.js';

/** Largest client frame (docs: max WebSocket message size). */
export const MAX_FRAME_BYTES = 4 * 1024;
const PATH = /^\/v1\/events\/([A-Za-z0-9_.:-]{1,64})\/ws$/;
/** Many events on one connection (docs/API.md). */
const MULTI_PATH = '/v1/ws';
/**
 * Client frames per second a connection may send (with a burst); beyond, frames are refused.
 * Trusted publishers (the `service` role) are not limited, like their REST posts.
 */
const FRAMES_PER_SECOND = 20;
const FRAME_BURST = 40;
/** Refused frames after which the connection is closed as abusive. */
const MAX_REFUSED = 200;
/** A banned user's socket closes after its next frame (the ban entry) or after this at the latest. */
const BAN_CLOSE_MS = 2_000;
/** The zlib window the server compresses with (zlib's largest, its default). */
const SERVER_WINDOW_BITS = 15;
/**
 * Output chunk of a connection's inflater (client frames are at most MAX_FRAME_BYTES inflated):
 * small, because a connection that sent compressed frames keeps its inflater while it lives.
 */
const INFLATE_CHUNK = 1024;

const CLOSE_FOR: Record<CloseReason, number> = {
  slow: CloseCode.SLOW,
  shutdown: CloseCode.RESTART,
  gone: 1011,
};

/** Where a socket keeps its connection: shared named handlers find it there, no closures per socket. */
const CONNECTION = Symbol('livecomments.connection');

type Peer = WebSocket & { [CONNECTION]?: WsConnection };

/**
 * One viewer (and maybe poster) over WebSocket, as a hub Subscriber. Hub frames are written
 * pre-framed straight to the socket (see ws-frame.ts), compressed once per batch for the
 * connections that negotiated permessage-deflate; everything else goes through ws, uncompressed.
 */
class WsConnection implements Subscriber, Bannable {
  alive = true;
  closed = false;
  private membership: Membership | null = null;
  private readonly socket: Socket;
  private tokens = FRAME_BURST;
  private refill = Date.now();
  private refused = 0;
  /** Set when the user is banned: the socket closes (4003) after its next frame, the ban entry's batch. */
  private banned = false;
  private keys: string[] | undefined;
  /** The events it follows, on a multi-event connection (`/v1/ws`); null on a single-event one. */
  readonly multi: Subscriptions | null;
  /** Hub frames go out compressed (the smallest size to compress), or -1: never. */
  private readonly deflateFrom: number;

  constructor(
    readonly ws: WebSocket,
    private readonly s: TransportServices,
    /** The event of a single-event connection ('' on a multi-event one). */
    private readonly eventId: string,
    private readonly principal: Principal | null,
    /** The client's address, for the security log. */
    private readonly address: string,
    private readonly banWatch: BanWatch,
    /** The view it follows: every comment (`ws`), Top chat (`ws-top`), a sampled tier. */
    readonly format: WireFormat = wsFormat,
    multi?: { req: IncomingMessage; ip: string },
  ) {
    // ws keeps its socket private; writing to it directly is safe here because ws's sender
    // never queues: it compresses nothing (`send` passes compress: false), so frames cannot
    // interleave.
    this.socket = (ws as unknown as { _socket: Socket })._socket;
    this.multi = multi ? new Subscriptions(s, this.host(multi.req, multi.ip)) : null;
    this.deflateFrom = sharedDeflate(ws) ? s.config.wsDeflateMinBytes : -1;
  }

  /** The viewer keys of its user (for a filtered view's per-viewer extras). */
  get viewer(): readonly string[] | undefined {
    if (!this.principal) return undefined;
    this.keys ??= viewerKeys(this.principal.id, this.principal.name);
    return this.keys;
  }

  /** What its subscriptions share: this socket, in the multi-event format of its view. */
  private host(req: IncomingMessage, ip: string): SubscriptionHost {
    return {
      req,
      principal: this.principal,
      churnKey: this.principal ? `u:${this.principal.id}` : `a:${ip}`,
      format: this.format,
      write: (frame) => this.write(frame),
      buffered: () => this.buffered(),
      drained: () => this.drained(),
      notice: (frame) => this.send(frame),
      shutdown: () => this.close('shutdown'),
    };
  }

  write(frame: Buffer): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.socket.write(this.deflateFrom < 0 ? textFrame(frame) : deflatedFrame(frame, this.deflateFrom));
    if (this.banned) this.ws.close(CloseCode.BANNED, 'banned');
    return true;
  }

  /** The user was banned from the event: close with 4003 after the frame carrying the ban. */
  ban(): void {
    if (this.banned) return;
    this.banned = true;
    setTimeout(closeBanned, BAN_CLOSE_MS, this.ws).unref();
  }

  buffered(): number {
    return this.socket.writableLength;
  }

  drained(): Promise<void> {
    return socketDrained(this.socket);
  }

  close(reason: CloseReason): void {
    this.ws.close(CLOSE_FOR[reason], reason);
    if (reason === 'slow') setTimeout(terminate, 1000, this.ws).unref();
  }

  seated(membership: Membership): void {
    if (this.closed) membership.leave();
    else this.membership = membership;
  }

  ended(): void {
    this.closed = true;
    this.membership?.leave();
    this.membership = null;
    this.multi?.endAll();
    if (this.principal && !this.multi) this.banWatch.remove(this.eventId, this.principal.id, this);
  }

  /**
   * A client frame: rate limited (except for trusted publishers), then a comment, a reaction or a
   * ping; on a multi-event connection also subscribe and unsubscribe (limited on their own).
   */
  received(data: RawData, isBinary: boolean): void {
    const frame = parseFrame(data, isBinary, this.multi !== null);
    // Subscribes have limits of their own (per connection and per user); unsubscribes are frames
    // like the others.
    if (this.multi && !(frame instanceof AppError) && frame.type === 'subscribe') {
      void this.subscription(frame);
      return;
    }
    if (this.principal?.role !== 'service') {
      const now = Date.now();
      this.tokens = Math.min(FRAME_BURST, this.tokens + ((now - this.refill) / 1000) * FRAMES_PER_SECOND);
      this.refill = now;
      if (this.tokens < 1) {
        if (++this.refused > MAX_REFUSED) this.flood();
        else {
          this.refusal(errors.rateLimited(1000, 'too many frames; slow down'));
          this.send({ type: 'error', error: errors.rateLimited(1000).toBody().error });
        }
        return;
      }
      this.tokens--;
    }
    if (frame instanceof AppError) this.send({ type: 'error', error: frame.toBody().error });
    else if (frame.type === 'unsubscribe') void this.subscription(frame);
    else if (frame.type === 'ping') this.send({ type: 'pong' });
    else if (frame.type === 'reaction') void this.react(frame);
    else if (frame.type === 'comment') void this.postComment(frame);
  }

  /** Subscribe or unsubscribe (multi-event): refusals are error frames naming the event. */
  private async subscription(frame: MultiFrame): Promise<void> {
    try {
      if (frame.type === 'subscribe') await this.multi!.subscribe(frame.eventId, frame.after, frame.epoch);
      else this.multi!.unsubscribe(frame.eventId);
    } catch (error) {
      if (++this.refused > MAX_REFUSED) return this.flood();
      const failure = error instanceof AppError ? error : errors.unavailable();
      const eventId = typeof frame.eventId === 'string' ? frame.eventId.slice(0, 64) : undefined;
      this.refusal(failure, eventId);
      this.send({ type: 'error', ...(eventId === undefined ? {} : { eventId }), error: failure.toBody().error });
    }
  }

  /**
   * The event a comment or reaction is for: the connection's, or on a multi-event connection the
   * frame's `eventId`, which it must follow (it was admitted for that event).
   */
  private target(frame: { eventId?: unknown }): string {
    if (!this.multi) return this.eventId;
    if (typeof frame.eventId !== 'string' || !this.multi.has(frame.eventId)) {
      throw errors.invalid('eventId must be an event this connection is subscribed to');
    }
    return frame.eventId;
  }

  /** A refused frame on the security log, when its refusal is a security event (a rate limit, a ban). */
  private refusal(error: AppError, eventId = this.eventId || undefined): void {
    logRefusal(this.s.security, error, {
      address: this.address,
      ...(this.principal ? { userId: this.principal.id } : {}),
      ...(eventId ? { eventId } : {}),
      transport: 'ws',
      tokenGiven: this.principal !== null,
    });
  }

  /** Closed (1008) for sending refused frames again and again. */
  private flood(): void {
    this.s.security.refused(
      'flood',
      { address: this.address, ...(this.principal ? { userId: this.principal.id } : {}), transport: 'ws' },
      'WebSocket closed: too many refused frames',
    );
    this.ws.close(CloseCode.POLICY, 'flood');
  }

  /** A socket error: a frame over the size bound (ws closes with 1009) goes on the security log. */
  failed(error: Error & { code?: string }): void {
    if (error.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return;
    this.s.security.refused(
      'too_large',
      {
        address: this.address,
        ...(this.principal ? { userId: this.principal.id } : {}),
        transport: 'ws',
        max: MAX_FRAME_BYTES,
      },
      'WebSocket frame over the size bound',
    );
  }

  send(frame: unknown): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // The acks of one group commit are sent in the same turn: corked until the next tick, they
    // leave in one write instead of one system call each.
    if (this.socket.writableCorked === 0) {
      this.socket.cork();
      process.nextTick(uncork, this.socket);
    }
    // Uncompressed: answers are small, and a compressing sender would queue (see the constructor).
    this.ws.send(JSON.stringify(frame), { compress: false });
  }

  /** A reaction: counted in this window, or refused with an error frame (no answer when accepted). */
  private async react(frame: Extract<ClientFrame, { type: 'reaction' }>): Promise<void> {
    try {
      this.s.guard.assertOpen();
      if (!this.principal) throw errors.unauthenticated('reacting needs a token: connect with ?token=');
      if (this.principal.expiresAt !== undefined && Date.now() >= this.principal.expiresAt) {
        throw errors.unauthenticated('the token has expired: reconnect with a new one');
      }
      if (typeof frame.emoji !== 'string' || frame.emoji.length > 16)
        throw errors.invalid('emoji must be a short string');
      await this.s.interactions.react(this.principal, this.target(frame), frame.emoji);
    } catch (error) {
      const failure = error instanceof AppError ? error : errors.unavailable();
      this.refusal(failure);
      this.send({ type: 'error', error: failure.toBody().error });
    }
  }

  private async postComment(frame: Extract<ClientFrame, { type: 'comment' }>): Promise<void> {
    const clientId = typeof frame.clientId === 'string' ? frame.clientId : undefined;
    try {
      this.s.guard.assertOpen();
      if (!this.principal) throw errors.unauthenticated('posting needs a token: connect with ?token=');
      // The token was checked at the upgrade; a connection outliving it reads on but posts no more.
      if (this.principal.expiresAt !== undefined && Date.now() >= this.principal.expiresAt) {
        throw errors.unauthenticated('the token has expired: reconnect with a new one');
      }
      const eventId = this.target(frame);
      const result = await this.s.ingest.post(this.principal, eventId, frame);
      this.send({
        type: 'ack',
        ...(this.multi ? { eventId } : {}),
        clientId,
        status: result.status,
        comment: result.comment,
      });
    } catch (error) {
      const failure = error instanceof AppError ? error : errors.unavailable();
      const eventId = this.multi && typeof frame.eventId === 'string' ? frame.eventId.slice(0, 64) : undefined;
      this.refusal(failure, eventId);
      this.send({
        type: 'error',
        ...(eventId === undefined ? {} : { eventId }),
        ...(clientId === undefined ? {} : { clientId }),
        error: failure.toBody().error,
      });
    }
  }
}

// Shared listeners: `this` is the socket (EventEmitter calls listeners with the emitter).
function onPong(this: Peer): void {
  const conn = this[CONNECTION];
  if (conn) conn.alive = true;
}

function onError(this: Peer, error: Error): void {
  this[CONNECTION]?.failed(error);
  this.terminate();
}

function onClose(this: Peer): void {
  this[CONNECTION]?.ended();
}

function onMessage(this: Peer, data: RawData, isBinary: boolean): void {
  releaseInflater(this);
  this[CONNECTION]?.received(data, isBinary);
}

/** ws's permessage-deflate state of a connection (ws keeps it private), or undefined. */
interface DeflateState {
  params: Record<string, unknown>;
  _inflate: { close(): void } | null;
}

function deflateOf(ws: WebSocket): DeflateState | undefined {
  return (ws as unknown as { _extensions: Record<string, DeflateState | undefined> })._extensions['permessage-deflate'];
}

/**
 * Whether the connection negotiated permessage-deflate on the server's terms: no context kept
 * between messages (always agreed, see attachWebSocket) and the full window. A client that asked
 * for a smaller server window gets uncompressed frames: the shared bytes use the full one.
 */
function sharedDeflate(ws: WebSocket): boolean {
  const deflate = deflateOf(ws);
  if (!deflate) return false;
  const bits = deflate.params.server_max_window_bits;
  return bits === undefined || bits === true || bits === SERVER_WINDOW_BITS;
}

/**
 * Lets go of the inflater a compressed client frame made. ws keeps it for the connection's life
 * (about 40 KB with its window), though no context is kept between messages: a browser that pings
 * every 20 s would hold one per viewer. A message is whole when ws emits it, so the inflater is
 * idle here; the next compressed frame makes a new one (client frames are rate limited).
 */
function releaseInflater(ws: WebSocket): void {
  const deflate = deflateOf(ws);
  if (!deflate?._inflate) return;
  deflate._inflate.close();
  deflate._inflate = null;
}

function uncork(socket: Socket): void {
  socket.uncork();
}

function terminate(ws: WebSocket): void {
  ws.terminate();
}

function closeBanned(ws: WebSocket): void {
  if (ws.readyState === WebSocket.OPEN) ws.close(CloseCode.BANNED, 'banned');
}

/** Closes a socket refused after its upgrade: the close frame, then the end of the connection. */
function closeTooMany(ws: WebSocket): void {
  // A bad frame from the client would be an 'error' event, fatal without a listener.
  ws.on('error', onError);
  ws.close(CloseCode.TOO_MANY, 'too many connections');
  // Not held open for the client's close frame: a refused socket costs no more than a 429.
  (ws as unknown as { _socket: Socket })._socket.end();
}

/**
 * permessage-deflate as the server agrees to it (RFC 7692): no context kept on either side, so
 * one compression of a batch serves every socket and an idle connection holds no zlib state for
 * its messages. ws negotiates it and inflates client frames (bounded by maxPayload: a frame that
 * inflates past MAX_FRAME_BYTES closes the connection with 1009); hub frames are compressed in
 * ws-frame.ts, never by ws (`threshold` past any frame).
 */
const DEFLATE_TERMS = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  threshold: Number.MAX_SAFE_INTEGER,
  zlibInflateOptions: { chunkSize: INFLATE_CHUNK },
} as const;

/** What `attachWebSocket` gives the node: the endpoint, closed at shutdown (1012). */
export interface WebSocketEndpoint {
  close(): void;
}

/** Serves `GET /v1/events/:eventId/ws` and `GET /v1/ws` (many events) on the node's HTTP server. */
export function attachWebSocket(server: Server, s: TransportServices): WebSocketEndpoint {
  s.hub.registerFormat(wsFormat);
  s.hub.registerFormat(wsTopFormat);
  s.hub.registerFormat(formatFor('ws', { top: false, tier: -1 }, true));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: s.config.wsDeflate ? DEFLATE_TERMS : false,
  });

  server.on('upgrade', function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    void upgrade(req, socket, head);
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // The path only: the query string may hold a token, which must not reach a log line.
    const path = (req.url ?? '/').split('?')[0]!;
    const match = PATH.exec(path);
    const ip = s.clientIp(req);
    try {
      if (!match && path !== MULTI_PATH) throw errors.notFound(`GET ${path}`);
      const problem = handshakeProblem(req);
      if (problem) {
        s.security.refused(
          'bad_handshake',
          { address: ip, transport: 'ws', route: path, reason: problem },
          'refused a WebSocket handshake',
        );
        throw errors.invalid(problem);
      }
      if (!match) return await upgradeMulti(req, socket, head);
      const admission = await admit(s, req, {
        transport: 'ws',
        eventId: match[1]!,
        after: queryOf(req).get('after'),
        admitOverCap: true,
      });
      if (socket.destroyed) return admission.release();
      // Completed, then closed 4029: a browser cannot read a refused handshake's status.
      if (!admission.slot) return wss.handleUpgrade(req, socket, head, closeTooMany);
      // The slot belongs to the socket and comes back when it closes, whatever the path: ws
      // refuses some handshakes (a bad subprotocol) by answering 400 without calling back.
      socket.once('close', admission.release);
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, admission));
    } catch (error) {
      logRefusal(s.security, error, {
        address: ip,
        transport: 'ws',
        route: match ? '/v1/events/:eventId/ws' : path,
        ...(match ? { eventId: match[1]!.slice(0, 64) } : {}),
        tokenGiven: hasToken(req),
      });
      writeRawError(socket, error instanceof AppError ? error : errors.unavailable());
    }
  }

  /** `GET /v1/ws`: admitted without an event; each `subscribe` admits one. */
  async function upgradeMulti(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const admission = await admitConnection(s, req, 'ws', true);
    if (socket.destroyed) return admission.release();
    if (!admission.slot) return wss.handleUpgrade(req, socket, head, closeTooMany);
    socket.once('close', admission.release);
    wss.handleUpgrade(req, socket, head, (ws) => onMultiConnection(ws, req, admission));
  }

  function onMultiConnection(ws: WebSocket, req: IncomingMessage, admission: ConnectionAdmission): void {
    const format = formatFor('ws', admission.view, true);
    s.hub.registerFormat(format);
    const conn = new WsConnection(ws, s, '', admission.principal, admission.ip, s.banWatch, format, {
      req,
      ip: admission.ip,
    });
    listen(ws, conn);
  }

  function listen(ws: WebSocket, conn: WsConnection): void {
    (ws as Peer)[CONNECTION] = conn;
    ws.on('pong', onPong);
    ws.on('error', onError);
    ws.on('close', onClose);
    ws.on('message', onMessage);
  }

  function onConnection(ws: WebSocket, admission: Admission): void {
    const { eventId, principal } = admission;
    const format = formatFor('ws', admission.view);
    s.hub.registerFormat(format);
    const conn = new WsConnection(ws, s, eventId, principal, admission.ip, s.banWatch, format);
    if (principal) s.banWatch.add(eventId, principal.id, conn);
    listen(ws, conn);
    s.hub.join(eventId, conn, admission.after, admission.epoch).then(
      (membership) => conn.seated(membership),
      () => ws.close(1011, 'unavailable'),
    );
  }

  const pinger = setInterval(function pingAll() {
    for (const ws of wss.clients) {
      const conn = (ws as Peer)[CONNECTION];
      if (!conn) continue;
      if (!conn.alive) {
        ws.terminate();
        continue;
      }
      conn.alive = false;
      ws.ping();
    }
  }, s.config.wsPingMs);
  pinger.unref();

  return {
    close() {
      clearInterval(pinger);
      for (const ws of wss.clients) ws.close(CloseCode.RESTART, 'server restart');
      wss.close();
    },
  };
}

/** Subscribe and unsubscribe frames of a multi-event connection, as sent (checked when handled). */
type MultiFrame =
  | { type: 'subscribe'; eventId?: unknown; after?: unknown; epoch?: unknown }
  | { type: 'unsubscribe'; eventId?: unknown };

/** Parses a client frame; a bad one becomes an error for the client, never a crash. */
function parseFrame(data: RawData, isBinary: boolean, multi: boolean): ClientFrame | MultiFrame | AppError {
  if (isBinary) return errors.invalid('frames must be JSON text');
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    return errors.invalid('the frame is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return errors.invalid('the frame must be a JSON object');
  }
  const frame = value as { type?: unknown };
  if (frame.type === 'ping') return { type: 'ping' };
  if (frame.type === 'comment' || frame.type === 'reaction') return value as ClientFrame;
  if (multi && (frame.type === 'subscribe' || frame.type === 'unsubscribe')) return value as MultiFrame;
  return errors.invalid('unknown frame type');
}
