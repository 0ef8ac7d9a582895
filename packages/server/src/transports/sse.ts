// Server-Sent Events: a thin adapter from an HTTP connection onto a hub Subscriber.
//
// Once the request is checked, the connection is taken over: the answer's head is written on the
// socket by hand, without chunked encoding (the body ends when the connection does, RFC 9112
// section 6.3), so a hub frame goes out as the very bytes every other viewer gets, in one write.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../auth/auth.js';
import { corsHead } from '../http/cors.js';
import { viewerKeys, type WireFormat } from '../hub/frames.js';
import type { Membership } from '../hub/hub.js';
import { type CloseReason, type Subscriber, socketDrained } from '../hub/subscriber.js';
import { admit, admitConnection, admitEvent } from './admission.js';
import { formatFor, sseFormat, sseTopFormat } from './encoders.js';
import { EventParams, MultiStreamQuery, StreamQuery } from './schemas.js';
import type { TransportServices } from './services.js';
import { parseEvents, Subscriptions } from './subscriptions.js';

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
  private keys: string[] | undefined;
  /** The events it follows, on a multi-event stream (`GET /v1/stream?events=`). */
  multi: Subscriptions | null = null;

  constructor(
    private readonly socket: Socket,
    /** Gives the connection slot back (admission's release). */
    private readonly release: () => void,
    private readonly open: Set<SseConnection>,
    /** The view it follows: every comment (`sse`), Top chat (`sse-top`), a sampled tier. */
    readonly format: WireFormat = sseFormat,
    private readonly principal: Principal | null = null,
  ) {}

  /** The viewer keys of its user (for a filtered view's per-viewer extras). */
  get viewer(): readonly string[] | undefined {
    if (!this.principal) return undefined;
    this.keys ??= viewerKeys(this.principal.id, this.principal.name);
    return this.keys;
  }

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
    this.multi?.endAll();
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
  s.hub.registerFormat(formatFor('sse', { top: false, tier: -1 }, true));
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
      const format = formatFor('sse', admission.view);
      s.hub.registerFormat(format);
      const conn = new SseConnection(socket, admission.release, open, format, admission.principal);
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

  app.get('/v1/stream', { schema: { querystring: MultiStreamQuery } }, async function multiStream(request, reply) {
    const wanted = parseEvents((request.query as { events: string }).events);
    const admission = await admitConnection(s, request.raw, 'sse');
    try {
      // Every event is checked before the stream starts: a refusal changes nothing.
      for (const { eventId } of wanted) await admitEvent(s, request.raw, admission.principal, eventId);
    } catch (error) {
      admission.release();
      throw error;
    }
    reply.hijack();
    const socket = request.raw.socket as SseSocket;
    const format = formatFor('sse', admission.view, true);
    s.hub.registerFormat(format);
    const conn = new SseConnection(socket, admission.release, open, format, admission.principal);
    const churnKey = admission.principal ? `u:${admission.principal.id}` : `a:${admission.ip}`;
    conn.multi = new Subscriptions(s, {
      req: request.raw,
      principal: admission.principal,
      churnKey,
      format,
      write: (frame) => conn.write(frame),
      buffered: () => conn.buffered(),
      drained: () => conn.drained(),
      notice: (frame) => conn.write(Buffer.from(`event: ${String(frame.type)}\ndata: ${JSON.stringify(frame)}\n\n`)),
      shutdown: () => conn.close('shutdown'),
    });
    socket[CONNECTION] = conn;
    socket.setTimeout(0);
    socket.on('close', onSocketClose);
    if (socket.destroyed) return conn.gone();
    socket.write(HEAD_START + corsHead(reply) + HEAD_END);
    open.add(conn);
    for (const { eventId, after, epoch } of wanted) {
      try {
        await conn.multi.subscribe(eventId, after, epoch);
      } catch (error) {
        // Admitted a moment ago: a refusal now (a ban just made, a limit) ends that event only.
        const body = error instanceof Error && 'toBody' in error ? (error as { toBody(): unknown }).toBody() : {};
        conn.write(Buffer.from(`event: error\ndata: ${JSON.stringify({ eventId, ...(body as object) })}\n\n`));
      }
    }
  });
}
