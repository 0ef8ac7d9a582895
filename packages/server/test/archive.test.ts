// Search, export and user erasure through a real node over real sockets (docs/API.md "Search",
// "Export", "Retention and erasure"): who sees what, deletes and purges leaving the index, CSV
// that a spreadsheet cannot run, an erasure across events recorded.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createEvent, devToken, startNodeWithUsers, type TestNode, type TestUser } from './support.js';

describe('search, export and erasure', () => {
  let node: TestNode;
  let base: string;
  let alice: TestUser;
  let bob: TestUser;
  let mod: TestUser;
  let carol: TestUser;
  let root: TestUser;

  before(async () => {
    ({ node, base, alice, bob, mod } = await startNodeWithUsers());
    carol = await devToken(base, 'carol');
    root = await devToken(base, 'root', 'admin');
  });
  after(() => node.stop());

  async function say(user: TestUser, eventId: string, text: string): Promise<{ id: string; status: string }> {
    const res = await api(base, 'POST', `/v1/events/${eventId}/comments`, { token: user.token, body: { text } });
    assert.ok(res.status === 201 || res.status === 202, JSON.stringify(res.body));
    return { id: res.body.comment.id, status: res.body.status };
  }

  async function search(eventId: string, query: string, token?: string) {
    await node.services.indexer.idle();
    return api(base, 'GET', `/v1/events/${eventId}/search?${query}`, token ? { token } : {});
  }

  const texts = (res: { body: { items: { text: string }[] } }) => res.body.items.map((c) => c.text);

  test('viewers find published comments by word, phrase and author, newest first, in pages', async () => {
    const eventId = await createEvent(base, alice.token);
    await say(bob, eventId, 'GG what a GOAL');
    await say(carol, eventId, 'what a save, not a goal');
    await say(bob, eventId, 'Café au lait');
    await say(carol, eventId, 'the goal was offside');
    assert.deepEqual(texts(await search(eventId, 'q=goal')), [
      'the goal was offside',
      'what a save, not a goal',
      'GG what a GOAL',
    ]);
    assert.deepEqual(texts(await search(eventId, `q=${encodeURIComponent('"what a goal"')}`)), ['GG what a GOAL']);
    assert.deepEqual(texts(await search(eventId, 'q=cafe')), ['Café au lait'], 'accents fold');
    assert.deepEqual(texts(await search(eventId, `q=goal&author=${carol.id}`)), [
      'the goal was offside',
      'what a save, not a goal',
    ]);
    const first = await search(eventId, 'q=goal&limit=2');
    assert.equal(first.body.items.length, 2);
    assert.equal(typeof first.body.next, 'string');
    const second = await search(eventId, `q=goal&limit=2&cursor=${first.body.next}`);
    assert.deepEqual(texts(second), ['GG what a GOAL']);
    assert.equal(second.body.next, undefined);
    // Times: only what was posted in the range.
    const all = (await search(eventId, 'q=goal')).body.items as { createdAt: number; text: string }[];
    const from = all[1]!.createdAt;
    assert.ok(texts(await search(eventId, `q=goal&from=${from}`)).includes('what a save, not a goal'));
    assert.ok(!texts(await search(eventId, `q=goal&from=${from}`)).includes('GG what a GOAL'));
  });

  test('bad searches are refused with invalid_request and no harm', async () => {
    const eventId = await createEvent(base, alice.token);
    await say(bob, eventId, 'NEAR the end');
    for (const q of ['NEAR(a b)', 'body:x OR *', '"unclosed', "'; DROP TABLE comments; --"]) {
      const res = await search(eventId, `q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200, q);
    }
    const long = await search(eventId, `q=${'a'.repeat(201)}`);
    assert.equal(long.status, 400);
    assert.equal(long.body.error.code, 'invalid_request');
    const many = await search(eventId, `q=${encodeURIComponent('a b c d e f g h i')}`);
    assert.equal(many.body.error.code, 'invalid_request');
    assert.equal((await search(eventId, 'q=x&cursor=abc')).body.error.code, 'invalid_request');
    assert.equal((await search(eventId, 'q=x&include=deleted')).body.error.code, 'invalid_request');
    assert.equal((await search('no-such-event', 'q=x')).status, 404);
    assert.deepEqual(texts(await search(eventId, 'q=near')), ['NEAR the end'], 'the store still answers');
  });

  test('held comments: moderators may include them, viewers may not; deletes and purges leave the index', async () => {
    const eventId = await createEvent(base, alice.token, { linkPolicy: 'hold' });
    const held = await say(bob, eventId, 'goal replay at https://example.com/goal');
    assert.equal(held.status, 'held');
    const kept = await say(bob, eventId, 'first goal');
    const gone = await say(carol, eventId, 'second goal');
    assert.deepEqual(texts(await search(eventId, 'q=goal')), ['second goal', 'first goal']);
    assert.equal((await search(eventId, 'q=goal&include=held', bob.token)).status, 403);
    assert.equal((await search(eventId, 'q=goal&include=held')).status, 401);
    const asMod = await search(eventId, 'q=goal&include=held,rejected', mod.token);
    assert.equal(asMod.status, 200);
    assert.deepEqual(
      asMod.body.items.map((c: { id: string; status: string }) => [c.id, c.status]),
      [
        [gone.id, 'published'],
        [kept.id, 'published'],
        [held.id, 'held'],
      ],
    );
    assert.deepEqual((await search(eventId, 'q=goal&include=held', alice.token)).body.items.length, 3, 'the owner too');
    // A delete leaves the index.
    const del = await api(base, 'DELETE', `/v1/events/${eventId}/comments/${gone.id}`, { token: carol.token });
    assert.equal(del.status, 204);
    assert.deepEqual(texts(await search(eventId, 'q=goal')), ['first goal']);
    // A ban with purge deletes the user's published comments, and so they leave it too.
    const ban = await api(base, 'POST', `/v1/events/${eventId}/bans`, {
      token: alice.token,
      body: { userId: bob.id, purge: true },
    });
    assert.equal(ban.status, 201, JSON.stringify(ban.body));
    assert.deepEqual(texts(await search(eventId, 'q=goal')), []);
    const page = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
    const kinds = page.body.items.map((e: { type: string; commentId?: string }) => e.commentId ?? e.type);
    assert.ok(kinds.includes(kept.id), 'a delete entry for the purged comment');
  });

  test('export: owner and moderators only; JSON lines and CSV streamed; formulas defused, quotes doubled', async () => {
    const eventId = await createEvent(base, alice.token, { linkPolicy: 'hold' });
    await say(bob, eventId, '=1+2 "quoted", plain');
    await say(carol, eventId, '@SUM(A1) hello');
    const held = await say(carol, eventId, 'see https://example.com');
    assert.equal(held.status, 'held');
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}/export`, { token: bob.token })).status, 403);
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}/export`)).status, 401);

    const jsonl = await fetch(`${base}/v1/events/${eventId}/export?format=jsonl`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    assert.equal(jsonl.status, 200);
    assert.match(jsonl.headers.get('content-type') ?? '', /application\/x-ndjson/);
    assert.equal(jsonl.headers.get('content-length'), null, 'streamed, not sized up front');
    assert.equal(jsonl.headers.get('transfer-encoding'), 'chunked');
    const lines = (await jsonl.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.text),
      ['=1+2 "quoted", plain', '@SUM(A1) hello'],
      'published comments only, as posted',
    );
    assert.equal(lines[0].user.id, bob.id);

    const csv = await api(base, 'GET', `/v1/events/${eventId}/export?format=csv&moderation=true`, {
      token: mod.token,
    });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    const rows = (csv.body as string).split('\r\n').filter((r) => r !== '');
    assert.equal(rows[0], 'id,seq,createdAt,userId,userName,parentId,text,status');
    assert.equal(rows.length, 4);
    assert.ok(rows[1]!.endsWith(`,"'=1+2 ""quoted"", plain",published`), rows[1]);
    assert.ok(rows[2]!.endsWith(",'@SUM(A1) hello,published"), rows[2]);
    assert.ok(rows[3]!.endsWith(',see https://example.com,held'), rows[3]);
  });

  test('retention: retentionDays is an event setting with bounds', async () => {
    const eventId = await createEvent(base, alice.token, { retentionDays: 30 });
    const patch = (retentionDays: unknown) =>
      api(base, 'PATCH', `/v1/events/${eventId}`, { token: alice.token, body: { settings: { retentionDays } } });
    assert.equal((await patch(0)).body.error.code, 'invalid_request');
    assert.equal((await patch(1.5)).body.error.code, 'invalid_request');
    const ok = await patch(7);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const event = await api(base, 'GET', `/v1/events/${eventId}`, { token: alice.token });
    assert.equal(event.body.settings.retentionDays, 7);
  });

  test('erasure: an admin removes a user everywhere and it is recorded; nobody else may', async () => {
    const one = await createEvent(base, alice.token);
    const two = await createEvent(base, carol.token);
    const victim = await devToken(base, 'dana');
    await say(victim, one, 'dana was here');
    await say(victim, two, 'dana again');
    await say(carol, two, 'carol stays');
    assert.equal(
      (await api(base, 'POST', `/v1/admin/users/${victim.id}/erase`, { token: mod.token, body: {} })).status,
      403,
    );
    const res = await api(base, 'POST', `/v1/admin/users/${victim.id}/erase`, {
      token: root.token,
      body: { reason: 'user request #12' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.comments, 2);
    assert.equal(res.body.events, 2);
    assert.equal(res.body.by, root.id);
    for (const eventId of [one, two]) {
      const page = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
      for (const e of page.body.items) {
        if (e.type === 'comment' && e.comment.user.id === victim.id) assert.equal(e.comment.text, '');
      }
      assert.deepEqual(texts(await search(eventId, 'q=dana')), []);
    }
    assert.deepEqual(texts(await search(two, 'q=carol')), ['carol stays']);
    const list = await api(base, 'GET', '/v1/admin/erasures', { token: root.token });
    assert.equal(list.body.items[0].userId, victim.id);
    assert.equal(list.body.items[0].reason, 'user request #12');
    assert.equal((await api(base, 'GET', '/v1/admin/erasures', { token: alice.token })).status, 403);
  });

  test('a moderator banned from the event loses held search, moderation export and analytics; an admin keeps them', async () => {
    const eventId = await createEvent(base, alice.token, { linkPolicy: 'hold' });
    const appointed = await devToken(base, 'ivan');
    const put = await api(base, 'PUT', `/v1/events/${eventId}/moderators/${appointed.id}`, {
      token: alice.token,
      body: {},
    });
    assert.ok(put.status < 300, JSON.stringify(put.body));
    assert.equal((await say(bob, eventId, 'goal at https://example.com')).status, 'held');
    const reads = (token: string) => [
      search(eventId, 'q=goal&include=held', token),
      api(base, 'GET', `/v1/events/${eventId}/export?moderation=true`, { token }),
      api(base, 'GET', `/v1/events/${eventId}/analytics`, { token }),
    ];
    for (const who of [appointed, mod, root]) {
      for (const res of await Promise.all(reads(who.token))) assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    for (const who of [appointed, mod, root]) {
      const ban = await api(base, 'POST', `/v1/events/${eventId}/bans`, {
        token: alice.token,
        body: { userId: who.id },
      });
      assert.equal(ban.status, 201, JSON.stringify(ban.body));
    }
    for (const who of [appointed, mod]) {
      for (const res of await Promise.all(reads(who.token))) {
        assert.equal(res.status, 403, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'forbidden');
        assert.match(res.body.error.message, /banned/);
      }
    }
    for (const res of await Promise.all(reads(root.token))) assert.equal(res.status, 200, 'admins stand above events');
  });
});

describe('search limits', () => {
  let node: TestNode;
  let base: string;
  let alice: TestUser;

  before(async () => {
    // Pages of at most 3 rows examined; 30 searches a minute, 8 at once.
    ({ node, base, alice } = await startNodeWithUsers({ searchScanRows: 3, searchPerMinute: 30 }));
  });
  after(() => node.stop());

  test('a page examines a bounded window: words that never meet answer empty pages with a next', async () => {
    const eventId = await createEvent(base, alice.token);
    // A service caller posts without the per-user rate limit.
    const backend = await devToken(base, 'backend', 'service');
    for (let i = 0; i < 8; i++) {
      const res = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
        token: backend.token,
        body: { text: `${i % 2 ? 'red' : 'blue'} fish number ${i}` },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    await node.services.indexer.idle();
    const pages: number[] = [];
    let cursor = '';
    for (let round = 0; round < 10; round++) {
      const res = await api(base, 'GET', `/v1/events/${eventId}/search?q=red+blue${cursor}`, { token: alice.token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      pages.push(res.body.items.length);
      if (res.body.next === undefined) break;
      cursor = `&cursor=${res.body.next}`;
    }
    assert.deepEqual(pages, [0, 0, 0], 'three windows of 3 rows cover the 8 comments, none matches');
    const fish = await api(base, 'GET', `/v1/events/${eventId}/search?q=fish&limit=10`, { token: alice.token });
    assert.equal(fish.body.items.length, 3, 'a page stops at its window');
    assert.equal(typeof fish.body.next, 'string');
    // A range that ends before the event began walks nothing.
    const early = await api(base, 'GET', `/v1/events/${eventId}/search?to=1`, { token: alice.token });
    assert.deepEqual(early.body, { items: [] });
  });

  test('searches are limited per user, and per address without a token, across events', async () => {
    const one = await createEvent(base, alice.token);
    const two = await createEvent(base, alice.token);
    const carol = await devToken(base, 'carol');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await api(base, 'GET', `/v1/events/${one}/search?q=x`)).status);
    assert.deepEqual(statuses, Array(8).fill(200));
    const refused = await api(base, 'GET', `/v1/events/${two}/search?q=x`);
    assert.equal(refused.status, 429, "the address's searches count across events");
    assert.equal(refused.body.error.code, 'rate_limited');
    assert.ok(refused.body.error.retryAfterMs > 0);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    // A signed-in user has their own budget, and spends it the same way.
    for (let i = 0; i < 8; i++) {
      assert.equal((await api(base, 'GET', `/v1/events/${two}/search?q=x`, { token: carol.token })).status, 200);
    }
    assert.equal((await api(base, 'GET', `/v1/events/${one}/search?q=x`, { token: carol.token })).status, 429);
    // The operator's service callers are not limited.
    const service = await devToken(base, 'backend', 'service');
    for (let i = 0; i < 10; i++) {
      assert.equal((await api(base, 'GET', `/v1/events/${one}/search?q=x`, { token: service.token })).status, 200);
    }
  });
});
