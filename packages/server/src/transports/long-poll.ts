// Long polling: a thin adapter from one HTTP request onto a hub Subscriber that takes one frame.
import { createHash } from 'node:crypto';
import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { optionalPrincipal, queryOf } from '../http/principal.js';
import { EventParams } from '../http/schemas.js';
import type { Subscriber } from '../hub/subscriber.js';
import type { Services } from '../node.js';
import { errors } from '../util/errors.js';
import { resumePoint } from './resume.js';

/** Longest hold of a poll (docs/API.md). */
export const MAX_POLL_MS = 25_000;

const PollQuery = T.Object({
  after: T.Optional(T.String({ pattern: '^[0-9]{1,15}$' })),
  timeoutMs: T.Optional(T.String({ pattern: '^[0-9]{1,9}$' })),
  token: T.Optional(T.String()),
});

/** `GET /v1/events/:eventId/poll?after=SEQ&timeoutMs=25000`. */
export function longPollRoutes(app: FastifyInstance, s: Services): void {
  app.get(
    '/v1/events/:eventId/poll',
    { schema: { params: EventParams, querystring: PollQuery } },
    async function poll(request, reply) {
      s.guard.assertOpen();
      const principal = await optionalPrincipal(s.auth, request.raw, queryOf(request.raw));
      const { eventId } = request.params as { eventId: string };
      const query = request.query as { after?: string; timeoutMs?: string };
      const event = await s.events.get(eventId);
      const after = resumePoint(query.after);
      const timeoutMs = Math.min(query.timeoutMs === undefined ? MAX_POLL_MS : Number(query.timeoutMs), MAX_POLL_MS);
      const ip = request.ip;
      if (!s.connections.acquire(ip)) throw errors.rateLimited(5_000);
      const who = principal?.id ?? `${ip} ${request.headers['user-agent'] ?? ''}`;
      s.hub.notePoller(eventId, createHash('sha1').update(who).digest('base64'), timeoutMs + 10_000);

      const answer = await new Promise<Buffer | null>((resolve) => {
        let done = false;
        let leave = () => {};
        const finish = (frame: Buffer | null) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          leave();
          resolve(frame);
        };
        const sub: Subscriber = {
          format: 'poll',
          write(frame) {
            finish(frame);
            return false;
          },
          buffered: () => 0,
          close: () => finish(null),
        };
        const timer = setTimeout(() => finish(null), timeoutMs);
        reply.raw.on('close', () => finish(null));
        s.hub.join(eventId, sub, after).then(
          (membership) => {
            if (done) membership.leave();
            else leave = membership.leave;
          },
          () => finish(null),
        );
      });
      s.connections.release(ip);
      if (answer) return reply.type('application/json; charset=utf-8').send(answer);
      const lastSeq = s.hub.lastSeq(eventId) ?? event.lastSeq;
      return reply.send({ items: [], lastSeq: Math.max(lastSeq, 0) });
    },
  );
}
