// Long polling: a thin adapter from one HTTP request onto a hub Subscriber that takes one frame.
//
// A poll waits like the other transports do: while the store is unreachable it is held (and
// seated again every half second) rather than refused, and when nothing comes it answers with the
// position the client already has, never further, so no entry is skipped.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { viewerKeys, type WireFormat } from '../hub/frames.js';
import type { Membership } from '../hub/hub.js';
import type { Subscriber } from '../hub/subscriber.js';
import { errors } from '../util/errors.js';
import { type Admission, admit } from './admission.js';
import { formatFor, pollFormat, pollTopFormat } from './encoders.js';
import { EventParams, Rate, View } from './schemas.js';
import type { TransportServices } from './services.js';

/** Longest hold of a poll (docs/API.md). */
export const MAX_POLL_MS = 25_000;
/**
 * Anonymous long-pollers one address can add to the viewer count. Behind a NAT a few people share
 * an address, so it is more than one; but a client varying its User-Agent adds no more than this.
 */
export const ANONYMOUS_POLLERS_PER_ADDRESS = 4;
/** Pause before seating a poll again after the store failed it. */
const RETRY_MS = 500;

const PollQuery = T.Object({
  after: T.Optional(T.String({ pattern: '^[0-9]{1,15}$' })),
  timeoutMs: T.Optional(T.String({ pattern: '^[0-9]{1,9}$' })),
  token: T.Optional(T.String()),
  epoch: T.Optional(T.String()),
  view: T.Optional(View),
  rate: T.Optional(Rate),
});

/** How one seating of a poll ended. */
interface Sitting {
  /** The answer the hub wrote, if any. */
  frame?: Buffer;
  /** Where the seat stood when it ended (nothing written past it). */
  lastSeq?: number;
  /** The hub could not serve it (the store failed): try again while time remains. */
  retry: boolean;
}

/** `GET /v1/events/:eventId/poll?after=SEQ&timeoutMs=25000`. */
export function longPollRoutes(app: FastifyInstance, s: TransportServices): void {
  s.hub.registerFormat(pollFormat);
  s.hub.registerFormat(pollTopFormat);
  app.get(
    '/v1/events/:eventId/poll',
    { schema: { params: EventParams, querystring: PollQuery } },
    async function poll(request, reply) {
      const { eventId } = request.params as { eventId: string };
      const query = request.query as { after?: string; timeoutMs?: string };
      const timeoutMs = Math.min(query.timeoutMs === undefined ? MAX_POLL_MS : Number(query.timeoutMs), MAX_POLL_MS);
      const admission = await admit(s, request.raw, {
        transport: 'poll',
        eventId,
        after: query.after,
        storeMayBeAway: true,
      });
      const { principal, ip } = admission;
      s.hub.noteViewer(eventId, pollerKey(principal?.id, ip, request.headers['user-agent']), timeoutMs + 10_000);

      // "From now on" is the head known at the start: anything after it is what the poll waits for.
      let position = admission.after ?? knownHead(s, admission);
      // An epoch names the history the client's own resume point is in; "from now on" needs none.
      const epoch = admission.after === undefined ? undefined : admission.epoch;
      const deadline = Date.now() + timeoutMs;
      let answer: Buffer | undefined;
      try {
        for (;;) {
          const format = formatFor('poll', admission.view);
          s.hub.registerFormat(format);
          const viewer = principal && format.mask ? viewerKeys(principal.id, principal.name) : undefined;
          const sitting = await sit(
            s,
            eventId,
            { after: position, epoch },
            deadline - Date.now(),
            reply.raw,
            format,
            viewer,
          );
          answer = sitting.frame;
          position = sitting.lastSeq ?? position;
          const left = deadline - Date.now();
          if (answer || !sitting.retry || left <= 0 || s.guard.closing || reply.raw.destroyed) break;
          await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MS, left)));
        }
      } finally {
        admission.release();
      }
      if (answer) return reply.type('application/json; charset=utf-8').send(answer);
      // Neither the client nor this node knows where the log stands: the store is still away.
      if (position === undefined) throw errors.unavailable();
      return reply.send({ items: [], lastSeq: position });
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

/**
 * The head of the event's log as far as this node knows. While the store cannot answer
 * (admission found no event), the hub's view (or nothing) will do: the poll waits instead.
 */
function knownHead(s: TransportServices, admission: Admission): number | undefined {
  return s.hub.lastSeq(admission.eventId) ?? admission.event?.lastSeq;
}

/** Seats the poll on the hub once, until a frame, the time limit, the client leaving or a failure. */
function sit(
  s: TransportServices,
  eventId: string,
  from: { after: number | undefined; epoch: string | undefined },
  waitMs: number,
  response: ServerResponse,
  format: WireFormat,
  viewer: readonly string[] | undefined,
): Promise<Sitting> {
  return new Promise((resolve) => {
    let done = false;
    let membership: Membership | null = null;
    const finish = (frame: Buffer | undefined, retry: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      response.off('close', left);
      const lastSeq = membership?.lastSeq();
      membership?.leave();
      resolve({ ...(frame ? { frame } : {}), ...(lastSeq === undefined ? {} : { lastSeq }), retry });
    };
    const left = () => finish(undefined, false);
    const sub: Subscriber = {
      format,
      ...(viewer ? { viewer } : {}),
      write(frame) {
        finish(frame, false);
        return false;
      },
      buffered: () => 0,
      drained: () => Promise.resolve(),
      // 'gone' is a failed catch-up (the store): seat again; at shutdown answer at once.
      close: (reason) => finish(undefined, reason === 'gone'),
    };
    const timer = setTimeout(left, Math.max(0, waitMs));
    response.once('close', left);
    s.hub.join(eventId, sub, from.after, from.epoch).then(
      (seated) => {
        if (done) seated.leave();
        else membership = seated;
      },
      () => finish(undefined, true),
    );
  });
}
