import type { FastifyInstance } from 'fastify';
import type { SettingsPatch } from '../../events/settings.js';
import { requireTitle } from '../../ingest/normalise.js';
import type { Services } from '../../node.js';
import { requirePrincipal } from '../principal.js';
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
    const record = await s.events.create(owner, requireTitle(body.title), body.settings as SettingsPatch | undefined);
    return reply.code(201).send(await s.events.toWire(record));
  });

  app.get('/v1/events', { schema: { querystring: ListEventsQuery } }, async function listEvents(request) {
    const query = request.query as { status?: 'live' | 'ended'; limit?: string };
    const records = await s.events.list(query.status, intParam(query.limit, 50, 200));
    return { items: await Promise.all(records.map((r) => s.events.toWire(r))) };
  });

  app.get('/v1/events/:eventId', { schema: { params: EventParams } }, async function getEvent(request) {
    const { eventId } = request.params as { eventId: string };
    return s.events.toWire(await s.events.fresh(eventId));
  });

  app.patch(
    '/v1/events/:eventId',
    { schema: { params: EventParams, body: PatchEventBody } },
    async function patchEvent(request) {
      const actor = await requirePrincipal(s.auth, request.raw);
      const { eventId } = request.params as { eventId: string };
      const body = request.body as PatchBody;
      const patch: { title?: string; settings?: SettingsPatch } = {};
      if (body.title !== undefined) patch.title = requireTitle(body.title);
      if (body.settings !== undefined) patch.settings = body.settings as SettingsPatch;
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
