import { callerHook } from '../caller.js';
import { CommentParams, EventParams, intParam, LimitQuery, ModeratorBody, ReportBody, UserParams } from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

/** Replies, reports and event moderators (docs/API.md "Replies", "Reports", "Badges and roles"). */
export function socialRoutes(app: App, s: HttpServices): void {
  const needsCaller = callerHook(s);

  app.get(
    '/v1/events/:eventId/comments/:commentId/replies',
    { schema: { params: CommentParams, querystring: LimitQuery } },
    async function listReplies(request) {
      const { eventId, commentId } = request.params;
      return { items: await s.replies.list(eventId, commentId, intParam(request.query.limit, 100, 500)) };
    },
  );

  app.post(
    '/v1/events/:eventId/comments/:commentId/reports',
    { schema: { params: CommentParams, body: ReportBody }, preHandler: needsCaller },
    async function report(request, reply) {
      const { eventId, commentId } = request.params;
      const added = await s.reports.report(request.principal, eventId, commentId, request.body.reason);
      return reply.code(202).send({ status: added ? 'received' : 'already_reported' });
    },
  );

  app.get(
    '/v1/events/:eventId/moderators',
    { schema: { params: EventParams }, preHandler: needsCaller },
    async function listModerators(request) {
      const event = await s.events.get(request.params.eventId);
      return { items: await s.roles.list(request.principal, event) };
    },
  );

  app.put(
    '/v1/events/:eventId/moderators/:userId',
    { schema: { params: UserParams, body: ModeratorBody }, preValidation: emptyBody, preHandler: needsCaller },
    async function appointModerator(request) {
      const { eventId, userId } = request.params;
      const event = await s.events.fresh(eventId);
      return s.roles.appoint(request.principal, event, userId, request.body.name);
    },
  );

  app.delete(
    '/v1/events/:eventId/moderators/:userId',
    { schema: { params: UserParams }, preHandler: needsCaller },
    async function removeModerator(request, reply) {
      const { eventId, userId } = request.params;
      const event = await s.events.fresh(eventId);
      await s.roles.remove(request.principal, event, userId);
      return reply.code(204).send();
    },
  );
}

/** A PUT without a body reads as an empty one (the appointment's name is optional). */
async function emptyBody(request: { body: unknown }): Promise<void> {
  request.body ??= {};
}
