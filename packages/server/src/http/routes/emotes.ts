import { EMOTE_CODE_PATTERN, MAX_EMOTE_BYTES } from '@livecomments/protocol';
import { Type as T } from '@sinclair/typebox';
import { callerHook } from '../caller.js';
import { EventParams } from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

const EmoteParams = T.Object({
  eventId: EventParams.properties.eventId,
  code: T.String({ pattern: EMOTE_CODE_PATTERN }),
});
const ImageParams = T.Object({ emoteId: T.String({ pattern: '^em_[0-9a-f]{16}$' }) });
/** Base64 of at most MAX_EMOTE_BYTES (checked again once decoded). */
const Base64 = T.String({
  minLength: 4,
  maxLength: Math.ceil(MAX_EMOTE_BYTES / 3) * 4,
  pattern: '^[A-Za-z0-9+/]+={0,2}$',
});
const EmoteBody = T.Object(
  { image: T.Optional(Base64), url: T.Optional(T.String({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);

/** Uploaded pictures never change under their id: cached for a year, read as what they are. */
const IMAGE_HEADERS = {
  'cache-control': 'public, max-age=31536000, immutable',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cross-origin-resource-policy': 'cross-origin',
};

/** Custom emotes and their pictures (docs/API.md "Emotes and chat modes"). */
export function emoteRoutes(app: App, s: HttpServices): void {
  const needsCaller = callerHook(s);
  async function whileOpen(): Promise<void> {
    s.guard.assertOpen();
  }

  app.get('/v1/events/:eventId/emotes', { schema: { params: EventParams } }, async function listEmotes(request) {
    return { items: await s.emotes.list(request.params.eventId) };
  });

  app.put(
    '/v1/events/:eventId/emotes/:code',
    { schema: { params: EmoteParams, body: EmoteBody }, preHandler: [whileOpen, needsCaller] },
    async function putEmote(request) {
      const { eventId, code } = request.params;
      return s.emotes.put(request.principal, eventId, code, request.body);
    },
  );

  app.delete(
    '/v1/events/:eventId/emotes/:code',
    { schema: { params: EmoteParams }, preHandler: [whileOpen, needsCaller] },
    async function removeEmote(request, reply) {
      await s.emotes.remove(request.principal, request.params.eventId, request.params.code);
      return reply.code(204).send();
    },
  );

  app.get('/v1/emotes/:emoteId', { schema: { params: ImageParams } }, async function emoteImage(request, reply) {
    const image = await s.emotes.image(request.params.emoteId);
    return reply
      .headers({ ...IMAGE_HEADERS, 'content-type': image.contentType })
      .send(Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength));
  });
}
