import type { IncomingMessage } from 'node:http';
import type { LiveEvent } from '@livecomments/protocol';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../auth/auth.js';
import { moderates } from '../../auth/powers.js';
import type { EventRecord } from '../../engines/store.js';
import type { SettingsPatch } from '../../events/settings.js';
import { type PublicEvent, publicEvent } from '../../events/visibility.js';
import type { Services } from '../../node.js';
import { optionalPrincipal, requirePrincipal } from '../principal.js';
import {
  type CreateEventBody as CreateBody,
  CreateEventBody,
  EventParams,
  intParam,
  ListEventsQuery,
  type PatchEventBody as PatchBody,
  PatchEventBody,
} from '../schemas.js';

/** Events: create, list, read, change settings, end (docs/API.md "Events"). */
export function eventRoutes(app: FastifyInstance, s: Services): void {
  app.post('/v1/events', { schema: { body: CreateEventBody } }, async function createEvent(request, reply) {
    const owner = await requirePrincipal(s.auth, request.raw);
    const body = request.body as CreateBody;
    const record = await s.events.create(owner, body.title.trim(), body.settings);
    return reply.code(201).send(await s.events.toWire(record));
  });

  app.get('/v1/events', { schema: { querystring: ListEventsQuery } }, async function listEvents(request) {
    const query = request.query as { status?: 'live' | 'ended'; limit?: string };
    const records = await s.events.list(query.status, intParam(query.limit, 50, 200));
    const reader = await readerOf(s, request.raw);
    return { items: await Promise.all(records.map((r) => seenBy(reader, r, s.events.toWire(r)))) };
  });

  app.get('/v1/events/:eventId', { schema: { params: EventParams } }, async function getEvent(request) {
    const { eventId } = request.params as { eventId: string };
    const record = await s.events.fresh(eventId);
    return seenBy(await readerOf(s, request.raw), record, s.events.toWire(record));
  });

  app.patch(
    '/v1/events/:eventId',
    { schema: { params: EventParams, body: PatchEventBody } },
    async function patchEvent(request) {
      const actor = await requirePrincipal(s.auth, request.raw);
      const { eventId } = request.params as { eventId: string };
      const body = request.body as PatchBody;
      const patch: { title?: string; settings?: SettingsPatch } = {};
      if (body.title !== undefined) patch.title = body.title.trim();
      if (body.settings !== undefined) patch.settings = body.settings;
      const record = await s.events.update(actor, eventId, patch);
      await s.actions.note(actor, eventId, 'settings', { ...body });
      return s.events.toWire(record);
    },
  );

  app.post('/v1/events/:eventId/end', { schema: { params: EventParams } }, async function endEvent(request) {
    const actor = await requirePrincipal(s.auth, request.raw);
    const { eventId } = request.params as { eventId: string };
    const record = await s.events.end(actor, eventId);
    await s.actions.note(actor, eventId, 'end');
    return s.events.toWire(record);
  });
}

/** The reader of a public page: a bad or stale token reads as nobody rather than failing the page. */
function readerOf(s: Services, req: IncomingMessage): Promise<Principal | null> {
  return optionalPrincipal(s.auth, req).catch(() => null);
}

/** The event as `reader` may see it: in full for those who moderate it, else the public part. */
async function seenBy(
  reader: Principal | null,
  record: EventRecord,
  wire: Promise<LiveEvent>,
): Promise<LiveEvent | PublicEvent> {
  return reader && moderates(reader, record) ? wire : publicEvent(await wire);
}
