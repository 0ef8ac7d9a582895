// Long polling: a thin adapter from one HTTP request onto a hub Subscriber that takes one frame.
import { createHash } from 'node:crypto';
import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { optionalPrincipal, queryOf } from '../http/principal.js';
import { EventParams } from '../http/schemas.js';
import type { Subscriber } from '../hub/subscriber.js';
import type { Services } from '../node.js';
import { resumePoint } from './resume.js';

/** Longest hold of a poll (docs/API.md). */
export const MAX_POLL_MS = 25_000;
/**
 * Anonymous long-pollers one address can add to the viewer count. Behind a NAT a few people share
 * an address, so it is more than one; but a client varying its User-Agent adds no more than this.
 */
export const ANONYMOUS_POLLERS_PER_ADDRESS = 4;

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
      const ip = s.clientIp(request.raw);
      s.connections.take(ip, 'poll');
      s.hub.notePoller(eventId, pollerKey(principal?.id, ip, request.headers['user-agent']), timeoutMs + 10_000);

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

/**
 * Who a poll counts as in the viewer count: a signed-in user by id; an anonymous one by address
 * and one of a few buckets of its User-Agent, so one address adds at most
 * ANONYMOUS_POLLERS_PER_ADDRESS viewers however many User-Agents it sends.
 */
export function pollerKey(userId: string | undefined, ip: string, userAgent: string | undefined): string {
  if (userId !== undefined) return `u ${userId}`;
  const bucket = createHash('sha1')
    .update(userAgent ?? '')
    .digest()
    .readUInt8(0);
  return `a ${ip} ${bucket % ANONYMOUS_POLLERS_PER_ADDRESS}`;
}
