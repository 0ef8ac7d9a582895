// WebSocket: a thin adapter from a `ws` socket onto a hub Subscriber, plus comment posting.
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type ClientFrame, CloseCode } from '@livecomments/protocol';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Principal } from '../auth/auth.js';
import { queryOf } from '../auth/request.js';
import { writeRawError } from '../http/errors.js';
import type { WireFormat } from '../hub/frames.js';
import type { Membership } from '../hub/hub.js';
import { type CloseReason, type Subscriber, socketDrained } from '../hub/subscriber.js';
import type { LogFollower } from '../log/followers.js';
import { AppError, errors } from '../util/errors.js';
import { type Admission, admit } from './admission.js';
import { wsFormat, wsTopFormat } from './encoders.js';
import type { TransportServices } from './services.js';
import { textFrame } from './ws-frame.js';
import { handshakeProblem } from './ws-handshake.js';

/** Largest client frame (docs: max WebSocket message size). */
export const MAX_FRAME_BYTES = 4 * 1024;
const PATH = /^\/v1\/events\/([A-Za-z0-9_.:-]{1,64})\/ws$/;
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
 * pre-framed straight to the socket (see ws-frame.ts); everything else goes through ws.
 */
class WsConnection implements Subscriber {
  alive = true;
  closed = false;
  private membership: Membership | null = null;
  private readonly socket: Socket;
  private tokens = FRAME_BURST;
  private refill = Date.now();
  private refused = 0;
  /** Set when the user is banned: the socket closes (4003) after its next frame, the ban entry's batch. */
  private banned = false;

  constructor(
    readonly ws: WebSocket,
    private readonly s: TransportServices,
    private readonly eventId: string,
    private readonly principal: Principal | null,
    private readonly open: Map<string, Set<WsConnection>>,
    /** The view it follows: every comment (`ws`) or Top chat (`ws-top`). */
    readonly format: WireFormat = wsFormat,
  ) {
    // ws keeps its socket private; writing to it directly is safe here because the sender
    // never queues (no permessage-deflate), so frames cannot interleave.
    this.socket = (ws as unknown as { _socket: Socket })._socket;
  }

  write(frame: Buffer): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.socket.write(textFrame(frame));
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
    const key = this.principal && userKey(this.eventId, this.principal.id);
    const same = key ? this.open.get(key) : undefined;
    if (same?.delete(this) && same.size === 0) this.open.delete(key!);
  }

  /** A client frame: rate limited (except for trusted publishers), then a comment or a ping. */
  received(data: RawData, isBinary: boolean): void {
    if (this.principal?.role !== 'service') {
      const now = Date.now();
      this.tokens = Math.min(FRAME_BURST, this.tokens + ((now - this.refill) / 1000) * FRAMES_PER_SECOND);
      this.refill = now;
      if (this.tokens < 1) {
        if (++this.refused > MAX_REFUSED) this.ws.close(CloseCode.POLICY, 'flood');
        else this.send({ type: 'error', error: errors.rateLimited(1000).toBody().error });
        return;
      }
      this.tokens--;
    }
    const frame = parseFrame(data, isBinary);
    if (frame instanceof AppError) this.send({ type: 'error', error: frame.toBody().error });
    else if (frame.type === 'ping') this.send({ type: 'pong' });
    else if (frame.type === 'reaction') void this.react(frame);
    else void this.postComment(frame);
  }

  private send(frame: unknown): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // The acks of one group commit are sent in the same turn: corked until the next tick, they
    // leave in one write instead of one system call each.
    if (this.socket.writableCorked === 0) {
      this.socket.cork();
      process.nextTick(uncork, this.socket);
    }
    this.ws.send(JSON.stringify(frame));
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
      await this.s.interactions.react(this.principal, this.eventId, frame.emoji);
    } catch (error) {
      const failure = error instanceof AppError ? error : errors.unavailable();
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
      const result = await this.s.ingest.post(this.principal, this.eventId, frame);
      this.send({ type: 'ack', clientId, status: result.status, comment: result.comment });
    } catch (error) {
      const failure = error instanceof AppError ? error : errors.unavailable();
      this.send({ type: 'error', ...(clientId === undefined ? {} : { clientId }), error: failure.toBody().error });
    }
  }
}

// Shared listeners: `this` is the socket (EventEmitter calls listeners with the emitter).
function onPong(this: Peer): void {
  const conn = this[CONNECTION];
  if (conn) conn.alive = true;
}

function onError(this: Peer): void {
  this.terminate();
}

function onClose(this: Peer): void {
  this[CONNECTION]?.ended();
}

function onMessage(this: Peer, data: RawData, isBinary: boolean): void {
  this[CONNECTION]?.received(data, isBinary);
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

/** Connections of a signed-in user on an event, keyed for ban look-ups. */
function userKey(eventId: string, userId: string): string {
  return `${eventId}\n${userId}`;
}

/** What `attachWebSocket` gives the node: a log follower, as a ban closes the banned user's sockets (4003). */
export interface WebSocketEndpoint extends LogFollower {
  close(): void;
}

/** Serves `GET /v1/events/:eventId/ws` on the node's HTTP server. */
export function attachWebSocket(server: Server, s: TransportServices): WebSocketEndpoint {
  s.hub.registerFormat(wsFormat);
  s.hub.registerFormat(wsTopFormat);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  /** Open connections of signed-in users, by event and user. */
  const open = new Map<string, Set<WsConnection>>();

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
      if (!match) throw errors.notFound(`GET ${path}`);
      const problem = handshakeProblem(req);
      if (problem) {
        s.warnings.warn('bad_handshake', ip, 'refused a WebSocket handshake', { path, problem });
        throw errors.invalid(problem);
      }
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
      writeRawError(socket, error instanceof AppError ? error : errors.unavailable());
    }
  }

  function onConnection(ws: WebSocket, admission: Admission): void {
    const { eventId, principal } = admission;
    const conn = new WsConnection(ws, s, eventId, principal, open, admission.top ? wsTopFormat : wsFormat);
    (ws as Peer)[CONNECTION] = conn;
    if (principal) {
      const key = userKey(eventId, principal.id);
      const same = open.get(key);
      if (same) same.add(conn);
      else open.set(key, new Set([conn]));
    }
    ws.on('pong', onPong);
    ws.on('error', onError);
    ws.on('close', onClose);
    ws.on('message', onMessage);
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
    name: 'ws-bans',
    entries(eventId, entries) {
      for (const entry of entries) {
        if (entry.type !== 'ban' || (entry.until !== null && entry.until <= Date.now())) continue;
        for (const conn of open.get(userKey(eventId, entry.userId)) ?? []) conn.ban();
      }
    },
    close() {
      clearInterval(pinger);
      for (const ws of wss.clients) ws.close(CloseCode.RESTART, 'server restart');
      wss.close();
    },
  };
}

/** Parses a client frame; a bad one becomes an error for the client, never a crash. */
function parseFrame(data: RawData, isBinary: boolean): ClientFrame | AppError {
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
  return errors.invalid('unknown frame type');
}
