// Emotes and chat modes end to end, on SQLite and on PostgreSQL: custom emotes uploaded (checked
// by their bytes), served from the node with a long cache, limited per event; members-only,
// followers-only and emote-only refusing posts over REST and WebSocket with their own codes, the
// owner and moderators exempt; a mode change reaching viewers over WebSocket, SSE and long polling.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import { mintToken } from '../src/auth/mint.js';
import { framedGif, solidPng } from '../src/testing.js';
import { createTestSchema, type TestSchema } from './services.js';
import {
  api,
  createEvent,
  pollUntil,
  post,
  SseViewer,
  startNode,
  type TestNode,
  type TestUser,
  WsViewer,
  waitFor,
} from './support.js';

/** A development token with a membership or a follow time (this machine may ask for them). */
async function token(base: string, body: Record<string, unknown>): Promise<TestUser> {
  const res = await api(base, 'POST', '/v1/dev/tokens', { body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { token: res.body.token, id: res.body.user.id };
}

const MINUTE = 60_000;
const settingsOf = (entries: Entry[]) => entries.flatMap((e) => (e.type === 'event' ? [e.event.settings] : []));

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`emotes and chat modes (${kind})`, () => {
    let schema: TestSchema | undefined;
    let node: TestNode;
    let base: string;
    let owner: TestUser;
    let viewer: TestUser;
    let member: TestUser;
    let globalMod: TestUser;

    before(async () => {
      if (kind === 'postgres') schema = await createTestSchema('lc_emotes');
      node = await startNode({
        emoteHosts: ['cdn.example.com'],
        ...(schema ? { databaseUrl: schema.url } : {}),
      });
      base = node.url;
      [owner, viewer, member, globalMod] = await Promise.all([
        token(base, { name: 'olive' }),
        token(base, { name: 'vic' }),
        token(base, { name: 'meg', member: true }),
        token(base, { name: 'mia', role: 'moderator' }),
      ]);
    });
    after(async () => {
      await node.stop();
      await schema?.drop();
    });

    const patch = (eventId: string, settings: Record<string, unknown>) =>
      api(base, 'PATCH', `/v1/events/${eventId}`, { token: owner.token, body: { settings } });
    const putEmote = (eventId: string, code: string, body: unknown, as = owner) =>
      api(base, 'PUT', `/v1/events/${eventId}/emotes/${code}`, { token: as.token, body });

    test('an uploaded emote is checked, served from the node with a long cache, and listed on the event', async () => {
      const eventId = await createEvent(base, owner.token);
      const sse = await SseViewer.open(base, eventId);
      const png = solidPng(24, 24, [255, 0, 128, 255]);
      const put = await putEmote(eventId, 'hype', { image: png.toString('base64') });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.equal(put.body.code, 'hype');
      assert.match(put.body.url, /^\/v1\/emotes\/em_[0-9a-f]{16}$/);
      assert.equal(put.body.width, 24);
      assert.equal(put.body.height, 24);

      const image = await fetch(base + put.body.url);
      assert.equal(image.status, 200);
      assert.equal(image.headers.get('content-type'), 'image/png');
      assert.match(image.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
      assert.equal(image.headers.get('x-content-type-options'), 'nosniff');
      assert.deepEqual(Buffer.from(await image.arrayBuffer()), png);

      const listed = await api(base, 'GET', `/v1/events/${eventId}/emotes`);
      assert.deepEqual(listed.body.items, [put.body]);
      const event = await api(base, 'GET', `/v1/events/${eventId}`);
      assert.deepEqual(event.body.settings.emotes, [put.body], 'anyone reads the emotes with the event');
      await waitFor(() => settingsOf(sse.entries).some((s) => s.emotes?.length === 1));
      sse.close();

      // Replaced under the same code: a new id; the old picture is gone.
      const gif = Buffer.from(
        'GIF89a\x10\x00\x10\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;',
        'latin1',
      );
      const replaced = await putEmote(eventId, 'hype', { image: gif.toString('base64') });
      assert.equal(replaced.status, 200);
      assert.notEqual(replaced.body.url, put.body.url);
      assert.equal((await fetch(base + put.body.url)).status, 404);
      assert.equal((await fetch(base + replaced.body.url)).headers.get('content-type'), 'image/gif');

      assert.equal(
        (await api(base, 'DELETE', `/v1/events/${eventId}/emotes/hype`, { token: owner.token })).status,
        204,
      );
      assert.equal((await fetch(base + replaced.body.url)).status, 404);
      assert.deepEqual((await api(base, 'GET', `/v1/events/${eventId}/emotes`)).body.items, []);
      const again = await api(base, 'DELETE', `/v1/events/${eventId}/emotes/hype`, { token: owner.token });
      assert.equal(again.status, 404);
    });

    test('emote uploads that are not small PNG, GIF or WebP pictures, or not the owner’s, are refused', async () => {
      const eventId = await createEvent(base, owner.token);
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
      const cases: [string, unknown, number, string, TestUser?][] = [
        ['svg', { image: svg.toString('base64') }, 400, 'invalid_request'],
        ['big', { image: solidPng(300, 20, [0, 0, 0, 255]).toString('base64') }, 400, 'invalid_request'],
        // Animated GIFs: too many frames, or a frame far larger than the picture says it is.
        [
          'frames',
          { image: framedGif(32, 32, Array(61).fill([0, 0, 32, 32])).toString('base64') },
          400,
          'invalid_request',
        ],
        ['bigframe', { image: framedGif(16, 16, [[0, 0, 60_000, 60_000]]).toString('base64') }, 400, 'invalid_request'],
        ['heavy', { image: Buffer.alloc(32 * 1024 + 1, 0x89).toString('base64') }, 413, 'too_large'],
        ['both', { image: 'AAAA', url: 'https://cdn.example.com/a.png' }, 400, 'invalid_request'],
        ['fire', { image: solidPng(8, 8, [0, 0, 0, 255]).toString('base64') }, 409, 'conflict'],
        ['Bad!', { image: 'AAAA' }, 400, 'invalid_request'],
        ['http', { url: 'http://cdn.example.com/a.png' }, 400, 'invalid_request'],
        ['elsewhere', { url: 'https://evil.example.net/a.png' }, 400, 'invalid_request'],
        ['creds', { url: 'https://u:p@cdn.example.com/a.png' }, 400, 'invalid_request'],
        ['notyours', { image: solidPng(8, 8, [0, 0, 0, 255]).toString('base64') }, 403, 'forbidden', viewer],
        ['notmod', { image: solidPng(8, 8, [0, 0, 0, 255]).toString('base64') }, 403, 'forbidden', globalMod],
      ];
      for (const [code, body, status, error, as] of cases) {
        const res = await putEmote(eventId, encodeURIComponent(code), body, as);
        assert.equal(res.status, status, `${code}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, error, code);
      }
      assert.deepEqual((await api(base, 'GET', `/v1/events/${eventId}/emotes`)).body.items, [], 'nothing stored');

      const linked = await putEmote(eventId, 'bigwave', { url: 'https://cdn.example.com/emotes/wave.png' });
      assert.equal(linked.status, 200);
      assert.deepEqual(linked.body, { code: 'bigwave', url: 'https://cdn.example.com/emotes/wave.png' });
    });

    test('an event holds at most 50 emotes; a replacement still goes through', async () => {
      const eventId = await createEvent(base, owner.token);
      const image = solidPng(4, 4, [1, 2, 3, 255]).toString('base64');
      for (let i = 0; i < 50; i++) {
        const res = await putEmote(eventId, `e${i}`, { image });
        assert.equal(res.status, 200, `emote ${i}: ${JSON.stringify(res.body)}`);
      }
      const over = await putEmote(eventId, 'e50', { image });
      assert.equal(over.status, 400);
      assert.equal(over.body.error.limit, 50);
      assert.equal((await putEmote(eventId, 'e7', { image })).status, 200);
      assert.equal((await api(base, 'GET', `/v1/events/${eventId}/emotes`)).body.items.length, 50);
    });

    test('members-only: refused without the member badge over REST and WebSocket; members and moderators post', async () => {
      const eventId = await createEvent(base, owner.token);
      const sse = await SseViewer.open(base, eventId);
      const ws = await WsViewer.open(base, eventId);
      const longPoll = pollUntil(base, eventId, 0, (got) => settingsOf(got).some((s) => s.membersOnly === true));
      assert.equal((await patch(eventId, { membersOnly: true })).status, 200);
      // The mode reaches every transport as an `event` entry, before anyone types.
      await waitFor(() => settingsOf(sse.entries).some((s) => s.membersOnly === true));
      await waitFor(() => settingsOf(ws.entries).some((s) => s.membersOnly === true));
      await longPoll;
      assert.equal((await api(base, 'GET', `/v1/events/${eventId}`)).body.settings.membersOnly, true);

      const refused = await post(base, viewer.token, eventId, 'hello');
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'members_only');
      assert.equal((await post(base, member.token, eventId, 'hello from a member')).status, 201);
      assert.equal((await post(base, owner.token, eventId, 'the owner is exempt')).status, 201);
      assert.equal((await post(base, globalMod.token, eventId, 'so are moderators')).status, 201);

      const viewerWs = await WsViewer.open(base, eventId, `token=${viewer.token}`);
      viewerWs.send({ type: 'comment', text: 'hi over ws', clientId: 'w1' });
      const error = await viewerWs.next((f) => f.type === 'error' && f.clientId === 'w1');
      assert.equal(error.error.code, 'members_only');
      const memberWs = await WsViewer.open(base, eventId, `token=${member.token}`);
      memberWs.send({ type: 'comment', text: 'member over ws', clientId: 'w2' });
      assert.equal((await memberWs.next((f) => f.type === 'ack' && f.clientId === 'w2')).status, 'published');
      await Promise.all([viewerWs.close(), memberWs.close(), ws.close()]);
      sse.close();

      const texts = (await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`)).body.items
        .filter((e: Entry) => e.type === 'comment')
        .map((e: { comment: { text: string } }) => e.comment.text);
      assert.deepEqual(texts, ['hello from a member', 'the owner is exempt', 'so are moderators', 'member over ws']);
    });

    test('followers-only: the follow age comes from the token; too new says when', async () => {
      const eventId = await createEvent(base, owner.token, { followersOnly: true, minFollowMinutes: 10 });
      const now = Date.now();
      const [fresh, longtime] = await Promise.all([
        token(base, { name: 'fay', followedAt: now - 3 * MINUTE }),
        token(base, { name: 'lou', followedAt: now - 11 * MINUTE }),
      ]);
      const none = await post(base, viewer.token, eventId, 'hi');
      assert.equal(none.status, 403);
      assert.equal(none.body.error.code, 'followers_only');
      assert.equal(none.body.error.minFollowMinutes, 10);
      const young = await post(base, fresh.token, eventId, 'hi');
      assert.equal(young.body.error.code, 'followers_only');
      assert.ok(young.body.error.retryAfterMs > 6 * MINUTE && young.body.error.retryAfterMs <= 7 * MINUTE);
      assert.equal((await post(base, longtime.token, eventId, 'hi, long-time follower')).status, 201);
      assert.equal((await patch(eventId, { minFollowMinutes: 0 })).status, 200);
      assert.equal((await post(base, fresh.token, eventId, 'now I may')).status, 201);
      assert.equal((await post(base, viewer.token, eventId, 'still not')).body.error.code, 'followers_only');
    });

    test('emote-only: only emoji and the event’s emotes; the owner is exempt', async () => {
      const eventId = await createEvent(base, owner.token, { emoteOnly: true });
      assert.equal(
        (await putEmote(eventId, 'hype', { image: solidPng(8, 8, [9, 9, 9, 255]).toString('base64') })).status,
        200,
      );
      for (const text of ['🔥', ':fire: :hype:', '👍🏽 🇫🇷 👨‍👩‍👧 1️⃣', ':+1::hype:']) {
        const res = await post(base, viewer.token, eventId, text);
        assert.equal(res.status, 201, `${text}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.comment.text, text, 'kept as typed');
      }
      for (const text of ['hello 🔥', ':nosuchemote:', '1', ':hype: gg', '<img src=x>']) {
        const res = await post(base, viewer.token, eventId, text);
        assert.equal(res.status, 403, text);
        assert.equal(res.body.error.code, 'emote_only', text);
      }
      assert.equal((await post(base, owner.token, eventId, 'owner says hi')).status, 201);
    });

    test('chat mode settings are checked like any other; a refused post changes nothing', async () => {
      const eventId = await createEvent(base, owner.token, { membersOnly: true });
      for (const settings of [{ minFollowMinutes: -1 }, { minFollowMinutes: 200_000 }, { emoteOnly: 'yes' }]) {
        const res = await patch(eventId, settings);
        assert.equal(res.status, 400, JSON.stringify(settings));
      }
      const before = (await api(base, 'GET', `/v1/events/${eventId}`)).body.lastSeq;
      await post(base, viewer.token, eventId, 'refused');
      assert.equal((await api(base, 'GET', `/v1/events/${eventId}`)).body.lastSeq, before);
    });
  });
}

describe('chat modes with tokens of a real secret', () => {
  const secret = 'a-test-secret-of-at-least-32-characters!';
  let node: TestNode;
  before(async () => {
    node = await startNode({ jwtSecret: secret, devTokens: false });
  });
  after(() => node.stop());

  test('the member badge and followed_at come from the claims', async () => {
    const owner = await mintToken(secret, { sub: 'u_owner', name: 'Owner' });
    const eventId = await createEvent(node.url, owner, { membersOnly: true, followersOnly: true, minFollowMinutes: 1 });
    const followedAt = Date.now() - 5 * MINUTE;
    const both = await mintToken(secret, { sub: 'u_both', name: 'Both', member: true, followedAt });
    const memberOnly = await mintToken(secret, { sub: 'u_member', name: 'Member', member: true });
    const future = await mintToken(secret, {
      sub: 'u_future',
      name: 'Future',
      member: true,
      followedAt: Date.now() + 3_600_000,
    });
    assert.equal((await post(node.url, both, eventId, 'hi')).status, 201);
    assert.equal((await post(node.url, memberOnly, eventId, 'hi')).body.error.code, 'followers_only');
    assert.equal(
      (await post(node.url, future, eventId, 'hi')).body.error.code,
      'followers_only',
      'a follow time in the future is no follow',
    );
  });
});

describe('development tokens with a membership', () => {
  let node: TestNode;
  before(async () => {
    node = await startNode();
  });
  after(() => node.stop());

  test('are issued to this machine only', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.9' };
    for (const body of [
      { name: 'x', member: true },
      { name: 'x', followedAt: 1 },
    ]) {
      const res = await api(node.url, 'POST', '/v1/dev/tokens', { body, headers: forwarded });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'forbidden');
    }
    assert.equal(
      (await api(node.url, 'POST', '/v1/dev/tokens', { body: { name: 'x' }, headers: forwarded })).status,
      201,
    );
  });
});
