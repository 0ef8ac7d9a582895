// Server-Sent Events: a thin adapter from an HTTP response onto a hub Subscriber.
import type { FastifyInstance } from 'fastify';
import { optionalPrincipal, queryOf } from '../http/principal.js';
import { EventParams, ListCommentsQuery } from '../http/schemas.js';
import type { CloseReason, Subscriber } from '../hub/subscriber.js';
import type { Services } from '../node.js';
import { errors } from '../util/errors.js';
import { resumePoint } from './resume.js';

/** The reconnect delay suggested to EventSource clients. */
const RETRY_MS = 2000;
const HEARTBEAT = Buffer.from(':\n\n');

/** `GET /v1/events/:eventId/stream?after=SEQ` (the Last-Event-ID header wins over `after`). */
export function sseRoutes(app: FastifyInstance, s: Services): void {
  app.get(
    '/v1/events/:eventId/stream',
    { schema: { params: EventParams, querystring: ListCommentsQuery } },
    async function stream(request, reply) {
      s.guard.assertOpen();
      await optionalPrincipal(s.auth, request.raw, queryOf(request.raw));
      const { eventId } = request.params as { eventId: string };
      await s.events.get(eventId);
      const lastEventId = request.headers['last-event-id'];
      const after = resumePoint(
        typeof lastEventId === 'string' && lastEventId !== ''
          ? lastEventId
          : (request.query as { after?: string }).after,
      );
      const ip = request.ip;
      if (!s.connections.acquire(ip)) throw errors.rateLimited(5_000);

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: ${RETRY_MS}\n\n`);
      let ended = false;
      const sub: Subscriber = {
        format: 'sse',
        write(frame) {
          if (ended) return false;
          res.write(frame);
          return true;
        },
        buffered: () => res.writableLength + (res.socket?.writableLength ?? 0),
        close(_reason: CloseReason) {
          if (!ended) res.end();
        },
      };
      const heartbeat = setInterval(function sseHeartbeat() {
        if (!ended) res.write(HEARTBEAT);
      }, s.config.sseHeartbeatMs);
      let leave = () => {};
      res.on('close', function sseClosed() {
        ended = true;
        clearInterval(heartbeat);
        leave();
        s.connections.release(ip);
      });
      try {
        const membership = await s.hub.join(eventId, sub, after);
        if (ended) membership.leave();
        else leave = membership.leave;
      } catch (error) {
        request.log.warn({ err: error }, 'sse join failed');
        res.end();
      }
    },
  );
}
