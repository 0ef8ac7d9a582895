// Pins and polls end to end on one node: every transport gets the pin, unpin and poll entries,
// a late joiner reads the current pin from the event, votes count exactly (one per user,
// changeable), the results are throttled, and the poll closes by itself once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import {
  api,
  createEvent,
  devToken,
  pollUntil,
  post,
  SseViewer,
  startNode,
  type TestNode,
  type TestUser,
  WsViewer,
  waitFor,
} from './support.js';

const kinds = (entries: Entry[]) =>
  entries.filter((e) => e.type !== 'comment').map((e) => (e.type === 'poll' ? `poll:${e.poll.status}` : e.type));

describe('pins and polls', () => {
  let node: TestNode;
  let base: string;
  let owner: TestUser;
  let mod: TestUser;
  let viewer: TestUser;

  before(async () => {
    node = await startNode();
    base = node.url;
    [owner, mod, viewer] = await Promise.all([
      devToken(base, 'owner'),
      devToken(base, 'mia', 'moderator'),
      devToken(base, 'vic'),
    ]);
  });
  after(() => node.stop());

  test('every transport sees pin, unpin and poll entries; a late joiner gets the current pin', async () => {
    const eventId = await createEvent(base, owner.token);
    const ws = await WsViewer.open(base, eventId);
    const sse = await SseViewer.open(base, eventId);
    const longPoll = pollUntil(base, eventId, 0, (got) => kinds(got).includes('unpin'));

    const c = await post(base, viewer.token, eventId, 'pin me');
    const pinned = await api(base, 'POST', `/v1/events/${eventId}/pin`, {
      token: mod.token,
      body: { commentId: c.body.comment.id },
    });
    assert.equal(pinned.status, 201);
    assert.equal(pinned.body.type, 'pin');
    assert.deepEqual(pinned.body.pin, { by: mod.id, commentId: c.body.comment.id, text: 'pin me', userName: 'vic' });
    const late = await api(base, 'GET', `/v1/events/${eventId}`);
    assert.equal(late.body.pin.commentId, c.body.comment.id, 'the event carries its pin');
    assert.equal(late.body.pin.seq, pinned.body.seq);

    const poll = await api(base, 'POST', `/v1/events/${eventId}/polls`, {
      token: owner.token,
      body: { question: ' Best  snack? ', options: ['crisps', 'fruit'], durationMs: 60_000 },
    });
    assert.equal(poll.status, 201);
    assert.equal(poll.body.question, 'Best snack?');
    assert.equal(poll.body.status, 'open');
    assert.equal((await api(base, 'DELETE', `/v1/events/${eventId}/pin`, { token: owner.token })).status, 204);
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}`)).body.pin, undefined, 'unpinned');

    const expected = ['pin', 'poll:open', 'unpin'];
    await waitFor(() => kinds(ws.entries).length === 3 && kinds(sse.entries).length === 3, 'ws and sse entries');
    assert.deepEqual(kinds(ws.entries), expected);
    assert.deepEqual(kinds(sse.entries), expected);
    assert.deepEqual(kinds(await longPoll), expected);
    await ws.close();
    sse.close();
  });

  test('only those who moderate pin and start polls; bad pins and polls are refused', async () => {
    const eventId = await createEvent(base, owner.token, { blockedTerms: ['badword'] });
    const as = (token: string, method: string, path: string, body?: unknown) =>
      api(base, method, `/v1/events/${eventId}${path}`, { token, ...(body === undefined ? {} : { body }) });
    assert.equal((await as(viewer.token, 'POST', '/pin', { text: 'hi' })).body.error.code, 'forbidden');
    assert.equal((await as(viewer.token, 'DELETE', '/pin')).body.error.code, 'forbidden');
    const poll = { question: 'q', options: ['a', 'b'], durationMs: 10_000 };
    assert.equal((await as(viewer.token, 'POST', '/polls', poll)).body.error.code, 'forbidden');
    assert.equal((await as(mod.token, 'POST', '/pin', {})).body.error.code, 'invalid_request');
    assert.equal(
      (await as(mod.token, 'POST', '/pin', { text: 'a', commentId: 'x' })).body.error.code,
      'invalid_request',
    );
    assert.equal((await as(mod.token, 'POST', '/pin', { text: '\u200b ' })).body.error.code, 'invalid_request');
    assert.equal((await as(mod.token, 'POST', '/pin', { text: 'x'.repeat(501) })).body.error.code, 'too_large');
    assert.equal((await as(mod.token, 'POST', '/pin', { text: 'a b4dw0rd here' })).body.error.code, 'rejected');
    assert.equal((await as(mod.token, 'POST', '/pin', { commentId: 'nope' })).body.error.code, 'not_found');
    const past = { text: 'late', expiresAt: Date.now() - 1 };
    assert.equal((await as(mod.token, 'POST', '/pin', past)).body.error.code, 'invalid_request');
    assert.equal((await as(mod.token, 'DELETE', '/pin')).body.error.code, 'not_found');
    const one = { ...poll, options: ['a'] };
    assert.equal((await as(mod.token, 'POST', '/polls', one)).body.error.code, 'invalid_request');
    const seven = { ...poll, options: ['1', '2', '3', '4', '5', '6', '7'] };
    assert.equal((await as(mod.token, 'POST', '/polls', seven)).body.error.code, 'invalid_request');
    assert.equal(
      (await as(mod.token, 'POST', '/polls', { ...poll, durationMs: 10 })).body.error.code,
      'invalid_request',
    );
    const blocked = { ...poll, options: ['fine', 'badword'] };
    assert.equal((await as(mod.token, 'POST', '/polls', blocked)).body.error.code, 'rejected');
    assert.equal((await as(mod.token, 'POST', '/polls', poll)).status, 201);
    assert.equal((await as(mod.token, 'POST', '/polls', poll)).body.error.code, 'conflict', 'one open poll at a time');
    const log = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
    assert.deepEqual(kinds(log.body.items), ['poll:open'], 'refusals changed nothing');
    // A moderator banned from the event pins nothing (the one check of auth/powers.ts).
    const ban = await as(owner.token, 'POST', '/bans', { userId: mod.id });
    assert.equal(ban.status, 201, JSON.stringify(ban.body));
    const refused = await as(mod.token, 'POST', '/pin', { text: 'still here' });
    assert.equal(refused.body.error.code, 'forbidden');
    assert.match(refused.body.error.message, /banned/);
  });

  test('votes: one per user, changeable until the end, counted exactly; results throttled; closed once', async () => {
    const eventId = await createEvent(base, owner.token);
    const ws = await WsViewer.open(base, eventId);
    const start = await api(base, 'POST', `/v1/events/${eventId}/polls`, {
      token: mod.token,
      body: { question: 'Which?', options: ['a', 'b', 'c'], durationMs: 5_000 },
    });
    const pollId: string = start.body.id;
    const voters = await Promise.all(Array.from({ length: 12 }, (_, i) => devToken(base, `voter${i}`)));
    const vote = (user: TestUser, option: number) =>
      api(base, 'POST', `/v1/events/${eventId}/polls/${pollId}/votes`, { token: user.token, body: { option } });
    // Everyone votes for a, then the first four change to b and the next two to c; some repeat.
    for (const v of voters) assert.equal((await vote(v, 0)).status, 204);
    for (const v of voters.slice(0, 4)) assert.equal((await vote(v, 1)).status, 204);
    for (const v of voters.slice(4, 6)) assert.equal((await vote(v, 2)).status, 204);
    for (const v of voters.slice(0, 6)) assert.equal((await vote(v, v === voters[0] ? 1 : 2)).status, 204);
    // Now: a 6, b 1 (voter0), c 5 (voters 1-5).
    assert.equal((await vote(voters[0]!, 3)).body.error.code, 'invalid_request');
    const unknown = await api(base, 'POST', `/v1/events/${eventId}/polls/po_nope/votes`, {
      token: viewer.token,
      body: { option: 0 },
    });
    assert.equal(unknown.body.error.code, 'not_found');
    const anonymous = await api(base, 'POST', `/v1/events/${eventId}/polls/${pollId}/votes`, { body: { option: 0 } });
    assert.equal(anonymous.status, 401);

    const polls = () => ws.entries.flatMap((e) => (e.type === 'poll' ? [e.poll] : []));
    await waitFor(() => polls().some((p) => p.status === 'closed'), 'the close', 10_000);
    const final = polls().at(-1)!;
    assert.equal(final.status, 'closed');
    assert.deepEqual(
      final.options.map((o) => o.votes),
      [6, 1, 5],
    );
    // 36 votes in about a second or two: the results came as a few entries, not one per vote.
    const results = polls().filter((p) => p.status === 'open').length;
    assert.ok(results >= 2 && results <= 8, `${results} open entries (the start and throttled results)`);
    assert.equal(polls().filter((p) => p.status === 'closed').length, 1);
    assert.equal((await vote(voters[0]!, 0)).body.error.code, 'conflict', 'no vote after the end');
    const event = await api(base, 'GET', `/v1/events/${eventId}`);
    assert.deepEqual(event.body.poll, final, 'the event keeps the result');
    await ws.close();
  });

  test('votes are limited per user in the event, and the same user still votes in another event', async () => {
    const startPoll = async (eventId: string) =>
      (
        await api(base, 'POST', `/v1/events/${eventId}/polls`, {
          token: mod.token,
          body: { question: 'Which?', options: ['a', 'b'], durationMs: 60_000 },
        })
      ).body.id as string;
    const [one, two] = [await createEvent(base, owner.token), await createEvent(base, owner.token)];
    const [pollOne, pollTwo] = [await startPoll(one), await startPoll(two)];
    const voter = await devToken(base, 'fickle');
    const vote = (eventId: string, pollId: string, option: number) =>
      api(base, 'POST', `/v1/events/${eventId}/polls/${pollId}/votes`, { token: voter.token, body: { option } });
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await vote(one, pollOne, i % 2)).status);
    assert.ok(codes.includes(429), `changing one's mind in one poll is limited: ${codes.join(',')}`);
    assert.equal((await vote(two, pollTwo, 0)).status, 204, 'the limit of one event leaves the others');
  });

  test('a pin with an expiry ends by itself with an unpin entry', async () => {
    const eventId = await createEvent(base, owner.token);
    const ws = await WsViewer.open(base, eventId);
    const res = await api(base, 'POST', `/v1/events/${eventId}/pin`, {
      token: owner.token,
      body: { text: 'soon gone', expiresAt: Date.now() + 300 },
    });
    assert.equal(res.status, 201);
    await waitFor(() => kinds(ws.entries).includes('unpin'), 'the expiry');
    assert.deepEqual(kinds(ws.entries), ['pin', 'unpin']);
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}`)).body.pin, undefined);
    await ws.close();
  });

  test('deleting the pinned comment unpins it', async () => {
    const eventId = await createEvent(base, owner.token);
    const c = await post(base, viewer.token, eventId, 'short-lived');
    await api(base, 'POST', `/v1/events/${eventId}/pin`, {
      token: owner.token,
      body: { commentId: c.body.comment.id },
    });
    const del = await api(base, 'DELETE', `/v1/events/${eventId}/comments/${c.body.comment.id}`, { token: mod.token });
    assert.equal(del.status, 204);
    await waitFor(async () => (await api(base, 'GET', `/v1/events/${eventId}`)).body.pin === undefined, 'the unpin');
  });
});
