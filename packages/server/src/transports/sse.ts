// Server-Sent Events: a thin adapter from an HTTP connection onto a hub Subscriber.
//
// Once the request is checked, the connection is taken over: the answer's head is written on the
// socket by hand, without chunked encoding (the body ends when the connection does, RFC 9112
// section 6.3), so a hub frame goes out as the very bytes every other viewer gets, in one write.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { corsHead } from '../http/cors.js';
import type { WireFormat } from '../hub/frames.js';
import type { Membership } from '../hub/hub.js';
import { type CloseReason, type Subscriber, socketDrained } from '../hub/subscriber.js';
import { admit } from './admission.js';
import { sseFormat, sseTopFormat } from './encoders.js';
import { EventParams, StreamQuery } from './schemas.js';
import type { TransportServices } from './services.js';

/** The reconnect delay suggested to EventSource clients. */
const RETRY_MS = 2000;
const HEARTBEAT = Buffer.from(':\n\n');
const HEAD_START =
  'HTTP/1.1 200 OK\r\n' +
  'Content-Type: text/event-stream; charset=utf-8\r\n' +
  'Cache-Control: no-cache, no-transform\r\n' +
  'X-Accel-Buffering: no\r\n' +
  'Connection: close\r\n';
const HEAD_END = `\r\nretry: ${RETRY_MS}\n\n`;

/** One SSE viewer; the socket is its only resource (no timers or closures of its own). */
class SseConnection implements Subscriber {
  ended = false;
  private membership: Membership | null = null;

  constructor(
    private readonly socket: Socket,
    /** Gives the connection slot back (admission's release). */
    private readonly release: () => void,
    private readonly open: Set<SseConnection>,
    /** The view it follows: every comment (`sse`) or Top chat (`sse-top`). */
    readonly format: WireFormat = sseFormat,
  ) {}

  write(frame: Buffer): boolean {
    if (this.ended) return false;
    this.socket.write(frame);
    return true;
  }

  buffered(): number {
    return this.socket.writableLength;
  }

  drained(): Promise<void> {
    return socketDrained(this.socket);
  }

  close(_reason: CloseReason): void {
    if (!this.ended) this.socket.end();
  }

  seated(membership: Membership): void {
    if (this.ended) membership.leave();
    else this.membership = membership;
  }

  /** The connection is gone (the 'close' listener runs with the socket as `this`). */
  gone(): void {
    if (this.ended) return;
    this.ended = true;
    this.open.delete(this);
    this.membership?.leave();
    this.membership = null;
    this.release();
  }
}

const CONNECTION = Symbol('livecomments.sse');
type SseSocket = Socket & { [CONNECTION]?: SseConnection };

function onSocketClose(this: SseSocket): void {
  this[CONNECTION]?.gone();
}

/** `GET /v1/events/:eventId/stream?after=SEQ` (the Last-Event-ID header wins over `after`). */
export function sseRoutes(app: FastifyInstance, s: TransportServices): void {
  s.hub.registerFormat(sseFormat);
  s.hub.registerFormat(sseTopFormat);
  const open = new Set<SseConnection>();
  // One heartbeat for every connection, rather than a timer each.
  const heartbeat = setInterval(function sseHeartbeat() {
    for (const conn of open) conn.write(HEARTBEAT);
  }, s.config.sseHeartbeatMs);
  heartbeat.unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));

  app.get(
    '/v1/events/:eventId/stream',
    { schema: { params: EventParams, querystring: StreamQuery } },
    async function stream(request, reply) {
      const { eventId } = request.params as { eventId: string };
      const lastEventId = request.headers['last-event-id'];
      const admission = await admit(s, request.raw, {
        transport: 'sse',
        eventId,
        after:
          typeof lastEventId === 'string' && lastEventId !== ''
            ? lastEventId
            : (request.query as { after?: string }).after,
      });

      reply.hijack();
      const socket = request.raw.socket as SseSocket;
      const conn = new SseConnection(socket, admission.release, open, admission.top ? sseTopFormat : sseFormat);
      socket[CONNECTION] = conn;
      socket.setTimeout(0);
      socket.on('close', onSocketClose);
      if (socket.destroyed) return conn.gone();
      // The CORS lines the hook chose (http/cors.ts): the Origin was checked, so no CR/LF in it.
      socket.write(HEAD_START + corsHead(reply) + HEAD_END);
      open.add(conn);
      try {
        conn.seated(await s.hub.join(eventId, conn, admission.after, admission.epoch));
      } catch (error) {
        request.log.warn({ err: error }, 'sse join failed');
        socket.end();
      }
    },
  );
}
