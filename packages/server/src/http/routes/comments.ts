import { optionalPrincipal } from '../../auth/request.js';
import { errors } from '../../util/errors.js';
import { withTraceparent } from '../../util/tracing.js';
import { callerHook, httpContext } from '../caller.js';
import {
  CommentParams,
  EventParams,
  intParam,
  ListCommentsQuery,
  PostCommentBody,
  PostCommentReply,
} from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

/** Largest comment request body: a comment is at most a few KiB even in the widest script. */
export const COMMENT_BODY_LIMIT = 16 * 1024;

/** Comments: post, page through the log, delete (docs/API.md "Comments"). */
export function commentRoutes(app: App, s: HttpServices): void {
  const needsCaller = callerHook(s);
  // Refused at once while shutting down, before the token is even looked at.
  async function whileOpen(): Promise<void> {
    s.guard.assertOpen();
  }
  app.post(
    '/v1/events/:eventId/comments',
    {
      bodyLimit: COMMENT_BODY_LIMIT,
      schema: {
        params: EventParams,
        body: PostCommentBody,
        response: { 201: PostCommentReply, 202: PostCommentReply },
      },
      preHandler: [whileOpen, needsCaller],
    },
    async function postComment(request, reply) {
      const author = request.principal;
      const { eventId } = request.params;
      const { body } = request;
      const header = request.headers['idempotency-key'];
      const clientId = body.clientId ?? (typeof header === 'string' && header ? header : undefined);
      // A caller's W3C `traceparent` (when tracing is on) makes the post part of the caller's trace.
      const result = await withTraceparent(request.headers.traceparent, () =>
        s.ingest.post(author, eventId, {
          text: body.text,
          clientId,
          parentId: body.parentId,
          mediaTimeMs: body.mediaTimeMs,
        }),
      );
      return reply.code(result.status === 'held' ? 202 : 201).send(result);
    },
  );

  app.get(
    '/v1/events/:eventId/comments',
    { schema: { params: EventParams, querystring: ListCommentsQuery } },
    async function listComments(request) {
      const { eventId } = request.params;
      const { query } = request;
      if (query.after !== undefined && query.before !== undefined) {
        throw errors.invalid('give either after or before, not both');
      }
      const event = await s.events.fresh(eventId);
      const limit = intParam(query.limit, 100, 1000);
      if (limit === 0) return { items: [], lastSeq: event.lastSeq };
      const range: { after: number } | { before: number } =
        query.before !== undefined
          ? { before: Number(query.before) }
          : { after: intParam(query.after, 0, Number.MAX_SAFE_INTEGER) };
      // Shadow mode: the author reads their own blocked comments back; nobody else does.
      const reader = event.settings.moderation.shadow
        ? await optionalPrincipal(s, request.raw, null, httpContext(request)).catch(noReader)
        : null;
      const items = await s.events.page(eventId, range, limit, reader?.id ?? null, query.view);
      return { items, lastSeq: event.lastSeq };
    },
  );

  app.delete(
    '/v1/events/:eventId/comments/:commentId',
    { schema: { params: CommentParams }, preHandler: needsCaller },
    async function deleteComment(request, reply) {
      const { eventId, commentId } = request.params;
      await s.actions.deleteComment(request.principal, eventId, commentId);
      return reply.code(204).send();
    },
  );
}

/** A bad token on a public read reads as nobody. */
function noReader(): null {
  return null;
}
