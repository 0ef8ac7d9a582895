// The REST surface of docs/API.md over real sockets, with every catalogued error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { api, createEvent, devToken, post, startNodeWithUsers, type TestNode, type TestUser } from './support.js';

describe('REST API', () => {
  let node: TestNode;
  let base: string;
  let alice: TestUser;
  let bob: TestUser;
  let mod: TestUser;

  before(async () => {
    ({ node, base, alice, bob, mod } = await startNodeWithUsers());
  });
  after(() => node.stop());

  test('dev tokens carry the user', async () => {
    const res = await api(base, 'POST', '/v1/dev/tokens', { body: { name: 'carol', role: 'viewer' } });
    assert.equal(res.status, 201);
    assert.equal(res.body.user.name, 'carol');
    assert.match(res.body.user.id, /^u_/);
    assert.equal(typeof res.body.token, 'string');
    const bad = await api(base, 'POST', '/v1/dev/tokens', { body: { name: 'x', role: 'root' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_request');
  });

  test('events: create, get, list live, update, end', async () => {
    const created = await api(base, 'POST', '/v1/events', {
      token: alice.token,
      body: { title: 'Cup final', settings: { slowModeMs: 0, maxCommentChars: 200 } },
    });
    assert.equal(created.status, 201);
    const event = created.body;
    assert.equal(event.title, 'Cup final');
    assert.equal(event.status, 'live');
    assert.equal(event.ownerId, alice.id);
    assert.equal(event.lastSeq, 0);
    assert.equal(event.viewers, 0);
    assert.equal(event.settings.maxCommentChars, 200);
    assert.equal(event.settings.rateLimitPerMinute, 60);

    const got = await api(base, 'GET', `/v1/events/${event.id}`, { token: alice.token });
    assert.deepEqual({ ...got.body, viewers: 0 }, event);

    const live = await api(base, 'GET', '/v1/events?status=live');
    assert.ok(live.body.items.some((e: { id: string }) => e.id === event.id));

    const patched = await api(base, 'PATCH', `/v1/events/${event.id}`, {
      token: alice.token,
      body: { settings: { slowModeMs: 1000, blockedTerms: ['spoiler'] } },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.settings.slowModeMs, 1000);
    assert.deepEqual(patched.body.settings.blockedTerms, ['spoiler']);
    assert.equal(patched.body.settings.maxCommentChars, 200, 'fields left out keep their value');
    assert.equal(patched.body.lastSeq, 1, 'a settings change is a log entry');

    const forbidden = await api(base, 'PATCH', `/v1/events/${event.id}`, {
      token: bob.token,
      body: { settings: { slowModeMs: 0 } },
    });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, 'forbidden');

    const ended = await api(base, 'POST', `/v1/events/${event.id}/end`, { token: alice.token });
    assert.equal(ended.status, 200);
    assert.equal(ended.body.status, 'ended');
    assert.equal(typeof ended.body.endedAt, 'number');
    const refused = await post(base, bob.token, event.id, 'too late');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'event_ended');

    const log = await api(base, 'GET', `/v1/events/${event.id}/comments?after=0`);
    assert.deepEqual(
      log.body.items.map((e: { seq: number; type: string }) => [e.seq, e.type]),
      [
        [1, 'event'],
        [2, 'event'],
      ],
    );
    assert.equal(log.body.items[1].event.status, 'ended');
    const endedList = await api(base, 'GET', '/v1/events?status=ended');
    assert.ok(endedList.body.items.some((e: { id: string }) => e.id === event.id));
  });

  test('comments: post, page after and before, delete', async () => {
    const eventId = await createEvent(base, alice.token);
    const first = await post(base, bob.token, eventId, 'first!');
    assert.equal(first.status, 201);
    assert.equal(first.body.status, 'published');
    const comment = first.body.comment;
    assert.deepEqual(Object.keys(comment).sort(), ['createdAt', 'eventId', 'id', 'mediaTimeMs', 'seq', 'text', 'user']);
    assert.equal(comment.seq, 1);
    assert.deepEqual(comment.user, { id: bob.id, name: 'bob' });
    for (let i = 2; i <= 5; i++) assert.equal((await post(base, alice.token, eventId, `c${i}`)).body.comment.seq, i);

    const reply = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
      token: alice.token,
      body: { text: 'a reply', parentId: comment.id },
    });
    assert.equal(reply.status, 201);
    assert.equal(reply.body.comment.parentId, comment.id);

    const page = await api(base, 'GET', `/v1/events/${eventId}/comments?after=2&limit=2`);
    assert.deepEqual(
      page.body.items.map((e: { seq: number }) => e.seq),
      [3, 4],
    );
    assert.equal(page.body.lastSeq, 6);
    const back = await api(base, 'GET', `/v1/events/${eventId}/comments?before=5&limit=3`);
    assert.deepEqual(
      back.body.items.map((e: { seq: number }) => e.seq),
      [4, 3, 2],
    );

    const notAuthor = await api(base, 'DELETE', `/v1/events/${eventId}/comments/${comment.id}`, { token: mod.token });
    assert.equal(notAuthor.status, 204, 'a moderator may delete');
    const again = await api(base, 'DELETE', `/v1/events/${eventId}/comments/${comment.id}`, { token: bob.token });
    assert.equal(again.status, 204, 'deleting twice is fine');
    const after = await api(base, 'GET', `/v1/events/${eventId}/comments?after=6`);
    assert.deepEqual(after.body.items, [{ seq: 7, type: 'delete', commentId: comment.id }]);
    const blanked = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0&limit=1`);
    assert.equal(blanked.body.items[0].comment.text, '', 'the deleted text is gone from history');

    const other = await post(base, mod.token, eventId, 'mine');
    const stranger = await api(base, 'DELETE', `/v1/events/${eventId}/comments/${other.body.comment.id}`, {
      token: bob.token,
    });
    assert.equal(stranger.status, 403);
    const missing = await api(base, 'DELETE', `/v1/events/${eventId}/comments/c_nope`, { token: alice.token });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
  });

  test('text is normalised; empty and too long are refused', async () => {
    const eventId = await createEvent(base, alice.token, { maxCommentChars: 10 });
    const res = await post(base, bob.token, eventId, '  cafe\u0301\u0007\u202e ok\n ');
    assert.equal(res.status, 201);
    assert.equal(res.body.comment.text, 'caf\u00e9 ok');
    const empty = await post(base, bob.token, eventId, ' \u0000\t\u200b ');
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, 'invalid_request');
    const long = await post(base, bob.token, eventId, 'x'.repeat(11));
    assert.equal(long.status, 400);
    const emoji = await post(base, bob.token, eventId, '\u{1F600}'.repeat(10));
    assert.equal(emoji.status, 201, 'length counts characters, not UTF-16 units');
  });

  test('idempotent posts: clientId and Idempotency-Key return the first result', async () => {
    const eventId = await createEvent(base, alice.token);
    const a = await post(base, bob.token, eventId, 'once', 'k-1');
    const b = await post(base, bob.token, eventId, 'once', 'k-1');
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.deepEqual(b.body, a.body);
    const h1 = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
      token: bob.token,
      body: { text: 'keyed' },
      headers: { 'idempotency-key': 'h-1' },
    });
    const h2 = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
      token: bob.token,
      body: { text: 'keyed' },
      headers: { 'idempotency-key': 'h-1' },
    });
    assert.deepEqual(h2.body, h1.body);
    const racing = await Promise.all(Array.from({ length: 5 }, () => post(base, bob.token, eventId, 'race', 'k-2')));
    assert.equal(new Set(racing.map((r) => r.body.comment.id)).size, 1, 'concurrent retries share one comment');
    const other = await post(base, alice.token, eventId, 'once', 'k-1');
    assert.notEqual(other.body.comment.id, a.body.comment.id, 'keys are per author');
    const log = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
    assert.equal(log.body.items.length, 4, 'retries published nothing new');
  });

  test('review queue, bans and moderation log', async () => {
    const eventId = await createEvent(base, alice.token, { linksAllowed: false });
    const held = await post(base, bob.token, eventId, 'visit www.example.com now');
    assert.equal(held.status, 202);
    assert.equal(held.body.status, 'held');
    const queue = await api(base, 'GET', `/v1/events/${eventId}/review`, { token: mod.token });
    assert.equal(queue.status, 200);
    assert.equal(queue.body.items[0].comment.id, held.body.comment.id);
    assert.deepEqual(queue.body.items[0].reasons, ['link']);
    const viewerQueue = await api(base, 'GET', `/v1/events/${eventId}/review`, { token: bob.token });
    assert.equal(viewerQueue.status, 403);

    await post(base, bob.token, eventId, 'plain');
    const approved = await api(base, 'POST', `/v1/events/${eventId}/review/${held.body.comment.id}`, {
      token: mod.token,
      body: { action: 'approve' },
    });
    assert.equal(approved.status, 200);
    assert.equal(approved.body.comment.seq, 2, 'an approved comment takes the next seq');
    const twice = await api(base, 'POST', `/v1/events/${eventId}/review/${held.body.comment.id}`, {
      token: mod.token,
      body: { action: 'reject' },
    });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'conflict');

    const held2 = await post(base, bob.token, eventId, 'and http://spam.example');
    const rejected = await api(base, 'POST', `/v1/events/${eventId}/review/${held2.body.comment.id}`, {
      token: alice.token,
      body: { action: 'reject', reason: 'spam' },
    });
    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.status, 'rejected');

    const ban = await api(base, 'POST', `/v1/events/${eventId}/bans`, {
      token: mod.token,
      body: { userId: bob.id, durationMs: 60_000, reason: 'flood' },
    });
    assert.equal(ban.status, 201);
    const banned = await post(base, bob.token, eventId, 'still here?');
    assert.equal(banned.status, 403);
    assert.equal(banned.body.error.code, 'banned');
    const bans = await api(base, 'GET', `/v1/events/${eventId}/bans`, { token: mod.token });
    assert.equal(bans.body.items[0].userId, bob.id);
    const unban = await api(base, 'DELETE', `/v1/events/${eventId}/bans/${bob.id}`, { token: mod.token });
    assert.equal(unban.status, 204);
    assert.equal((await post(base, bob.token, eventId, 'back')).status, 201);
    const unbanMissing = await api(base, 'DELETE', `/v1/events/${eventId}/bans/${bob.id}`, { token: mod.token });
    assert.equal(unbanMissing.status, 404);

    const log = await api(base, 'GET', `/v1/events/${eventId}/moderation-log`, { token: alice.token });
    const actions = log.body.items.map((a: { action: string }) => a.action);
    assert.deepEqual(actions, ['unban', 'ban', 'reject', 'hold', 'approve', 'hold']);
    const rejectEntry = log.body.items.find((a: { action: string }) => a.action === 'reject');
    assert.equal(rejectEntry.actorId, alice.id);
    assert.equal(rejectEntry.reason, 'spam');
    const entries = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
    assert.deepEqual(
      entries.body.items.map((e: { type: string }) => e.type),
      ['comment', 'comment', 'ban', 'ban', 'comment'],
    );
    const lift = entries.body.items[3];
    assert.equal(lift.userId, bob.id);
    assert.ok(lift.until !== null && lift.until <= Date.now(), 'an unban is a ban that ends now');
  });

  test('blocked terms refuse with 422 rejected and store nothing', async () => {
    const eventId = await createEvent(base, alice.token, { blockedTerms: ['spoiler'] });
    const res = await post(base, bob.token, eventId, 'big SPOILER ahead');
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'rejected');
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}`)).body.lastSeq, 0);
  });

  test('moderation settings are shown to those who moderate the event only', async () => {
    const eventId = await createEvent(base, alice.token, {
      blockedTerms: ['secretword'],
      slowModeMs: 2000,
      moderation: { shadow: true, spamBlock: 0.9 },
    });
    const hidden = ['blockedTerms', 'moderation', 'profanity', 'languages', 'attackRules', 'repeatWindowMs'];
    const anonymous = await api(base, 'GET', `/v1/events/${eventId}`);
    const viewer = await api(base, 'GET', `/v1/events/${eventId}`, { token: bob.token });
    const stale = await api(base, 'GET', `/v1/events/${eventId}`, { token: 'not-a-token' });
    const list = await api(base, 'GET', '/v1/events?status=live&limit=200', { token: bob.token });
    const listed = list.body.items.find((e: { id: string }) => e.id === eventId);
    for (const [who, seen] of [
      ['anonymous', anonymous.body],
      ['a viewer', viewer.body],
      ['a stale token', stale.body],
      ['the list', listed],
    ]) {
      assert.equal(seen.title, 'Test event', who);
      assert.equal(seen.status, 'live', who);
      assert.equal(seen.settings.slowModeMs, 2000, `${who}: the composer's settings`);
      assert.equal(seen.settings.maxCommentChars, 500, who);
      assert.equal(seen.settings.linksAllowed, true, who);
      for (const key of hidden) assert.equal(key in seen.settings, false, `${who} does not see ${key}`);
      assert.doesNotMatch(JSON.stringify(seen), /secretword|shadow/, who);
    }
    for (const token of [alice.token, mod.token]) {
      const full = await api(base, 'GET', `/v1/events/${eventId}`, { token });
      assert.deepEqual(full.body.settings.blockedTerms, ['secretword']);
      assert.equal(full.body.settings.moderation.shadow, true);
    }
    const ownList = await api(base, 'GET', '/v1/events?status=live&limit=200', { token: alice.token });
    const own = ownList.body.items.find((e: { id: string }) => e.id === eventId);
    assert.deepEqual(own.settings.blockedTerms, ['secretword'], 'the owner sees them in the list');
  });

  test('rate limit answers 429 with retryAfterMs and Retry-After', async () => {
    const eventId = await createEvent(base, alice.token, { rateLimitPerMinute: 60 });
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await post(base, bob.token, eventId, `msg ${i}`));
    const refused = results.filter((r) => r.status === 429);
    assert.ok(refused.length >= 1, 'a burst beyond the limit is refused');
    assert.equal(refused[0]!.body.error.code, 'rate_limited');
    assert.ok(refused[0]!.body.error.retryAfterMs > 0);
    assert.equal(refused[0]!.headers.get('retry-after'), '1');
    const service = await devToken(base, 'bot', 'service');
    for (let i = 0; i < 20; i++) assert.equal((await post(base, service.token, eventId, `svc ${i}`)).status, 201);
  });

  test('slow mode answers 429 slow_mode', async () => {
    const eventId = await createEvent(base, alice.token, { slowModeMs: 30_000 });
    assert.equal((await post(base, bob.token, eventId, 'one')).status, 201);
    const second = await post(base, bob.token, eventId, 'two');
    assert.equal(second.status, 429);
    assert.equal(second.body.error.code, 'slow_mode');
    assert.ok(second.body.error.retryAfterMs > 25_000);
    assert.equal(second.headers.get('retry-after'), String(Math.ceil(second.body.error.retryAfterMs / 1000)));
    assert.equal((await post(base, alice.token, eventId, 'other user')).status, 201);
  });

  test('bad input: each gets its clear error and nothing is stored', async () => {
    const eventId = await createEvent(base, alice.token);
    const path = `/v1/events/${eventId}/comments`;
    const expired = await new SignJWT({ name: 'old' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u_old')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(readDevSecret(node.dataDir)));
    const forged = await new SignJWT({ name: 'eve', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u_eve')
      .sign(new TextEncoder().encode('not-the-secret-not-the-secret-xx'));
    const cases: [string, Parameters<typeof api>[3], number, string][] = [
      ['malformed JSON', { token: bob.token, raw: '{"text": "hi"' }, 400, 'invalid_request'],
      ['not an object', { token: bob.token, raw: '["hi"]' }, 400, 'invalid_request'],
      ['wrong type', { token: bob.token, body: { text: 42 } }, 400, 'invalid_request'],
      ['missing text', { token: bob.token, body: { clientId: 'x' } }, 400, 'invalid_request'],
      ['unknown field', { token: bob.token, body: { text: 'hi', html: '<b>' } }, 400, 'invalid_request'],
      ['clientId wrong type', { token: bob.token, body: { text: 'hi', clientId: 7 } }, 400, 'invalid_request'],
      ['oversized body', { token: bob.token, body: { text: 'x'.repeat(40_000) } }, 413, 'too_large'],
      [
        'invalid UTF-8',
        {
          token: bob.token,
          raw: Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
        },
        400,
        'invalid_request',
      ],
      [
        'no content type',
        { token: bob.token, raw: 'text=hi', headers: { 'content-type': 'text/plain' } },
        400,
        'invalid_request',
      ],
      ['missing token', { body: { text: 'hi' } }, 401, 'unauthenticated'],
      ['malformed header', { body: { text: 'hi' }, headers: { authorization: 'Token abc' } }, 401, 'unauthenticated'],
      ['expired token', { token: expired, body: { text: 'hi' } }, 401, 'unauthenticated'],
      ['forged token', { token: forged, body: { text: 'hi' } }, 401, 'unauthenticated'],
    ];
    for (const [name, options, status, code] of cases) {
      const res = await api(base, 'POST', path, options);
      assert.equal(res.status, status, `${name}: status`);
      assert.equal(res.body?.error?.code, code, `${name}: code`);
      assert.equal(typeof res.body.error.message, 'string', `${name}: message`);
      assert.doesNotMatch(JSON.stringify(res.body), /at .*\.js:\d+/, `${name}: no stack trace`);
    }
    const unknown = await post(base, bob.token, 'ev_missing', 'hi');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'not_found');
    const badParam = await api(base, 'GET', `/v1/events/${eventId}/comments?after=-1`);
    assert.equal(badParam.status, 400);
    const both = await api(base, 'GET', `/v1/events/${eventId}/comments?after=1&before=3`);
    assert.equal(both.status, 400);
    const noRoute = await api(base, 'GET', '/v1/nothing');
    assert.equal(noRoute.status, 404);
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}`)).body.lastSeq, 0, 'nothing was stored');
  });

  test('health, readiness, metrics', async () => {
    assert.deepEqual((await api(base, 'GET', '/health')).body, { status: 'ok' });
    const ready = await api(base, 'GET', '/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, { store: 'ok', bus: 'ok' });
    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    for (const name of [
      'lc_connections',
      'lc_comments_total',
      'lc_delivery_batches_total',
      'lc_delivery_encoded_bytes_total',
      'lc_flush_seconds',
      'lc_store_commit_seconds',
    ]) {
      assert.match(metrics, new RegExp(`^# TYPE ${name} `, 'm'));
    }
    assert.match(metrics, /lc_comments_total\{outcome="published"\} \d+/);
    assert.match(metrics, /lc_comments_total\{outcome="rate_limited"\} \d+/);
  });
});

function readDevSecret(dataDir: string): string {
  // The development secret lives in the data folder; a token signed with it but expired must fail.
  return readFileSync(`${dataDir}/dev-secret`, 'utf8').trim();
}
