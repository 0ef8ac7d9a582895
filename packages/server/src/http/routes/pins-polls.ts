import { Type as T } from '@sinclair/typebox';
import { Id } from '../../transports/schemas.js';
import { callerHook } from '../caller.js';
import { EventParams } from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

// Request shapes: generous bounds here, the exact ones (in code points, after normalising) in the
// modules, which give the catalogued errors.
const PinBody = T.Object(
  {
    commentId: T.Optional(Id),
    text: T.Optional(T.String({ maxLength: 4_000 })),
    expiresAt: T.Optional(T.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
const PollBody = T.Object(
  {
    question: T.String({ maxLength: 2_000 }),
    options: T.Array(T.String({ maxLength: 1_000 }), { minItems: 2, maxItems: 6 }),
    durationMs: T.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
const VoteBody = T.Object({ option: T.Integer({ minimum: 0, maximum: 5 }) }, { additionalProperties: false });
const PollParams = T.Object({ eventId: Id, pollId: Id });

/** Pins and polls (docs/API.md "Pins", "Polls"). */
export function pinPollRoutes(app: App, s: HttpServices): void {
  const needsCaller = callerHook(s);
  app.post(
    '/v1/events/:eventId/pin',
    { schema: { params: EventParams, body: PinBody }, preHandler: needsCaller },
    async function pin(request, reply) {
      const entry = await s.pins.pin(request.principal, request.params.eventId, request.body);
      return reply.code(201).send(entry);
    },
  );

  app.delete(
    '/v1/events/:eventId/pin',
    { schema: { params: EventParams }, preHandler: needsCaller },
    async function unpin(request, reply) {
      await s.pins.unpin(request.principal, request.params.eventId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/events/:eventId/polls',
    { schema: { params: EventParams, body: PollBody }, preHandler: needsCaller },
    async function startPoll(request, reply) {
      const poll = await s.polls.start(request.principal, request.params.eventId, request.body);
      return reply.code(201).send(poll);
    },
  );

  app.post(
    '/v1/events/:eventId/polls/:pollId/votes',
    { schema: { params: PollParams, body: VoteBody }, preHandler: needsCaller },
    async function vote(request, reply) {
      const { eventId, pollId } = request.params;
      await s.polls.vote(request.principal, eventId, pollId, request.body.option);
      return reply.code(204).send();
    },
  );
}
