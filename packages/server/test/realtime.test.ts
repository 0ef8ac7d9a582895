// The three transports over real sockets: delivery, resume, reset, posting over WebSocket.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloseCode, type Entry } from '@livecomments/protocol';
import type WebSocket from 'ws';
import {
  api,
  createEvent,
  devToken,
  pollUntil,
  post,
  range,
  SseViewer,
  seqs,
  startNode,
  type TestNode,
  WsViewer,
  waitFor,
} from './support.js';

describe('real time', () => {
  let node: TestNode;
  let base: string;
  let owner: { token: string; id: string };
  let bot: { token: string; id: string };

  before(async () => {
    node = await startNode({ maxCatchUp: 50 });
    base = node.url;
    owner = await devToken(base, 'owner');
    bot = await devToken(base, 'bot', 'service');
  });
  after(() => node.stop());

  const postMany = async (eventId: string, n: number, prefix = 'm') => {
    for (let i = 0; i < n; i++) assert.equal((await post(base, bot.token, eventId, `${prefix}${i}`)).status, 201);
  };

  test('WebSocket: entries, presence, posting with ack, bad frames answered', async () => {
    const eventId = await createEvent(base, owner.token);
    const user = await devToken(base, 'wendy');
    const viewer = await WsViewer.open(base, eventId, `token=${user.token}`);
    viewer.send({ type: 'comment', text: ' hi over ws ', clientId: 'w1' });
    const ack = await viewer.next((f) => f.type === 'ack');
    assert.equal(ack.clientId, 'w1');
    assert.equal(ack.status, 'published');
    assert.equal(ack.comment.text, 'hi over ws');
    await waitFor(() => viewer.entries.length === 1);
    assert.equal(viewer.entries[0]!.seq, ack.comment.seq);
    viewer.send({ type: 'comment', text: 'hi over ws', clientId: 'w1' });
    await waitFor(() => viewer.frames.filter((f) => f.type === 'ack').length === 2);
    assert.equal(viewer.frames.filter((f) => f.type === 'ack')[1].comment.id, ack.comment.id, 'retry gets the same');

    viewer.send('{not json');
    const bad = await viewer.next((f) => f.type === 'error');
    assert.equal(bad.error.code, 'invalid_request');
    viewer.send({ type: 'comment', text: 5, clientId: 'w2' });
    const wrongType = await viewer.next((f) => f.type === 'error' && f.clientId === 'w2');
    assert.equal(wrongType.error.code, 'invalid_request');
    viewer.send({ type: 'shout' });
    await waitFor(() => viewer.frames.filter((f) => f.type === 'error').length === 3);
    viewer.send({ type: 'ping' });
    await viewer.next((f) => f.type === 'pong');
    const presence = await viewer.next((f) => f.type === 'presence' && f.viewers === 1);
    assert.equal(presence.viewers, 1);
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}`)).body.viewers, 1);

    const anonymous = await WsViewer.open(base, eventId);
    anonymous.send({ type: 'comment', text: 'no token', clientId: 'a1' });
    const denied = await anonymous.next((f) => f.type === 'error');
    assert.equal(denied.error.code, 'unauthenticated');
    assert.equal(viewer.closeCode, null, 'errors keep the connection open');
    await viewer.close();
    await anonymous.close();
  });

  test('WebSocket: oversized frame, invalid UTF-8, unknown event, bad token', async () => {
    const eventId = await createEvent(base, owner.token);
    const big = await WsViewer.open(base, eventId);
    big.send({ type: 'comment', text: 'x'.repeat(5000), clientId: 'b' });
    await waitFor(() => big.closeCode !== null);
    assert.equal(big.closeCode, CloseCode.TOO_LARGE);

    const binary = await WsViewer.open(base, eventId);
    binary.ws.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false });
    await waitFor(() => binary.closeCode !== null);
    assert.equal(binary.closeCode, 1007, 'invalid UTF-8 text closes with 1007');

    await assert.rejects(WsViewer.open(base, 'ev_unknown'), /ws refused: 404/);
    await assert.rejects(WsViewer.open(base, eventId, 'token=forged.token.here'), /ws refused: 401/);
    const stored = await api(base, 'GET', `/v1/events/${eventId}`);
    assert.equal(stored.body.lastSeq, 0, 'nothing was stored');
  });

  test('ban and slow mode over WebSocket posting', async () => {
    const eventId = await createEvent(base, owner.token, { slowModeMs: 60_000 });
    const user = await devToken(base, 'sam');
    const viewer = await WsViewer.open(base, eventId, `token=${user.token}`);
    viewer.send({ type: 'comment', text: 'one', clientId: 's1' });
    await viewer.next((f) => f.type === 'ack' && f.clientId === 's1');
    viewer.send({ type: 'comment', text: 'two', clientId: 's2' });
    const slow = await viewer.next((f) => f.type === 'error' && f.clientId === 's2');
    assert.equal(slow.error.code, 'slow_mode');
    assert.ok(slow.error.retryAfterMs > 50_000);

    const ban = await api(base, 'POST', `/v1/events/${eventId}/bans`, {
      token: owner.token,
      body: { userId: user.id },
    });
    assert.equal(ban.status, 201);
    const banEntry = await viewer.next((f) => f.type === 'entries' && f.items.some((e: Entry) => e.type === 'ban'));
    assert.deepEqual(
      banEntry.items.find((e: Entry) => e.type === 'ban'),
      { seq: 2, type: 'ban', userId: user.id, until: null },
    );
    // The banned user's socket closes (4003) after the ban entry; posting on a new one is refused.
    await waitFor(() => viewer.closeCode === CloseCode.BANNED, 'close 4003');
    const again = await WsViewer.open(base, eventId, `token=${user.token}`);
    again.send({ type: 'comment', text: 'three', clientId: 's3' });
    const banned = await again.next((f) => f.type === 'error' && f.clientId === 's3');
    assert.equal(banned.error.code, 'banned');
    await again.close();
  });

  test('resume on WebSocket: drop mid-stream, reconnect after the last seq, exactly 1..N', async () => {
    const eventId = await createEvent(base, owner.token);
    await postMany(eventId, 5);
    const first = await WsViewer.open(base, eventId, 'after=0');
    await waitFor(() => first.entries.length >= 5);
    first.kill();
    await postMany(eventId, 7, 'n');
    const lastSeen = first.entries.at(-1)!.seq;
    const second = await WsViewer.open(base, eventId, `after=${lastSeen}`);
    await postMany(eventId, 3, 'o');
    await waitFor(() => second.entries.length + first.entries.length >= 15);
    assert.deepEqual(seqs([...first.entries, ...second.entries]), range(1, 15));
    await second.close();
  });

  test('resume on SSE: Last-Event-ID wins over after', async () => {
    const eventId = await createEvent(base, owner.token);
    await postMany(eventId, 4);
    const first = await SseViewer.open(base, eventId, 'after=0');
    await waitFor(() => first.entries.length >= 4);
    assert.equal(first.lastId, '4');
    first.close();
    await postMany(eventId, 6, 'n');
    const second = await SseViewer.open(base, eventId, 'after=0', { 'last-event-id': first.lastId! });
    await waitFor(() => second.entries.length >= 6);
    await postMany(eventId, 2, 'o');
    await waitFor(() => second.entries.length >= 8);
    assert.deepEqual(seqs([...first.entries, ...second.entries]), range(1, 12));
    second.close();
  });

  test('resume on long polling: each poll continues after the last seq', async () => {
    const eventId = await createEvent(base, owner.token);
    await postMany(eventId, 3);
    const firstPart = await pollUntil(base, eventId, 0, (e) => e.length >= 3);
    const waiting = pollUntil(base, eventId, firstPart.at(-1)!.seq, (e) => e.length >= 4);
    await postMany(eventId, 4, 'n');
    const rest = await waiting;
    assert.deepEqual(seqs([...firstPart, ...rest]), range(1, 7));
    const started = Date.now();
    const empty = await api(base, 'GET', `/v1/events/${eventId}/poll?after=7&timeoutMs=300`);
    assert.ok(Date.now() - started >= 250, 'the poll was held');
    assert.deepEqual(empty.body, { items: [], lastSeq: 7 });
  });

  test('a deleted comment shows no text to viewers who catch up later', async () => {
    const eventId = await createEvent(base, owner.token);
    const live = await WsViewer.open(base, eventId);
    const posted = await post(base, bot.token, eventId, 'regrettable');
    await api(base, 'DELETE', `/v1/events/${eventId}/comments/${posted.body.comment.id}`, { token: owner.token });
    await waitFor(() => live.entries.length === 2);
    const late = await WsViewer.open(base, eventId, 'after=0');
    await waitFor(() => late.entries.length === 2);
    assert.equal(late.entries[0]!.type === 'comment' && late.entries[0]!.comment.text, '');
    assert.deepEqual(late.entries[1], { seq: 2, type: 'delete', commentId: posted.body.comment.id });
    await live.close();
    await late.close();
  });

  test('a resume point that cannot be served gets an explicit reset', async () => {
    const eventId = await createEvent(base, owner.token);
    await postMany(eventId, 60);
    const far = await WsViewer.open(base, eventId, 'after=1');
    const reset = await far.next((f) => f.type === 'reset');
    assert.equal(reset.lastSeq, 60);
    await postMany(eventId, 1, 'z');
    await waitFor(() => far.entries.length === 1);
    assert.equal(far.entries[0]!.seq, 61, 'after a reset it follows on from lastSeq');
    await far.close();
    const ahead = await WsViewer.open(base, eventId, 'after=500');
    assert.equal((await ahead.next((f) => f.type === 'reset')).lastSeq, 61);
    await ahead.close();
    const sse = await SseViewer.open(base, eventId, 'after=1');
    await waitFor(() => sse.events.some((e) => e.event === 'reset'));
    assert.equal(sse.events.find((e) => e.event === 'reset')!.id, '61');
    sse.close();
    const poll = await api(base, 'GET', `/v1/events/${eventId}/poll?after=2`);
    assert.equal(poll.body.reset, true);
    assert.equal(poll.body.lastSeq, 61);
  });

  test('a resume point of another epoch gets a reset (reason epoch) on every transport; the right one resumes', async () => {
    const eventId = await createEvent(base, owner.token);
    await postMany(eventId, 3);
    const event = await api(base, 'GET', `/v1/events/${eventId}`);
    const epoch: string = event.body.epoch;
    assert.match(epoch, /^[0-9A-Za-z_-]{8,32}$/, 'the event tells its epoch');
    const stale = epoch === 'other000' ? 'other001' : 'other000';

    const ws = await WsViewer.open(base, eventId, `after=2&epoch=${stale}`);
    assert.deepEqual(await ws.next((f) => f.type === 'reset'), { type: 'reset', lastSeq: 3, reason: 'epoch', epoch });
    await ws.close();
    const sse = await SseViewer.open(base, eventId, `epoch=${stale}`, { 'last-event-id': '2' });
    await waitFor(() => sse.events.some((e) => e.event === 'reset'));
    const reset = sse.events.find((e) => e.event === 'reset')!;
    assert.equal(reset.id, '3');
    assert.deepEqual(reset.data, { lastSeq: 3, reason: 'epoch', epoch });
    sse.close();
    const poll = await api(base, 'GET', `/v1/events/${eventId}/poll?after=2&epoch=${stale}&timeoutMs=1000`);
    assert.deepEqual(poll.body, { items: [], lastSeq: 3, reset: true, reason: 'epoch', epoch });

    // The right epoch resumes as before, and so does a client that sends none.
    const right = await WsViewer.open(base, eventId, `after=2&epoch=${epoch}`);
    await waitFor(() => right.entries.length === 1);
    assert.equal(right.entries[0]!.seq, 3);
    assert.ok(!right.frames.some((f) => f.type === 'reset'));
    await right.close();
    const none = await api(base, 'GET', `/v1/events/${eventId}/poll?after=2&timeoutMs=1000`);
    assert.deepEqual(
      none.body.items.map((e: Entry) => e.seq),
      [3],
    );
    const bad = await api(base, 'GET', `/v1/events/${eventId}/poll?after=2&epoch=${encodeURIComponent('a b')}`);
    assert.equal(bad.body.error.code, 'invalid_request');
  });

  test('concurrent posters, viewers on all three transports end with the store sequence', async () => {
    const eventId = await createEvent(base, owner.token);
    const ws = await WsViewer.open(base, eventId, 'after=0');
    const sse = await SseViewer.open(base, eventId, 'after=0');
    const total = 120;
    const polling = pollUntil(base, eventId, 0, (e) => e.length >= total, 20_000);
    const posters = await Promise.all(range(1, 4).map((i) => devToken(base, `poster${i}`, 'service')));
    const wsPosters = await Promise.all(
      posters.slice(0, 2).map((p) => WsViewer.open(base, eventId, `token=${p.token}`)),
    );
    await Promise.all(
      posters.map(async (p, i) => {
        for (let k = 0; k < total / posters.length; k++) {
          if (i < 2) {
            wsPosters[i]!.send({ type: 'comment', text: `p${i}-${k}`, clientId: `p${i}-${k}` });
            await wsPosters[i]!.next((f) => f.type === 'ack' && f.clientId === `p${i}-${k}`);
          } else {
            assert.equal((await post(base, p.token, eventId, `p${i}-${k}`)).status, 201);
          }
        }
      }),
    );
    const polled = await polling;
    await waitFor(() => ws.entries.length >= total && sse.entries.length >= total, 'all entries', 10_000);
    const stored = (await api(base, 'GET', `/v1/events/${eventId}/comments?after=0&limit=1000`)).body.items;
    assert.deepEqual(seqs(stored), range(1, total));
    for (const [name, got] of [
      ['ws', ws.entries],
      ['sse', sse.entries],
      ['poll', polled],
      ['ws poster', wsPosters[0]!.entries],
    ] as const) {
      if (name === 'ws poster') {
        assert.deepEqual(got, stored.slice(stored.length - got.length), 'poster sees a gapless tail');
      } else {
        assert.deepEqual(got, stored, `${name} equals the store`);
      }
    }
    await ws.close();
    sse.close();
    for (const p of wsPosters) await p.close();
  });

  test('a subscriber that never reads is cut off; the others keep receiving', async () => {
    // Plain frames: the test's large comments repeat one character, and compressed (the ws client
    // offers permessage-deflate) they would take thousands more to fill the buffers.
    const small = await startNode({ maxBufferedBytes: 64 * 1024, wsDeflate: false });
    try {
      const b = small.url;
      const o = await devToken(b, 'o');
      const svc = await devToken(b, 's', 'service');
      const eventId = await createEvent(b, o.token, { maxCommentChars: 2000 });
      const stuck = await WsViewer.open(b, eventId);
      (stuck.ws as WebSocket & { _socket: { pause(): void } })._socket.pause();
      const healthy = await WsViewer.open(b, eventId);
      const text = '\u8a9e'.repeat(2000);
      let sent = 0;
      const cutOff = async () => /lc_slow_cutoffs_total 1/.test(await fetch(`${b}/metrics`).then((r) => r.text()));
      while (!(await cutOff())) {
        assert.ok(sent < 6000, 'the stuck subscriber was cut off before 6000 large comments');
        await Promise.all(range(1, 50).map(() => post(b, svc.token, eventId, text)));
        sent += 50;
      }
      await post(b, svc.token, eventId, 'after the cut');
      await waitFor(() => healthy.entries.length === sent + 1, 'the healthy viewer', 20_000);
      assert.deepEqual(seqs(healthy.entries), range(1, sent + 1));
      assert.equal(small.services.hub.counts().ws, 1, 'only the healthy viewer is left');
      await healthy.close();
      stuck.kill();
    } finally {
      await small.stop();
    }
  });
});
