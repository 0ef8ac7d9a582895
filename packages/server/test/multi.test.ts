// Many events on one connection and sampled tiers, over real sockets: subscribe and unsubscribe
// on one WebSocket, each subscription with its own resume point and reset, the 100-event cap,
// bans and private settings per subscription, multi-event SSE, the sampled tier (at most one
// ordinary comment per slot, every priority comment) and Top chat's per-viewer extras.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import WebSocket from 'ws';
import { SAMPLE_TIERS, tierFor } from '../src/hub/frames.js';
import {
  api,
  createEvent,
  devToken,
  post,
  range,
  seqs,
  startNode,
  startNodeWithUsers,
  type TestNode,
  type TestUser,
  WsViewer,
  waitFor,
} from './support.js';

/** A multi-event WebSocket that records every frame, with entries by event. */
class MultiViewer {
  readonly frames: any[] = [];
  readonly byEvent = new Map<string, Entry[]>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      this.frames.push(frame);
      if (frame.type === 'entries') {
        const list = this.byEvent.get(frame.eventId) ?? [];
        list.push(...frame.items);
        this.byEvent.set(frame.eventId, list);
      }
    });
  }

  static open(base: string, query = ''): Promise<MultiViewer> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/ws${query ? `?${query}` : ''}`);
      const viewer = new MultiViewer(ws);
      ws.once('open', () => resolve(viewer));
      ws.once('error', reject);
    });
  }

  entries(eventId: string): Entry[] {
    return this.byEvent.get(eventId) ?? [];
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  async next(match: (frame: any) => boolean, timeoutMs = 5000): Promise<any> {
    let found: any;
    await waitFor(
      () => {
        found = this.frames.find(match);
        return found !== undefined;
      },
      'a frame',
      timeoutMs,
    );
    return found;
  }

  async subscribe(eventId: string, extra: Record<string, unknown> = {}): Promise<void> {
    this.send({ type: 'subscribe', eventId, ...extra });
    const answered = (f: any) => (f.type === 'subscribed' || f.type === 'error') && f.eventId === eventId;
    const before = this.frames.filter(answered).length;
    await waitFor(() => this.frames.filter(answered).length > before, 'the answer to a subscribe');
  }

  close(): void {
    this.ws.close();
  }
}

describe('many events on one WebSocket', () => {
  let node: TestNode;
  let base: string;
  let alice: TestUser;
  let mod: TestUser;
  let owner: TestUser;
  let svc: TestUser;

  before(async () => {
    ({ node, base, alice, mod } = await startNodeWithUsers());
    owner = await devToken(base, 'olga');
    svc = await devToken(base, 'svc', 'service');
  });
  after(() => node.stop());

  test('subscribe, entries with eventId, post with eventId, unsubscribe; each event resumes on its own', async () => {
    const [e1, e2] = [await createEvent(base, owner.token), await createEvent(base, owner.token)];
    for (const i of range(1, 3)) await post(base, svc.token, e1, `one ${i}`);
    const v = await MultiViewer.open(base, `token=${alice.token}`);
    await v.subscribe(e1, { after: 1 });
    await v.subscribe(e2);
    await waitFor(() => v.entries(e1).length === 2, 'e1 catch-up after 1');
    assert.deepEqual(seqs(v.entries(e1)), [2, 3]);
    await post(base, svc.token, e2, 'two 1');
    await post(base, svc.token, e1, 'one 4');
    await waitFor(() => v.entries(e2).length === 1 && v.entries(e1).length === 3, 'live on both');
    assert.equal((v.entries(e2)[0] as any).comment.text, 'two 1');
    assert.ok(v.frames.filter((f) => f.type === 'entries').every((f) => f.eventId === e1 || f.eventId === e2));

    // Posting names the event; an event not subscribed is refused and changes nothing.
    v.send({ type: 'comment', eventId: e2, text: 'from alice', clientId: 'a1' });
    const ack = await v.next((f) => f.type === 'ack' && f.clientId === 'a1');
    assert.equal(ack.eventId, e2);
    const e3 = await createEvent(base, owner.token);
    v.send({ type: 'comment', eventId: e3, text: 'nope', clientId: 'a2' });
    const refused = await v.next((f) => f.type === 'error' && f.clientId === 'a2');
    assert.equal(refused.error.code, 'invalid_request');
    assert.equal((await api(base, 'GET', `/v1/events/${e3}`)).body.lastSeq, 0);

    v.send({ type: 'unsubscribe', eventId: e1 });
    await v.next((f) => f.type === 'unsubscribed' && f.eventId === e1);
    await post(base, svc.token, e1, 'one 5');
    await post(base, svc.token, e2, 'two 3');
    await waitFor(() => v.entries(e2).length === 3, 'e2 goes on');
    assert.equal(v.entries(e1).length, 3, 'nothing of e1 after unsubscribing');

    // A resume point of another epoch: a reset for that subscription only.
    await v.subscribe(e1, { after: 2, epoch: 'another' });
    const reset = await v.next((f) => f.type === 'reset' && f.eventId === e1);
    assert.equal(reset.reason, 'epoch');
    assert.equal(reset.lastSeq, 5);
    v.close();
  });

  test('at most 100 events per connection; bad frames get errors naming the event', async () => {
    const ids = await Promise.all(range(1, 101).map(() => createEvent(base, svc.token)));
    const v = await MultiViewer.open(base);
    for (const id of ids.slice(0, 100)) v.send({ type: 'subscribe', eventId: id });
    await waitFor(() => v.frames.filter((f) => f.type === 'subscribed').length === 100, '100 subscriptions', 20_000);
    v.send({ type: 'subscribe', eventId: ids[100] });
    const capped = await v.next((f) => f.type === 'error' && f.eventId === ids[100]);
    assert.equal(capped.error.code, 'invalid_request');
    assert.equal(capped.error.max, 100);
    v.send({ type: 'subscribe', eventId: ids[0], after: 'x' });
    assert.equal(
      (await v.next((f) => f.type === 'error' && f.error.code === 'invalid_request' && f.eventId === ids[0])).error
        .code,
      'invalid_request',
    );
    // Unsubscribing one makes room for another.
    v.send({ type: 'unsubscribe', eventId: ids[5] });
    await v.next((f) => f.type === 'unsubscribed' && f.eventId === ids[5]);
    v.send({ type: 'subscribe', eventId: 'no-such-event' });
    assert.equal((await v.next((f) => f.type === 'error' && f.eventId === 'no-such-event')).error.code, 'not_found');
    await v.subscribe(ids[100]!);
    assert.ok(v.frames.some((f) => f.type === 'subscribed' && f.eventId === ids[100]));
    v.close();
  });

  test('a ban ends that subscription only; a banned user cannot subscribe; settings stay private', async () => {
    const [e1, e2] = [await createEvent(base, owner.token), await createEvent(base, owner.token)];
    const v = await MultiViewer.open(base, `token=${alice.token}`);
    await v.subscribe(e1);
    await v.subscribe(e2);
    const ban = await api(base, 'POST', `/v1/events/${e1}/bans`, {
      token: mod.token,
      body: { userId: alice.id, durationMs: 60_000, reason: 'flood' },
    });
    assert.equal(ban.status, 201);
    const ended = await v.next((f) => f.type === 'unsubscribed' && f.eventId === e1);
    assert.equal(ended.reason, 'banned');
    assert.ok(
      v.entries(e1).some((e) => e.type === 'ban'),
      'the ban entry came first',
    );
    // Private settings never reach a viewer: the `event` entry carries the public part.
    const patched = await api(base, 'PATCH', `/v1/events/${e2}`, {
      token: owner.token,
      body: { settings: { blockedTerms: ['zebrasecret'] } },
    });
    assert.equal(patched.status, 200);
    await waitFor(() => v.entries(e2).some((e) => e.type === 'event'), 'the event entry on e2');
    assert.ok(!JSON.stringify(v.frames).includes('zebrasecret'));
    await post(base, svc.token, e2, 'still here');
    await waitFor(() => v.entries(e2).some((e) => e.type === 'comment'), 'e2 goes on after the ban on e1');
    v.send({ type: 'subscribe', eventId: e1 });
    const refused = await v.next((f) => f.type === 'error' && f.eventId === e1);
    assert.equal(refused.error.code, 'banned');
    assert.equal(v.ws.readyState, WebSocket.OPEN);
    v.close();
  });

  test('SSE: events=<id>:<after>,... carries eventId per frame; a bad list is refused whole', async () => {
    const [e1, e2] = [await createEvent(base, owner.token), await createEvent(base, owner.token)];
    await post(base, svc.token, e1, 'early');
    const frames: { event: string; data: any }[] = [];
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      httpRequest(`${base}/v1/stream?events=${e1}:0,${e2}:`, resolve).on('error', reject).end();
    });
    assert.equal(res.statusCode, 200);
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let at = buffer.indexOf('\n\n');
      while (at >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        at = buffer.indexOf('\n\n');
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) frames.push({ event, data: JSON.parse(data) });
      }
    });
    await waitFor(() => frames.some((f) => f.event === 'entries' && f.data.eventId === e1), 'e1 catch-up');
    await post(base, svc.token, e2, 'late');
    await waitFor(() => frames.some((f) => f.event === 'entries' && f.data.eventId === e2), 'e2 live');
    res.destroy();
    assert.equal((await api(base, 'GET', `/v1/stream?events=${e1}:x`)).status, 400);
    assert.equal((await api(base, 'GET', `/v1/stream?events=${e1}:0,nope:`)).status, 404);
    const many = range(1, 101)
      .map((i) => `e${i}:`)
      .join(',');
    assert.equal((await api(base, 'GET', `/v1/stream?events=${many}`)).body.error.code, 'invalid_request');
  });
});

describe('sampled tiers and per-viewer extras', () => {
  let node: TestNode;
  let base: string;
  let alice: TestUser;
  let bob: TestUser;
  let owner: TestUser;
  let svc: TestUser;

  before(async () => {
    ({ node, base, alice, bob } = await startNodeWithUsers());
    owner = await devToken(base, 'olga');
    svc = await devToken(base, 'svc', 'service');
  });
  after(() => node.stop());

  test('rate=R: at most one ordinary comment per 1/R s slot, and every priority comment', async () => {
    const eventId = await createEvent(base, owner.token, { rateLimitPerMinute: 100_000 });
    const rate = 2;
    const viewer = await WsViewer.open(base, eventId, `rate=${rate}&token=${alice.token}`);
    const full = await WsViewer.open(base, eventId);
    const own = await post(base, alice.token, eventId, 'my own comment');
    const priority = new Set<string>();
    for (const i of range(1, 40)) {
      const r = await post(base, svc.token, eventId, `ordinary comment ${i}`);
      assert.equal(r.status, 201);
      if (i % 10 === 0) priority.add((await post(base, owner.token, eventId, `from the owner ${i}`)).body.comment.id);
    }
    priority.add((await post(base, bob.token, eventId, 'hello @alice, look')).body.comment.id);
    const reply = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
      token: bob.token,
      body: { text: 'a reply to you', parentId: own.body.comment.id },
    });
    priority.add(reply.body.comment.id);
    const total = 1 + 40 + 4 + 2;
    // Alice's own comment is an ordinary one (it may or may not be in the sample).
    priority.delete(own.body.comment.id);
    await waitFor(() => full.entries.length === total, 'the full stream');
    const last = full.entries.at(-1)!.seq;
    await waitFor(() => viewer.frames.some((f) => f.type === 'entries' && f.lastSeq === last), 'the sampled stream');
    const got = viewer.entries.filter((e) => e.type === 'comment').map((e) => (e as any).comment);
    for (const id of priority)
      assert.ok(
        got.some((c) => c.id === id),
        `priority comment ${id}`,
      );
    const tier = SAMPLE_TIERS[tierFor(rate)]!;
    const slots = got.filter((c) => !priority.has(c.id)).map((c) => Math.floor((c.createdAt * tier) / 1000));
    assert.equal(new Set(slots).size, slots.length, 'one ordinary comment per slot at most');
    assert.ok(got.length < total, 'the tier left comments out');
    const span = (full.entries.at(-1) as any).comment.createdAt - (full.entries[0] as any).comment.createdAt;
    // A span of d ms touches at most floor(d * R / 1000) + 2 slots (it may start at a slot's end).
    assert.ok(slots.length <= Math.floor((span * tier) / 1000) + 2, 'at most R a second');
    assert.deepEqual(
      seqs(viewer.entries),
      [...seqs(viewer.entries)].sort((a, b) => a - b),
      'in order',
    );
    await viewer.close();
    await full.close();
  });

  test('Top chat passes replies to and mentions of the viewer, for that viewer only', async () => {
    const eventId = await createEvent(base, owner.token);
    const carol = await devToken(base, 'carol');
    const aliceTop = await WsViewer.open(base, eventId, `view=top&token=${alice.token}`);
    const carolTop = await WsViewer.open(base, eventId, `view=top&token=${carol.token}`);
    // A first-time author with a link is held back from Top chat...
    const held = await post(base, bob.token, eventId, 'see www.spam.example now @alice');
    await post(base, owner.token, eventId, 'owner closes the batch');
    await waitFor(() => carolTop.entries.length === 1 && aliceTop.entries.length === 2, 'both top viewers');
    // ...but reaches the viewer it mentions.
    assert.ok(aliceTop.entries.some((e) => e.type === 'comment' && e.comment.id === held.body.comment.id));
    assert.ok(!carolTop.entries.some((e) => e.type === 'comment' && e.comment.id === held.body.comment.id));
    await aliceTop.close();
    await carolTop.close();
  });

  test('rate= is checked: 0 or words are refused', async () => {
    const eventId = await createEvent(base, owner.token);
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}/poll?timeoutMs=0&rate=0`)).status, 400);
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}/poll?timeoutMs=0&rate=ten`)).status, 400);
    assert.equal((await api(base, 'GET', `/v1/events/${eventId}/poll?timeoutMs=0&rate=10`)).status, 200);
  });

  test('a slow subscriber is stepped down to a sampled tier before it is cut off', async () => {
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
      const text = '\u8a9e'.repeat(2000);
      const metric = async (name: string) =>
        Number(new RegExp(`^${name} (\\d+)`, 'm').exec(await fetch(`${b}/metrics`).then((r) => r.text()))?.[1] ?? 0);
      let sent = 0;
      while ((await metric('lc_slow_step_downs_total')) === 0) {
        assert.ok(sent < 6000, 'stepped down before 6000 large comments');
        await Promise.all(range(1, 50).map(() => post(b, svc.token, eventId, text)));
        sent += 50;
      }
      assert.equal(await metric('lc_slow_cutoffs_total'), 0, 'stepped down, not cut off');
      assert.equal(small.services.hub.counts()['ws-r10'], 1, 'now on the 10/s tier');
      stuck.kill();
    } finally {
      await small.stop();
    }
  });
});
