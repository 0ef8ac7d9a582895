// WebSocket: a thin adapter from a `ws` socket onto a hub Subscriber, plus comment posting.
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type ClientFrame, CloseCode } from '@livecomments/protocol';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Principal } from '../auth/auth.js';
import { optionalPrincipal, queryOf } from '../http/principal.js';
import type { Membership } from '../hub/hub.js';
import { type CloseReason, type Subscriber, socketDrained } from '../hub/subscriber.js';
import type { Services } from '../node.js';
import { AppError, errors } from '../util/errors.js';
import { resumePoint } from './resume.js';
import { textFrame } from './ws-frame.js';

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
  readonly format = 'ws' as const;
  alive = true;
  closed = false;
  private membership: Membership | null = null;
  private readonly socket: Socket;
  private tokens = FRAME_BURST;
  private refill = Date.now();
  private refused = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly s: Services,
    private readonly eventId: string,
    private readonly principal: Principal | null,
    private readonly ip: string,
  ) {
    // ws keeps its socket private; writing to it directly is safe here because the sender
    // never queues (no permessage-deflate), so frames cannot interleave.
    this.socket = (ws as unknown as { _socket: Socket })._socket;
  }

  write(frame: Buffer): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.socket.write(textFrame(frame));
    return true;
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
    this.s.connections.release(this.ip);
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

  private async postComment(frame: Extract<ClientFrame, { type: 'comment' }>): Promise<void> {
    const clientId = typeof frame.clientId === 'string' ? frame.clientId : undefined;
    try {
      this.s.guard.assertOpen();
      if (!this.principal) throw errors.unauthenticated('posting needs a token: connect with ?token=');
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

/** Serves `GET /v1/events/:eventId/ws` on the node's HTTP server; returns a closer. */
export function attachWebSocket(server: Server, s: Services): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });

  server.on('upgrade', function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    void upgrade(req, socket, head);
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const match = PATH.exec(path);
    try {
      if (!match) throw errors.notFound(`GET ${path}`);
      s.guard.assertOpen();
      const query = queryOf(req);
      const principal = await optionalPrincipal(s.auth, req, query);
      const eventId = match[1]!;
      await s.events.get(eventId);
      const after = resumePoint(query.get('after'));
      const ip = s.clientIp(req);
      if (!s.connections.acquire(ip)) throw errors.rateLimited(5_000);
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, eventId, principal, after, ip));
    } catch (error) {
      refuse(socket, error instanceof AppError ? error : errors.unavailable());
    }
  }

  function onConnection(
    ws: WebSocket,
    eventId: string,
    principal: Principal | null,
    after: number | undefined,
    ip: string,
  ): void {
    const conn = new WsConnection(ws, s, eventId, principal, ip);
    (ws as Peer)[CONNECTION] = conn;
    ws.on('pong', onPong);
    ws.on('error', onError);
    ws.on('close', onClose);
    ws.on('message', onMessage);
    s.hub.join(eventId, conn, after).then(
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
  if (frame.type === 'comment') return value as ClientFrame;
  return errors.invalid('unknown frame type');
}

/** Answers a refused upgrade with a plain HTTP error carrying the JSON body. */
function refuse(socket: Duplex, error: AppError): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(error.toBody());
  const retry = error.details.retryAfterMs;
  socket.end(
    `HTTP/1.1 ${error.status} ${statusText(error.status)}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      (typeof retry === 'number' ? `Retry-After: ${Math.ceil(retry / 1000)}\r\n` : '') +
      'Connection: close\r\n\r\n' +
      body,
  );
}

function statusText(status: number): string {
  return (
    { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' }[status] ??
    'Service Unavailable'
  );
}
