import { Type as T } from '@sinclair/typebox';
import { Seq } from '../../transports/schemas.js';
import { callerHook } from '../caller.js';
import { EventParams } from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

/** `?from=&to=` (epoch ms) and `?top=` (1 to 100). */
const AnalyticsQuery = T.Object({
  from: T.Optional(Seq),
  to: T.Optional(Seq),
  top: T.Optional(T.String({ pattern: '^(?:[1-9][0-9]?|100)$' })),
});

/** The owner's analytics of an event (docs/API.md "Analytics"). */
export function analyticsRoutes(app: App, s: HttpServices): void {
  const needsCaller = callerHook(s);
  app.get(
    '/v1/events/:eventId/analytics',
    { schema: { params: EventParams, querystring: AnalyticsQuery }, preHandler: needsCaller },
    async function readAnalytics(request, reply) {
      const { from, to, top } = request.query;
      const report = await s.analytics.read(request.principal, request.params.eventId, {
        ...(from !== undefined ? { from: Number(from) } : {}),
        ...(to !== undefined ? { to: Number(to) } : {}),
        ...(top !== undefined ? { top: Number(top) } : {}),
      });
      // Counts of those who run the event: never kept by a shared cache.
      return reply.header('cache-control', 'private, no-store').send(report);
    },
  );
}
