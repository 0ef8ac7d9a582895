import { Type as T } from '@sinclair/typebox';
import { REPLAY_LIMIT } from '../../events/replay.js';
import { EventParams, intParam, Seq } from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

/** Where a replay page starts: a media time, or the cursor of the page before; how many. */
const ReplayQuery = T.Object({
  fromMs: T.Optional(Seq),
  cursor: T.Optional(T.String({ minLength: 1, maxLength: 64 })),
  limit: T.Optional(Seq),
});

/** Replay: an event's comments in media-time order (docs/API.md "Media time and replay"). */
export function replayRoutes(app: App, s: HttpServices): void {
  app.get(
    '/v1/events/:eventId/replay',
    { schema: { params: EventParams, querystring: ReplayQuery } },
    async function replayPage(request) {
      const { fromMs, cursor, limit } = request.query;
      const start = cursor !== undefined ? { cursor } : fromMs !== undefined ? { fromMs: Number(fromMs) } : {};
      return s.replay.page(request.params.eventId, start, intParam(limit, REPLAY_LIMIT.fallback, REPLAY_LIMIT.max));
    },
  );
}
