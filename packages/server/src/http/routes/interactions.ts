import { Type as T } from '@sinclair/typebox';
import { callerHook } from '../caller.js';
import { CommentParams, EventParams, intParam } from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

const ReactionBody = T.Object({ emoji: T.String({ minLength: 1, maxLength: 16 }) }, { additionalProperties: false });
const TopQuery = T.Object({ limit: T.Optional(T.String({ pattern: '^[0-9]{1,4}$' })) });

/** Reactions, likes and the Top chat list (docs/API.md "Interactions"). */
export function interactionRoutes(app: App, s: HttpServices): void {
  const needsCaller = callerHook(s);
  async function whileOpen(): Promise<void> {
    s.guard.assertOpen();
  }

  app.post(
    '/v1/events/:eventId/reactions',
    { schema: { params: EventParams, body: ReactionBody }, preHandler: [whileOpen, needsCaller] },
    async function react(request, reply) {
      await s.interactions.react(request.principal, request.params.eventId, request.body.emoji);
      return reply.code(202).send();
    },
  );

  app.get('/v1/events/:eventId/reactions', { schema: { params: EventParams } }, async function reactionTotals(request) {
    return { totals: await s.interactions.reactionTotals(request.params.eventId) };
  });

  app.put(
    '/v1/events/:eventId/comments/:commentId/like',
    { schema: { params: CommentParams }, preHandler: [whileOpen, needsCaller] },
    async function like(request, reply) {
      const { eventId, commentId } = request.params;
      await s.interactions.like(request.principal, eventId, commentId, true);
      return reply.code(204).send();
    },
  );

  app.delete(
    '/v1/events/:eventId/comments/:commentId/like',
    { schema: { params: CommentParams }, preHandler: [whileOpen, needsCaller] },
    async function unlike(request, reply) {
      const { eventId, commentId } = request.params;
      await s.interactions.like(request.principal, eventId, commentId, false);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/events/:eventId/comments/top',
    { schema: { params: EventParams, querystring: TopQuery } },
    async function topChat(request) {
      const limit = intParam(request.query.limit, 50, 200);
      return { items: await s.interactions.top(request.params.eventId, limit) };
    },
  );
}
