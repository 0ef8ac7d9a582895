// Media time and replay through a real node over real sockets (docs/API.md "Media time and
// replay"): posting with mediaTimeMs over REST and WebSocket, its checks, the media start of an
// event, and the replay endpoint's order, paging and removals.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createEvent, devToken, startNode, type TestNode, type TestUser, WsViewer } from './support.js';

const HOUR = 3_600_000;

describe('media time and replay', () => {
  let node: TestNode;
  let base: string;
  let owner: TestUser;
  let viewer: TestUser;
  let bot: TestUser;

  before(async () => {
    node = await startNode();
    base = node.url;
    owner = await devToken(base, 'olive');
    viewer = await devToken(base, 'vic');
    // A trusted publisher: no rate limits, so a test can post many comments at once.
    bot = await devToken(base, 'bot', 'service');
  });
  after(() => node.stop());

  /** An event whose media started an hour ago (media times up to an hour are accepted). */
  const hourOld = () => createEvent(base, owner.token, { mediaStartedAt: Date.now() - HOUR });

  const postAt = (eventId: string, text: string, mediaTimeMs?: unknown, token = bot.token) =>
    api(base, 'POST', `/v1/events/${eventId}/comments`, {
      token,
      body: mediaTimeMs === undefined ? { text } : { text, mediaTimeMs },
    });

  const replay = (eventId: string, query = '') => api(base, 'GET', `/v1/events/${eventId}/replay${query}`);

  /** Every page, `limit` at a time, following `next`. */
  async function replayAll(eventId: string, limit: number): Promise<string[]> {
    const texts: string[] = [];
    let query = `?limit=${limit}`;
    for (let pages = 0; pages < 50; pages++) {
      const page = await replay(eventId, query);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      texts.push(...page.body.items.map((c: any) => c.text));
      if (page.body.nextFromMs === null) return texts;
      query = `?limit=${limit}&cursor=${encodeURIComponent(page.body.next)}`;
    }
    throw new Error('replay did not end');
  }

  test('the event tells when its media started: its creation, or as the owner sets it', async () => {
    const plain = await api(base, 'POST', '/v1/events', { token: owner.token, body: { title: 'plain' } });
    assert.equal(plain.body.mediaStartedAt, plain.body.createdAt);
    const at = Date.now() - 5000;
    const patched = await api(base, 'PATCH', `/v1/events/${plain.body.id}`, {
      token: owner.token,
      body: { settings: { mediaStartedAt: at } },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.mediaStartedAt, at);
    // Everyone sees it, on the event and in its `event` entries.
    const read = await api(base, 'GET', `/v1/events/${plain.body.id}`);
    assert.equal(read.body.mediaStartedAt, at);
    const log = await api(base, 'GET', `/v1/events/${plain.body.id}/comments?after=0`);
    assert.equal(log.body.items.at(-1).event.mediaStartedAt, at);
    const refused = await api(base, 'PATCH', `/v1/events/${plain.body.id}`, {
      token: owner.token,
      body: { settings: { mediaStartedAt: -1 } },
    });
    assert.equal(refused.status, 400);
    assert.equal((await api(base, 'GET', `/v1/events/${plain.body.id}`)).body.mediaStartedAt, at);
  });

  test("a comment keeps its poster's mediaTimeMs; one without gets it from createdAt", async () => {
    const eventId = await hourOld();
    const given = await postAt(eventId, 'at the goal', 120_000, viewer.token);
    assert.equal(given.status, 201, JSON.stringify(given.body));
    assert.equal(given.body.comment.mediaTimeMs, 120_000);
    const derived = await postAt(eventId, 'no position', undefined, viewer.token);
    const event = (await api(base, 'GET', `/v1/events/${eventId}`)).body;
    assert.equal(derived.body.comment.mediaTimeMs, derived.body.comment.createdAt - event.mediaStartedAt);
    const log = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
    assert.deepEqual(
      log.body.items.filter((e: any) => e.type === 'comment').map((e: any) => e.comment.mediaTimeMs),
      [120_000, derived.body.comment.mediaTimeMs],
    );
  });

  test('a WebSocket post carries mediaTimeMs; bad ones are refused and change nothing', async () => {
    const eventId = await hourOld();
    const ws = await WsViewer.open(base, eventId, `after=0&token=${viewer.token}`);
    try {
      ws.send({ type: 'comment', text: 'from the socket', clientId: 'w1', mediaTimeMs: 30_000 });
      const ack = await ws.next((f) => f.type === 'ack' && f.clientId === 'w1');
      assert.equal(ack.comment.mediaTimeMs, 30_000);
      // Every viewer gets it in the log entry too.
      await ws.next((f) => f.type === 'entries' && f.items.some((e: any) => e.comment?.mediaTimeMs === 30_000));
      const bad: [string, unknown][] = [
        ['w2', -5],
        ['w3', HOUR + 10 * 60_000],
        ['w4', '30000'],
        ['w5', 1.5],
        ['w6', null],
      ];
      for (const [clientId, mediaTimeMs] of bad) ws.send({ type: 'comment', text: 'bad', clientId, mediaTimeMs });
      for (const [clientId] of bad) {
        const error = await ws.next((f) => f.type === 'error' && f.clientId === clientId);
        assert.equal(error.error.code, 'invalid_request', clientId);
        assert.equal(error.error.field, 'mediaTimeMs', clientId);
      }
      const log = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
      assert.deepEqual(
        log.body.items.map((e: any) => e.comment?.text),
        ['from the socket'],
      );
    } finally {
      await ws.close();
    }
  });

  test('REST: negative, far ahead or wrong type is 400 and changes nothing', async () => {
    const eventId = await createEvent(base, owner.token);
    for (const value of [-1, 10 * 60_000, 'soon', 2.5, { ms: 1 }, null]) {
      const res = await postAt(eventId, 'bad', value, viewer.token);
      assert.equal(res.status, 400, `${JSON.stringify(value)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'invalid_request');
    }
    const ahead = await postAt(eventId, 'bad', 10 * 60_000, viewer.token);
    assert.equal(ahead.body.error.field, 'mediaTimeMs');
    // A little ahead (a media start marked late) is fine.
    assert.equal((await postAt(eventId, 'fine', 5000, viewer.token)).status, 201);
    const log = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
    assert.deepEqual(
      log.body.items.map((e: any) => e.comment?.text),
      ['fine'],
    );
  });

  test('replay: media-time order, ties by seq, paged by cursor without skipping or repeating', async () => {
    const eventId = await hourOld();
    // Posted out of media-time order (a slow player posts late), and five at one media time.
    const plan: [string, number][] = [
      ['c', 30_000],
      ['a', 10_000],
      ['t1', 20_000],
      ['t2', 20_000],
      ['t3', 20_000],
      ['t4', 20_000],
      ['t5', 20_000],
      ['b', 15_000],
    ];
    for (const [text, ms] of plan) assert.equal((await postAt(eventId, text, ms)).status, 201);
    const expected = ['a', 'b', 't1', 't2', 't3', 't4', 't5', 'c'];
    const whole = await replay(eventId);
    assert.deepEqual(
      whole.body.items.map((c: any) => c.text),
      expected,
    );
    assert.equal(whole.body.nextFromMs, null, 'the page holds the end');
    for (const limit of [1, 2, 3]) assert.deepEqual(await replayAll(eventId, limit), expected, `limit ${limit}`);
    const first = await replay(eventId, '?limit=3');
    assert.equal(first.body.nextFromMs, 20_000, "more follow: the last item's media time");
    assert.deepEqual(
      (await replay(eventId, '?fromMs=20000&limit=2')).body.items.map((c: any) => c.text),
      ['t1', 't2'],
    );
    assert.deepEqual((await replay(eventId, '?fromMs=30001')).body, { items: [], nextFromMs: null });
    for (const bad of ['?cursor=nope', '?cursor=MTIzLg', '?fromMs=-1', '?limit=x']) {
      const res = await replay(eventId, bad);
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.error.code, 'invalid_request');
    }
    assert.equal((await replay('ev_nothing_here')).status, 404);
  });

  test('replay: removals count whenever made, after the end too; a ban purges what came before it', async () => {
    const eventId = await hourOld();
    const ids: Record<string, string> = {};
    for (const [text, ms, tok] of [
      ['hello', 1000, bot.token],
      ['spam one', 2000, viewer.token],
      ['nice', 3000, bot.token],
      ['later deleted', 4000, bot.token],
      ['bye', 5000, bot.token],
    ] as const) {
      const res = await postAt(eventId, text, ms, tok);
      assert.equal(res.status, 201);
      ids[text] = res.body.comment.id;
    }
    const del = await api(base, 'DELETE', `/v1/events/${eventId}/comments/${ids.nice}`, { token: owner.token });
    assert.equal(del.status, 204);
    assert.equal((await api(base, 'POST', `/v1/events/${eventId}/end`, { token: owner.token })).status, 200);
    assert.deepEqual(await replayAll(eventId, 2), ['hello', 'spam one', 'later deleted', 'bye']);
    // A day later, say: a moderator deletes one more and bans the spammer.
    const late = await api(base, 'DELETE', `/v1/events/${eventId}/comments/${ids['later deleted']}`, {
      token: owner.token,
    });
    assert.equal(late.status, 204);
    const ban = await api(base, 'POST', `/v1/events/${eventId}/bans`, {
      token: owner.token,
      body: { userId: viewer.id },
    });
    assert.equal(ban.status, 201, JSON.stringify(ban.body));
    assert.deepEqual(await replayAll(eventId, 2), ['hello', 'bye']);
    assert.deepEqual(await replayAll(eventId, 10), ['hello', 'bye']);
  });
});
