import type { FastifyInstance } from 'fastify';
import type { Services } from '../../node.js';
import { requirePrincipal } from '../principal.js';
import { BanBody, CommentParams, EventParams, intParam, LimitQuery, ReviewBody, UserParams } from '../schemas.js';

/** Review queue, bans and the moderation log (docs/API.md "Moderation"). */
export function moderationRoutes(app: FastifyInstance, s: Services): void {
  app.get(
    '/v1/events/:eventId/review',
    { schema: { params: EventParams, querystring: LimitQuery } },
    async function listHeld(request) {
      const actor = await requirePrincipal(s.auth, request.raw);
      const { eventId } = request.params as { eventId: string };
      const { limit } = request.query as { limit?: string };
      const held = await s.actions.listHeld(actor, eventId, intParam(limit, 100, 500));
      return {
        items: held.map((h) => ({ comment: h.comment, scores: h.scores ?? {}, reasons: h.reasons ?? [] })),
      };
    },
  );

  app.post(
    '/v1/events/:eventId/review/:commentId',
    { schema: { params: CommentParams, body: ReviewBody } },
    async function review(request) {
      const actor = await requirePrincipal(s.auth, request.raw);
      const { eventId, commentId } = request.params as { eventId: string; commentId: string };
      const { action, reason } = request.body as { action: 'approve' | 'reject'; reason?: string };
      const comment = await s.actions.review(actor, eventId, commentId, action, reason);
      return comment ? { status: 'published', comment } : { status: 'rejected' };
    },
  );

  app.post(
    '/v1/events/:eventId/bans',
    { schema: { params: EventParams, body: BanBody } },
    async function ban(request, reply) {
      const actor = await requirePrincipal(s.auth, request.raw);
      const { eventId } = request.params as { eventId: string };
      const body = request.body as { userId: string; durationMs?: number; reason?: string };
      const result = await s.actions.ban(actor, eventId, body.userId, body.durationMs, body.reason);
      return reply.code(201).send(result);
    },
  );

  app.delete(
    '/v1/events/:eventId/bans/:userId',
    { schema: { params: UserParams } },
    async function unban(request, reply) {
      const actor = await requirePrincipal(s.auth, request.raw);
      const { eventId, userId } = request.params as { eventId: string; userId: string };
      await s.actions.unban(actor, eventId, userId);
      return reply.code(204).send();
    },
  );

  app.get('/v1/events/:eventId/bans', { schema: { params: EventParams } }, async function listBans(request) {
    const actor = await requirePrincipal(s.auth, request.raw);
    const { eventId } = request.params as { eventId: string };
    return { items: await s.actions.listBans(actor, eventId) };
  });

  app.get(
    '/v1/events/:eventId/moderation-log',
    { schema: { params: EventParams, querystring: LimitQuery } },
    async function moderationLog(request) {
      const actor = await requirePrincipal(s.auth, request.raw);
      const { eventId } = request.params as { eventId: string };
      const { limit } = request.query as { limit?: string };
      return { items: await s.actions.listLog(actor, eventId, intParam(limit, 100, 1000)) };
    },
  );
}
