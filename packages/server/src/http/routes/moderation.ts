import { callerHook } from '../caller.js';
import { BanBody, CommentParams, EventParams, intParam, LimitQuery, ReviewBody, UserParams } from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

/** Review queue, bans and the moderation log (docs/API.md "Moderation"). */
export function moderationRoutes(app: App, s: HttpServices): void {
  const needsCaller = callerHook(s);
  app.get(
    '/v1/events/:eventId/review',
    { schema: { params: EventParams, querystring: LimitQuery }, preHandler: needsCaller },
    async function listHeld(request) {
      const actor = request.principal;
      const { eventId } = request.params;
      const { limit } = request.query;
      const max = intParam(limit, 100, 500);
      const held = await s.actions.listHeld(actor, eventId, max);
      // Then published comments that viewers reported, most reported first (`status: "reported"`).
      const reported = await s.actions.listReported(actor, eventId, max);
      const none = { count: 0, reasons: [] };
      return {
        items: [
          ...held.map((h) => ({
            comment: h.comment,
            status: 'held',
            scores: h.scores ?? {},
            reasons: h.reasons ?? [],
            reports: none,
          })),
          ...reported.map((r) => ({
            comment: r.comment.comment,
            status: 'reported',
            scores: r.comment.scores ?? {},
            reasons: r.comment.reasons ?? [],
            reports: { count: r.count, reasons: r.reasons },
          })),
        ],
      };
    },
  );

  app.post(
    '/v1/events/:eventId/review/:commentId',
    { schema: { params: CommentParams, body: ReviewBody }, preHandler: needsCaller },
    async function review(request) {
      const actor = request.principal;
      const { eventId, commentId } = request.params;
      const { action, reason } = request.body;
      const comment = await s.actions.review(actor, eventId, commentId, action, reason);
      return comment ? { status: 'published', comment } : { status: 'rejected' };
    },
  );

  app.post(
    '/v1/events/:eventId/bans',
    { schema: { params: EventParams, body: BanBody }, preHandler: needsCaller },
    async function ban(request, reply) {
      const actor = request.principal;
      const { eventId } = request.params;
      const body = request.body;
      const result = await s.actions.ban(actor, eventId, body.userId, body.durationMs, body.reason, body.purge);
      s.security.applied(
        'ban_applied',
        { address: request.ip, userId: actor.id, eventId, target: body.userId, until: result.until },
        'user banned from an event',
      );
      return reply.code(201).send(result);
    },
  );

  app.delete(
    '/v1/events/:eventId/bans/:userId',
    { schema: { params: UserParams }, preHandler: needsCaller },
    async function unban(request, reply) {
      const actor = request.principal;
      const { eventId, userId } = request.params;
      await s.actions.unban(actor, eventId, userId);
      s.security.applied(
        'ban_lifted',
        { address: request.ip, userId: actor.id, eventId, target: userId },
        'ban lifted',
      );
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/events/:eventId/bans',
    { schema: { params: EventParams }, preHandler: needsCaller },
    async function listBans(request) {
      const actor = request.principal;
      const { eventId } = request.params;
      return { items: await s.actions.listBans(actor, eventId) };
    },
  );

  app.get(
    '/v1/events/:eventId/moderation-log',
    { schema: { params: EventParams, querystring: LimitQuery }, preHandler: needsCaller },
    async function moderationLog(request) {
      const actor = request.principal;
      const { eventId } = request.params;
      const { limit } = request.query;
      return { items: await s.actions.listLog(actor, eventId, intParam(limit, 100, 1000)) };
    },
  );
}
