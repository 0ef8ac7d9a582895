import type { FastifyInstance } from 'fastify';
import { ownShadowed, withShadowed } from '../../ingest/shadow.js';
import type { Services } from '../../node.js';
import { errors } from '../../util/errors.js';
import { optionalPrincipal, requirePrincipal } from '../principal.js';
import {
  CommentParams,
  EventParams,
  intParam,
  ListCommentsQuery,
  PostCommentBody,
  PostCommentReply,
} from '../schemas.js';

/** Largest comment request body: a comment is at most a few KiB even in the widest script. */
export const COMMENT_BODY_LIMIT = 16 * 1024;

/** Comments: post, page through the log, delete (docs/API.md "Comments"). */
export function commentRoutes(app: FastifyInstance, s: Services): void {
  app.post(
    '/v1/events/:eventId/comments',
    {
      bodyLimit: COMMENT_BODY_LIMIT,
      schema: {
        params: EventParams,
        body: PostCommentBody,
        response: { 201: PostCommentReply, 202: PostCommentReply },
      },
    },
    async function postComment(request, reply) {
      s.guard.assertOpen();
      const author = await requirePrincipal(s.auth, request.raw);
      const { eventId } = request.params as { eventId: string };
      const body = request.body as { text: string; clientId?: string; parentId?: string };
      const header = request.headers['idempotency-key'];
      const clientId = body.clientId ?? (typeof header === 'string' && header ? header : undefined);
      const result = await s.ingest.post(author, eventId, { text: body.text, clientId, parentId: body.parentId });
      return reply.code(result.status === 'held' ? 202 : 201).send(result);
    },
  );

  app.get(
    '/v1/events/:eventId/comments',
    { schema: { params: EventParams, querystring: ListCommentsQuery } },
    async function listComments(request) {
      const { eventId } = request.params as { eventId: string };
      const query = request.query as { after?: string; before?: string; limit?: string };
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
      const items =
        'before' in range
          ? await s.store.readBefore(eventId, range.before, limit)
          : await s.store.readAfter(eventId, range.after, limit);
      // Shadow mode: the author reads their own blocked comments back; nobody else does.
      const reader = event.settings.moderation.shadow
        ? await optionalPrincipal(s.auth, request.raw).catch(noReader)
        : null;
      if (!reader) return { items, lastSeq: event.lastSeq };
      const shadowed = await ownShadowed(s.store, eventId, reader.id);
      return { items: withShadowed(items, shadowed, range, items.length === limit), lastSeq: event.lastSeq };
    },
  );

  app.delete(
    '/v1/events/:eventId/comments/:commentId',
    { schema: { params: CommentParams } },
    async function deleteComment(request, reply) {
      const actor = await requirePrincipal(s.auth, request.raw);
      const { eventId, commentId } = request.params as { eventId: string; commentId: string };
      await s.actions.deleteComment(actor, eventId, commentId);
      return reply.code(204).send();
    },
  );
}

/** A bad token on a public read reads as nobody. */
function noReader(): null {
  return null;
}
