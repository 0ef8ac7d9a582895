import { Type as T } from '@sinclair/typebox';
import { callerHook } from '../caller.js';
import { intParam, LimitQuery } from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

/** Which dead letters to send again: these ids, or all when absent. */
const RequeueBody = T.Object(
  { ids: T.Optional(T.Array(T.Integer({ minimum: 1 }), { maxItems: 1000 })) },
  { additionalProperties: false },
);

/** The webhook dead-letter view (docs/API.md "Webhooks"), for admins. */
export function webhookRoutes(app: App, s: HttpServices): void {
  const needsCaller = callerHook(s);
  app.get(
    '/v1/admin/webhooks/dead',
    { schema: { querystring: LimitQuery }, preHandler: needsCaller },
    async function deadLetters(request) {
      const items = await s.webhooks.deadLetters(request.principal, intParam(request.query.limit, 100, 1000));
      return {
        items: items.map((d) => ({
          id: d.id,
          webhookId: d.webhookId,
          type: d.type,
          eventId: d.eventId,
          url: d.url,
          attempts: d.attempts,
          lastError: d.lastError ?? null,
          createdAt: d.createdAt,
        })),
      };
    },
  );

  app.post(
    '/v1/admin/webhooks/dead/requeue',
    { schema: { body: RequeueBody }, preHandler: needsCaller },
    async function requeue(request) {
      const requeued = await s.webhooks.requeue(request.principal, request.body.ids ?? 'all');
      return { requeued };
    },
  );
}
