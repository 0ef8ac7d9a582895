// Replies, reports, badges, event moderators and protected names, through a real node over real
// sockets (docs/API.md "Replies", "Reports", "Badges and roles").
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { api, createEvent, pollUntil, SseViewer, startNode, type TestNode, WsViewer, waitFor } from './support.js';

const SECRET = 'social-test-secret-of-enough-length-0123456789';

/** A token signed with the node's secret: `sub`, `name`, and any other claims. */
async function token(sub: string, name: string, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ name, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
}

function postAs(base: string, tok: string, eventId: string, text: string, parentId?: string) {
  return api(base, 'POST', `/v1/events/${eventId}/comments`, {
    token: tok,
    body: parentId ? { text, parentId } : { text },
  });
}

describe('replies, reports, badges and event moderators', () => {
  let node: TestNode;
  let base: string;
  const t: Record<string, string> = {};

  before(async () => {
    node = await startNode({ jwtSecret: SECRET, devTokens: false });
    base = node.url;
    t.sue = await token('sue', 'Streamer Sue');
    t.max = await token('max', 'Max');
    t.vic = await token('vic', 'Vic', { member: true });
    t.val = await token('val', 'Val', { badges: ['verified', 'staff', 'owner', 'member'] });
    t.glob = await token('glob', 'Global Mod', { role: 'moderator' });
    t.root = await token('root', 'Root', { role: 'admin' });
    for (let i = 0; i < 12; i++) t[`v${i}`] = await token(`v${i}`, `Viewer ${i}`);
  });
  after(() => node.stop());

  test('badges: worked out per event and role, claimed ones only member and verified', async () => {
    const eventId = await createEvent(base, t.sue!);
    assert.equal(
      (await api(base, 'PUT', `/v1/events/${eventId}/moderators/max`, { token: t.sue, body: {} })).status,
      200,
    );
    const badgesOf = async (tok: string) => (await postAs(base, tok, eventId, 'hello there')).body.comment.user.badges;
    assert.deepEqual(await badgesOf(t.sue!), ['owner']);
    assert.deepEqual(await badgesOf(t.max!), ['moderator']);
    assert.deepEqual(await badgesOf(t.glob!), ['moderator', 'staff']);
    assert.deepEqual(await badgesOf(t.root!), ['staff']);
    assert.deepEqual(await badgesOf(t.vic!), ['member']);
    assert.deepEqual(await badgesOf(t.val!), ['member', 'verified'], 'a token claims no owner or staff badge');
    assert.equal(await badgesOf(t.v0!), undefined, 'no badges, no field');
    const keyed = { text: 'once', clientId: 'k-1' };
    const first = await api(base, 'POST', `/v1/events/${eventId}/comments`, { token: t.sue, body: keyed });
    const retry = await api(base, 'POST', `/v1/events/${eventId}/comments`, { token: t.sue, body: keyed });
    assert.deepEqual(retry.body, first.body, 'a retry answers the same, badges included');
    const log = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
    assert.deepEqual(log.body.items[0].comment.user.badges, ['owner'], 'badges are kept in the log');
  });

  test('badges and replies reach viewers on WebSocket, SSE and long polling', async () => {
    const eventId = await createEvent(base, t.sue!);
    const parent = await postAs(base, t.v1!, eventId, 'a question for sue');
    const ws = await WsViewer.open(base, eventId, 'after=0');
    const sse = await SseViewer.open(base, eventId, 'after=0');
    try {
      const reply = await postAs(base, t.sue!, eventId, 'an answer', parent.body.comment.id);
      assert.equal(reply.status, 201);
      const isReply = (e: any) => e.type === 'comment' && e.comment.parentId === parent.body.comment.id;
      await waitFor(() => ws.entries.some(isReply) && sse.entries.some(isReply));
      const polled = await pollUntil(base, eventId, 0, (items) => items.some(isReply));
      for (const seen of [ws.entries, sse.entries, polled]) {
        const entry = seen.find(isReply) as any;
        assert.deepEqual(entry.comment.user, { id: 'sue', name: 'Streamer Sue', badges: ['owner'] });
      }
    } finally {
      await ws.close();
      sse.close();
    }
  });

  test('replies: a comment thread, oldest first, without deleted replies; unknown comments are 404', async () => {
    const eventId = await createEvent(base, t.sue!);
    const parent = (await postAs(base, t.v2!, eventId, 'top level')).body.comment;
    const r1 = (await postAs(base, t.v3!, eventId, 'first reply', parent.id)).body.comment;
    await postAs(base, t.v4!, eventId, 'not a reply');
    const r2 = (await postAs(base, t.sue!, eventId, 'second reply', parent.id)).body.comment;
    const r3 = (await postAs(base, t.v3!, eventId, 'third reply', parent.id)).body.comment;
    assert.equal((await api(base, 'DELETE', `/v1/events/${eventId}/comments/${r3.id}`, { token: t.v3 })).status, 204);
    const thread = await api(base, 'GET', `/v1/events/${eventId}/comments/${parent.id}/replies`);
    assert.equal(thread.status, 200);
    assert.deepEqual(
      thread.body.items.map((c: any) => [c.id, c.parentId, c.text]),
      [
        [r1.id, parent.id, 'first reply'],
        [r2.id, parent.id, 'second reply'],
      ],
    );
    assert.deepEqual(thread.body.items[1].user.badges, ['owner']);
    const limited = await api(base, 'GET', `/v1/events/${eventId}/comments/${parent.id}/replies?limit=1`);
    assert.equal(limited.body.items.length, 1);
    const missing = await api(base, 'GET', `/v1/events/${eventId}/comments/c_nope/replies`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    const none = await postAs(base, t.v2!, eventId, 'reply to nothing', 'c_nope');
    assert.equal(none.status, 400);
  });

  test('moderators: the owner appoints and removes by user id; ranks hold for bans', async () => {
    const eventId = await createEvent(base, t.sue!);
    const path = (id: string) => `/v1/events/${eventId}/moderators/${id}`;
    const put = await api(base, 'PUT', path('max'), { token: t.sue, body: { name: 'Max' } });
    assert.equal(put.status, 200);
    assert.equal(put.body.userId, 'max');
    assert.equal(put.body.by, 'sue');
    assert.equal((await api(base, 'PUT', path('v5'), { token: t.sue })).status, 200, 'the body is optional');
    assert.equal((await api(base, 'PUT', path('v6'), { token: t.max })).status, 403, 'a moderator appoints nobody');
    assert.equal((await api(base, 'PUT', path('v6'), { token: t.v0 })).status, 403);
    assert.equal((await api(base, 'PUT', path('sue'), { token: t.sue })).status, 400, 'the owner is more already');
    const list = await api(base, 'GET', `/v1/events/${eventId}/moderators`, { token: t.max });
    assert.deepEqual(
      list.body.items.map((m: any) => [m.userId, m.name]),
      [
        ['max', 'Max'],
        ['v5', undefined],
      ],
    );
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}/moderators`, { token: t.v0 })).status, 403);

    const ban = (tok: string, userId: string) =>
      api(base, 'POST', `/v1/events/${eventId}/bans`, { token: tok, body: { userId, durationMs: 60_000 } });
    assert.equal((await ban(t.max!, 'v7')).status, 201, 'an appointed moderator bans a viewer');
    const full = await api(base, 'GET', `/v1/events/${eventId}`, { token: t.max });
    assert.ok('blockedTerms' in full.body.settings, 'and reads the full settings');
    assert.equal((await ban(t.max!, 'sue')).body.error.code, 'forbidden', 'not the owner');
    assert.equal((await ban(t.max!, 'v5')).status, 403, 'nor another moderator');
    assert.equal((await ban(t.glob!, 'v5')).status, 403, 'nor does a global moderator');
    assert.equal((await ban(t.sue!, 'v5')).status, 201, 'the owner bans a moderator');
    const lift = await api(base, 'DELETE', `/v1/events/${eventId}/bans/v5`, { token: t.v5 });
    assert.equal(lift.status, 403, 'nobody lifts their own ban');
    assert.equal((await api(base, 'DELETE', `/v1/events/${eventId}/bans/v5`, { token: t.max })).status, 403);
    assert.equal((await api(base, 'DELETE', `/v1/events/${eventId}/bans/v5`, { token: t.sue })).status, 204);

    assert.equal((await api(base, 'DELETE', path('max'), { token: t.max })).status, 403);
    assert.equal((await api(base, 'DELETE', path('max'), { token: t.sue })).status, 204);
    assert.equal((await api(base, 'DELETE', path('max'), { token: t.sue })).status, 404);
    assert.equal((await ban(t.max!, 'v8')).status, 403, 'a removed moderator has no power left');
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}/review`, { token: t.max })).status, 403);
    const log = await api(base, 'GET', `/v1/events/${eventId}/moderation-log`, { token: t.sue });
    assert.ok(log.body.items.some((a: any) => a.details?.moderatorRemoved === 'max'));
  });

  test('pins and polls: an appointed moderator pins and starts polls; a viewer or a removed moderator may not', async () => {
    const eventId = await createEvent(base, t.sue!);
    const pin = (tok: string) =>
      api(base, 'POST', `/v1/events/${eventId}/pin`, { token: tok, body: { text: 'Welcome' } });
    const poll = (tok: string) =>
      api(base, 'POST', `/v1/events/${eventId}/polls`, {
        token: tok,
        body: { question: 'Best song?', options: ['a', 'b'], durationMs: 60_000 },
      });
    assert.equal((await pin(t.max!)).status, 403, 'not yet a moderator');
    await api(base, 'PUT', `/v1/events/${eventId}/moderators/max`, { token: t.sue, body: {} });
    const pinned = await pin(t.max!);
    assert.equal(pinned.status, 201);
    assert.equal(pinned.body.pin.by, 'max');
    assert.equal((await api(base, 'DELETE', `/v1/events/${eventId}/pin`, { token: t.max })).status, 204);
    assert.equal((await poll(t.max!)).status, 201);
    assert.equal((await pin(t.v0!)).status, 403, 'a viewer pins nothing');
    await api(base, 'DELETE', `/v1/events/${eventId}/moderators/max`, { token: t.sue });
    assert.equal((await pin(t.max!)).status, 403, 'a removed moderator pins nothing');
    const log = await api(base, 'GET', `/v1/events/${eventId}/moderation-log`, { token: t.sue });
    assert.ok(log.body.items.some((a: any) => a.details?.moderatorAdded === 'max'));
  });

  test("names: one that reads as the owner's or a moderator's is refused to anyone else", async () => {
    const eventId = await createEvent(base, t.sue!);
    await api(base, 'PUT', `/v1/events/${eventId}/moderators/max`, { token: t.sue, body: { name: 'Max Power' } });
    for (const name of ['Streamer Sue', 'streamer_sue', 'Str3amer  Süe', 'Ѕtreamer Sue', 'STREAMERSUE', 'max power']) {
      const res = await postAs(base, await token('imp', name), eventId, 'hi all');
      assert.equal(res.status, 409, name);
      assert.equal(res.body.error.code, 'conflict');
      assert.equal(res.body.error.field, 'name');
    }
    assert.equal((await postAs(base, await token('bob', 'Streamer Bob'), eventId, 'hi')).status, 201);
    assert.equal((await postAs(base, t.sue!, eventId, 'hello chat')).status, 201, 'the owner posts under it');
    assert.equal(
      (await postAs(base, await token('root', 'Streamer Sue', { role: 'admin' }), eventId, 'x')).status,
      201,
    );
    const elsewhere = await createEvent(base, t.v0!);
    assert.equal((await postAs(base, await token('imp', 'Streamer Sue'), elsewhere, 'hi')).status, 201, 'per event');
  });

  test('reports: one per user, counted in the review queue with reasons; approve keeps, reject deletes', async () => {
    const eventId = await createEvent(base, t.sue!);
    const c = (await postAs(base, t.v0!, eventId, 'a reported comment')).body.comment;
    const report = (tok: string, reason: string, id = c.id) =>
      api(base, 'POST', `/v1/events/${eventId}/comments/${id}/reports`, { token: tok, body: { reason } });
    assert.equal((await report(t.v1!, 'spam')).status, 202);
    const again = await report(t.v1!, 'spam again');
    assert.equal(again.status, 202);
    assert.equal(again.body.status, 'already_reported');
    assert.equal((await report(t.v2!, 'rude')).status, 202);
    assert.equal((await report(t.v0!, 'me')).status, 400, 'not your own comment');
    assert.equal((await report(t.v1!, '   ')).status, 400);
    assert.equal((await report(t.v1!, 'x', 'c_missing')).status, 404);
    assert.equal(
      (await api(base, 'POST', `/v1/events/${eventId}/comments/${c.id}/reports`, { body: { reason: 'x' } })).status,
      401,
    );

    const queue = async () => (await api(base, 'GET', `/v1/events/${eventId}/review`, { token: t.sue })).body.items;
    const [item] = await queue();
    assert.equal(item.status, 'reported');
    assert.equal(item.comment.id, c.id);
    assert.deepEqual(item.reports, { count: 2, reasons: ['rude', 'spam'] });
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}/review`, { token: t.v1 })).status, 403);

    const review = (action: string) =>
      api(base, 'POST', `/v1/events/${eventId}/review/${c.id}`, { token: t.sue, body: { action } });
    assert.equal((await review('approve')).status, 200);
    assert.deepEqual(await queue(), [], 'kept: its reports are closed');
    assert.equal((await review('approve')).status, 409, 'nothing left to review');
    assert.equal((await report(t.v1!, 'spam')).body.status, 'already_reported', 'one report per user, ever');
    await report(t.v3!, 'still spam');
    assert.deepEqual((await queue())[0].reports, { count: 1, reasons: ['still spam'] });
    assert.equal((await review('reject')).status, 200);
    assert.deepEqual(await queue(), []);
    const log = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
    assert.ok(
      log.body.items.some((e: any) => e.type === 'delete' && e.commentId === c.id),
      'rejected: deleted',
    );
  });

  test('moderator changes: limited per user in an event, leaving the same owner free in another', async () => {
    const owner = await token('busy', 'Busy Owner');
    const [one, two] = [await createEvent(base, owner), await createEvent(base, owner)];
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await api(base, 'PUT', `/v1/events/${one}/moderators/m${i}`, { token: owner, body: {} });
      codes.push(res.status);
    }
    assert.deepEqual(codes.slice(0, 10), Array(10).fill(200));
    assert.equal(codes[10], 429);
    assert.equal((await api(base, 'PUT', `/v1/events/${two}/moderators/m0`, { token: owner, body: {} })).status, 200);
  });

  test('reports: limited per user in an event', async () => {
    const eventId = await createEvent(base, t.sue!);
    const ids: string[] = [];
    const publisher = await token('pub', 'Publisher', { role: 'service' });
    for (let i = 0; i < 11; i++) ids.push((await postAs(base, publisher, eventId, `comment ${i}`)).body.comment.id);
    const codes: number[] = [];
    for (const id of ids) {
      const res = await api(base, 'POST', `/v1/events/${eventId}/comments/${id}/reports`, {
        token: t.v9,
        body: { reason: 'spam' },
      });
      codes.push(res.status);
    }
    assert.deepEqual(codes.slice(0, 10), Array(10).fill(202));
    assert.equal(codes[10], 429);
  });
});
