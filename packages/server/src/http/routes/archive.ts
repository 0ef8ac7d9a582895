import { Readable } from 'node:stream';
import { Type as T } from '@sinclair/typebox';
import { MAX_SEARCH_LIMIT } from '../../archive/search.js';
import { optionalPrincipal } from '../../auth/request.js';
import { Seq } from '../../transports/schemas.js';
import { callerHook, httpContext } from '../caller.js';
import { EventParams, intParam, LimitQuery } from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

const SearchQuery = T.Object({
  // Longer texts are refused by the parser with a clear message; this only bounds the request.
  q: T.Optional(T.String({ maxLength: 1000 })),
  author: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
  from: T.Optional(Seq),
  to: T.Optional(Seq),
  limit: T.Optional(Seq),
  cursor: T.Optional(T.String({ maxLength: 32 })),
  include: T.Optional(T.String({ maxLength: 64 })),
});

const ExportQuery = T.Object({
  format: T.Optional(T.Union([T.Literal('jsonl'), T.Literal('csv')])),
  moderation: T.Optional(T.Union([T.Literal('true'), T.Literal('false')])),
});

const UserIdParams = T.Object({ userId: T.String({ minLength: 1, maxLength: 200 }) });
const EraseBody = T.Object({ reason: T.Optional(T.String({ maxLength: 500 })) }, { additionalProperties: false });

/** Search, export and user erasure (docs/API.md "Search", "Export", "Retention and erasure"). */
export function archiveRoutes(app: App, s: HttpServices): void {
  const needsCaller = callerHook(s);

  app.get(
    '/v1/events/:eventId/search',
    { schema: { params: EventParams, querystring: SearchQuery } },
    async function search(request) {
      const { query } = request;
      const event = await s.events.get(request.params.eventId);
      const include = query.include?.split(',').filter((x) => x !== '');
      // Needed to include held or rejected comments, and to count a signed-in user's searches as
      // theirs (else the address's); a bad token then reads as nobody.
      const reader =
        include?.length || request.headers.authorization !== undefined
          ? await optionalPrincipal(s, request.raw, null, httpContext(request)).catch(() => null)
          : null;
      return s.search.search({ reader, ip: request.ip }, event, {
        ...(query.q !== undefined && { q: query.q }),
        ...(query.author !== undefined && { author: query.author }),
        ...(query.from !== undefined && { from: Number(query.from) }),
        ...(query.to !== undefined && { to: Number(query.to) }),
        limit: Math.max(1, intParam(query.limit, 20, MAX_SEARCH_LIMIT)),
        ...(query.cursor !== undefined && { cursor: query.cursor }),
        ...(include !== undefined && { include }),
      });
    },
  );

  app.get(
    '/v1/events/:eventId/export',
    { schema: { params: EventParams, querystring: ExportQuery }, preHandler: needsCaller },
    async function exportChat(request, reply) {
      const event = await s.events.get(request.params.eventId);
      const format = request.query.format ?? 'jsonl';
      const { lines, release } = await s.exports.open(
        request.principal,
        event,
        format,
        request.query.moderation === 'true',
      );
      reply.raw.once('close', release);
      reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="chat-${event.id}.${format}"`);
      return reply.send(Readable.from(lines, { objectMode: false }));
    },
  );

  app.post(
    '/v1/admin/users/:userId/erase',
    { schema: { params: UserIdParams, body: EraseBody }, preValidation: emptyBody, preHandler: needsCaller },
    async function eraseUser(request) {
      const erased = await s.erasure.erase(request.principal, request.params.userId, request.body.reason);
      s.security.applied(
        'user_erased',
        { address: request.ip, userId: request.principal.id, target: request.params.userId },
        "an administrator erased a user's comments",
      );
      return erased;
    },
  );

  app.get(
    '/v1/admin/erasures',
    { schema: { querystring: LimitQuery }, preHandler: needsCaller },
    async function listErasures(request) {
      return { items: await s.erasure.list(request.principal, intParam(request.query.limit, 100, 1000)) };
    },
  );
}

/** A POST without a body reads as an empty one (the reason is optional). */
async function emptyBody(request: { body: unknown }): Promise<void> {
  request.body ??= {};
}
