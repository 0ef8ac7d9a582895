// WebSocket: a thin adapter from a `ws` socket onto a hub Subscriber, plus comment posting.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ClientFrame, CloseCode } from '@livecomments/protocol';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Principal } from '../auth/auth.js';
import { optionalPrincipal, queryOf } from '../http/principal.js';
import type { CloseReason, Subscriber } from '../hub/subscriber.js';
import type { Services } from '../node.js';
import { AppError, errors } from '../util/errors.js';
import { resumePoint } from './resume.js';

/** Largest client frame (docs: max WebSocket message size). */
export const MAX_FRAME_BYTES = 4 * 1024;
const PATH = /^\/v1\/events\/([A-Za-z0-9_.:-]{1,64})\/ws$/;
/** Client frames per second a connection may send (with a burst); beyond, frames are refused. */
const FRAMES_PER_SECOND = 20;
const FRAME_BURST = 40;
/** Refused frames after which the connection is closed as abusive. */
const MAX_REFUSED = 200;

const CLOSE_FOR: Record<CloseReason, number> = {
  slow: CloseCode.SLOW,
  shutdown: CloseCode.RESTART,
  gone: 1011,
};

interface Alive {
  alive: boolean;
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
    (ws as WebSocket & Alive).alive = true;
    let leave = () => {};
    let closed = false;
    let tokens = FRAME_BURST;
    let refill = Date.now();
    let refused = 0;

    const sub: Subscriber = {
      format: 'ws',
      write(frame) {
        if (ws.readyState !== WebSocket.OPEN) return false;
        ws.send(frame, { binary: false });
        return true;
      },
      buffered: () => ws.bufferedAmount,
      close(reason) {
        ws.close(CLOSE_FOR[reason], reason);
        if (reason === 'slow') setTimeout(() => ws.terminate(), 1000).unref();
      },
    };

    const send = (frame: unknown) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
    };

    ws.on('pong', function onPong() {
      (ws as WebSocket & Alive).alive = true;
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', function onClose() {
      closed = true;
      leave();
      s.connections.release(ip);
    });
    ws.on('message', function onMessage(data: RawData, isBinary: boolean) {
      const now = Date.now();
      tokens = Math.min(FRAME_BURST, tokens + ((now - refill) / 1000) * FRAMES_PER_SECOND);
      refill = now;
      if (tokens < 1) {
        if (++refused > MAX_REFUSED) return ws.close(CloseCode.POLICY, 'flood');
        return send({ type: 'error', error: errors.rateLimited(1000).toBody().error });
      }
      tokens--;
      const frame = parseFrame(data, isBinary);
      if (frame instanceof AppError) return send({ type: 'error', error: frame.toBody().error });
      if (frame.type === 'ping') return send({ type: 'pong' });
      void postComment(frame);
    });

    async function postComment(frame: Extract<ClientFrame, { type: 'comment' }>): Promise<void> {
      const clientId = typeof frame.clientId === 'string' ? frame.clientId : undefined;
      try {
        s.guard.assertOpen();
        if (!principal) throw errors.unauthenticated('posting needs a token: connect with ?token=');
        const result = await s.ingest.post(principal, eventId, frame);
        send({ type: 'ack', clientId, status: result.status, comment: result.comment });
      } catch (error) {
        const failure = error instanceof AppError ? error : errors.unavailable();
        send({ type: 'error', ...(clientId === undefined ? {} : { clientId }), error: failure.toBody().error });
      }
    }

    s.hub.join(eventId, sub, after).then(
      (membership) => {
        if (closed) membership.leave();
        else leave = membership.leave;
      },
      () => ws.close(1011, 'unavailable'),
    );
  }

  const pinger = setInterval(function pingAll() {
    for (const ws of wss.clients) {
      const peer = ws as WebSocket & Alive;
      if (!peer.alive) {
        ws.terminate();
        continue;
      }
      peer.alive = false;
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
