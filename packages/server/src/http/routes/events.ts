import type { LiveEvent } from '@livecomments/protocol';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/auth.js';
import { type EventPowers, moderates } from '../../auth/powers.js';
import { type Callers, optionalPrincipal } from '../../auth/request.js';
import type { EventRecord } from '../../engines/store.js';
import { type PublicEvent, publicEvent } from '../../events/visibility.js';
import { requireTitle } from '../../ingest/normalise.js';
import { callerHook, httpContext } from '../caller.js';
import { CreateEventBody, EventParams, intParam, ListEventsQuery, PatchEventBody } from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

/** Events: create, list, read, change settings, end (docs/API.md "Events"). */
export function eventRoutes(app: App, s: HttpServices): void {
  const needsCaller = callerHook(s);
  app.post(
    '/v1/events',
    { schema: { body: CreateEventBody }, preHandler: needsCaller },
    async function createEvent(request, reply) {
      const { body } = request;
      const record = await s.events.create(request.principal, requireTitle(body.title), body.settings);
      await s.roles.noteOwner(request.principal, record);
      return reply.code(201).send(await s.events.toWire(record));
    },
  );

  app.get('/v1/events', { schema: { querystring: ListEventsQuery } }, async function listEvents(request) {
    const { query } = request;
    const records = await s.events.list(query.status, intParam(query.limit, 50, 200));
    const reader = await readerOf(s, request);
    return { items: await Promise.all(records.map((r) => seenBy(reader, r, s.events.toWire(r)))) };
  });

  app.get('/v1/events/:eventId', { schema: { params: EventParams } }, async function getEvent(request) {
    const record = await s.events.fresh(request.params.eventId);
    // The event's own moderators read it in full too (the list shows them the public part).
    const reader = await readerOf(s, request);
    const powers = reader ? { ...record, ...(await s.roles.powers(record)) } : record;
    return seenBy(reader, powers, s.events.toWire(record));
  });

  app.patch(
    '/v1/events/:eventId',
    { schema: { params: EventParams, body: PatchEventBody }, preHandler: needsCaller },
    async function patchEvent(request) {
      const { title, settings } = request.body;
      const patch = {
        ...(title === undefined ? {} : { title: requireTitle(title) }),
        ...(settings === undefined ? {} : { settings }),
      };
      const record = await s.events.update(request.principal, request.params.eventId, patch);
      return s.events.toWire(record);
    },
  );

  app.post(
    '/v1/events/:eventId/end',
    { schema: { params: EventParams }, preHandler: needsCaller },
    async function endEvent(request) {
      return s.events.toWire(await s.events.end(request.principal, request.params.eventId));
    },
  );
}

/** The reader of a public page: a bad or stale token (or a refusing proxy) reads as nobody rather than failing the page. */
function readerOf(callers: Callers, request: FastifyRequest): Promise<Principal | null> {
  return optionalPrincipal(callers, request.raw, null, httpContext(request)).catch(() => null);
}

/** The event as `reader` may see it: in full for those who moderate it, else the public part. */
async function seenBy(
  reader: Principal | null,
  record: EventRecord & EventPowers,
  wire: Promise<LiveEvent>,
): Promise<LiveEvent | PublicEvent> {
  return reader && moderates(reader, record) ? wire : publicEvent(await wire);
}
