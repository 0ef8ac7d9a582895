// Reactions, likes and Top chat over real sockets (docs/API.md "Interactions"): every transport
// gets window counts (never one frame per reaction) that add up to the reactions accepted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createEvent, devToken, post, SseViewer, startNode, type TestNode, WsViewer, waitFor } from './support.js';

/** The sum of every reactions frame's counts, as sorted pairs (so key order does not matter). */
function summed(frames: { counts: Record<string, number> }[]): string {
  const sum: Record<string, number> = {};
  for (const f of frames) for (const [k, n] of Object.entries(f.counts)) sum[k] = (sum[k] ?? 0) + n;
  return JSON.stringify(Object.entries(sum).sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('interactions', () => {
  let node: TestNode;
  let base: string;
  let owner: { token: string; id: string };

  before(async () => {
    node = await startNode({ aggregateWindowMs: 50, reactionSaveMs: 200 });
    base = node.url;
    owner = await devToken(base, 'owner');
  });
  after(() => node.stop());

  test('reactions: window counts on WebSocket, SSE and long polls add up to the reactions accepted', async () => {
    const eventId = await createEvent(base, owner.token);
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => devToken(base, `fan${i}`)));
    const ws = await WsViewer.open(base, eventId);
    const sse = await SseViewer.open(base, eventId);
    // A long poller keeps polling; each answer with a `reactions` field is one window.
    const polled: Record<string, number>[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const res = await api(base, 'GET', `/v1/events/${eventId}/poll?timeoutMs=1000`);
        if (res.body?.reactions) polled.push(res.body.reactions);
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const reactor = await WsViewer.open(base, eventId, `token=${users[0]!.token}`);
    const accepted: Record<string, number> = {};
    let sent = 0;
    const emoji = ['🔥', '❤️', '👏'];
    await Promise.all(
      users.slice(1).map(async (u, i) => {
        for (let k = 0; k < 10; k++) {
          const e = emoji[(i + k) % emoji.length]!;
          const res = await api(base, 'POST', `/v1/events/${eventId}/reactions`, {
            token: u.token,
            body: { emoji: e },
          });
          assert.equal(res.status, 202, JSON.stringify(res.body));
          accepted[e] = (accepted[e] ?? 0) + 1;
          sent++;
        }
      }),
    );
    for (let k = 0; k < 5; k++) reactor.send({ type: 'reaction', emoji: '🔥' });
    accepted['🔥'] = (accepted['🔥'] ?? 0) + 5;
    sent += 5;
    const wsFrames = () => ws.frames.filter((f) => f.type === 'reactions');
    const sseFrames = () => sse.events.filter((e) => e.event === 'reactions').map((e) => e.data);
    await waitFor(() => summed(wsFrames()) === summed([{ counts: accepted }]), 'ws sum');
    await waitFor(() => summed(sseFrames()) === summed([{ counts: accepted }]), 'sse sum');
    assert.deepEqual(summed(wsFrames()), summed([{ counts: accepted }]));
    assert.ok(wsFrames().length < sent, `windows, not one frame per reaction: ${wsFrames().length} for ${sent}`);
    assert.equal(reactor.frames.filter((f) => f.type === 'error').length, 0, 'the WebSocket reactions were accepted');
    for (const f of sseFrames()) assert.ok(f.counts, 'an SSE reactions event carries counts');
    assert.ok(!sse.events.some((e) => e.event === 'reactions' && e.id !== undefined), 'no id on a window');
    await waitFor(() => polled.length > 0, 'a long poll answered with a reactions field');
    polling = false;
    await poller;

    const totals = await api(base, 'GET', `/v1/events/${eventId}/reactions`);
    assert.equal(totals.status, 200);
    assert.deepEqual(summed([{ counts: totals.body.totals }]), summed([{ counts: accepted }]));
    // Persisted: the store has them once the save interval has passed.
    await waitFor(async () => {
      const stored = await node.services.store.reactionTotals(eventId);
      return summed([{ counts: stored }]) === summed([{ counts: accepted }]);
    }, 'totals saved');
    ws.close();
    sse.close();
    reactor.close();
  });

  test("reactions: the event's set only, signed-in users only, limited per user", async () => {
    const eventId = await createEvent(base, owner.token, { reactions: ['🎉'] });
    const user = await devToken(base, 'eager');
    const path = `/v1/events/${eventId}/reactions`;
    const wrong = await api(base, 'POST', path, { token: user.token, body: { emoji: '🔥' } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.code, 'invalid_request');
    assert.equal((await api(base, 'POST', path, { body: { emoji: '🎉' } })).status, 401);
    assert.equal((await api(base, 'POST', path, { token: user.token, body: { emoji: '🎉', x: 1 } })).status, 400);
    assert.equal(
      (await api(base, 'POST', `/v1/events/nope/reactions`, { token: user.token, body: { emoji: '🎉' } })).status,
      404,
    );
    let limited = 0;
    let ok = 0;
    for (let i = 0; i < 40; i++) {
      const res = await api(base, 'POST', path, { token: user.token, body: { emoji: '🎉' } });
      if (res.status === 202) ok++;
      else if (res.status === 429 && res.body.error.code === 'rate_limited') limited++;
    }
    assert.ok(limited > 0, 'a burst of 40 is limited');
    assert.ok(ok >= 12, `the burst is allowed: ${ok}`);
    // The per-user limit holds across events too.
    const other = await createEvent(base, owner.token, { reactions: ['🎉'] });
    let otherOk = 0;
    for (let i = 0; i < 20; i++) {
      const res = await api(base, 'POST', `/v1/events/${other}/reactions`, {
        token: user.token,
        body: { emoji: '🎉' },
      });
      if (res.status === 202) otherOk++;
    }
    assert.ok(otherOk < 20, `limited across events: ${otherOk} of 20 passed`);
    // A trusted publisher (the service role, an app's backend relaying reactions) is not limited.
    const relay = await devToken(base, 'relay', 'service');
    for (let i = 0; i < 40; i++) {
      const res = await api(base, 'POST', `/v1/events/${other}/reactions`, {
        token: relay.token,
        body: { emoji: '🎉' },
      });
      assert.equal(res.status, 202);
    }
    await waitFor(async () => {
      const t = await api(base, 'GET', path);
      return t.body.totals['🎉'] === ok;
    }, 'the totals count only what was accepted');
  });

  test('likes: one per user (idempotent), absolute counts pushed in windows, `likes` on history reads', async () => {
    const eventId = await createEvent(base, owner.token);
    const [ann, ben] = await Promise.all([devToken(base, 'ann'), devToken(base, 'ben')]);
    const posted = await post(base, ann.token, eventId, 'a comment worth liking');
    const id = posted.body.comment.id;
    const ws = await WsViewer.open(base, eventId);
    const like = (token: string, method = 'PUT') =>
      api(base, method, `/v1/events/${eventId}/comments/${id}/like`, { token });
    assert.equal((await like(ann.token)).status, 204);
    assert.equal((await like(ann.token)).status, 204);
    assert.equal((await like(ben.token)).status, 204);
    await waitFor(() => ws.frames.some((f) => f.type === 'likes' && f.counts[id] === 2), 'likes frame with 2');
    let read = await api(base, 'GET', `/v1/events/${eventId}/comments`);
    assert.equal(read.body.items.find((e: any) => e.type === 'comment').comment.likes, 2);
    assert.equal((await like(ben.token, 'DELETE')).status, 204);
    assert.equal((await like(ben.token, 'DELETE')).status, 204);
    await waitFor(() => ws.frames.some((f) => f.type === 'likes' && f.counts[id] === 1), 'likes frame with 1');
    read = await api(base, 'GET', `/v1/events/${eventId}/comments`);
    assert.equal(read.body.items.find((e: any) => e.type === 'comment').comment.likes, 1);
    assert.equal(
      (await api(base, 'PUT', `/v1/events/${eventId}/comments/nope/like`, { token: ann.token })).status,
      404,
    );
    assert.equal((await api(base, 'PUT', `/v1/events/${eventId}/comments/${id}/like`)).status, 401);
    assert.ok(!ws.frames.some((f) => f.type === 'likes' && 'seq' in f), 'no seq on a likes frame');
    ws.close();
  });

  test('Top chat: view=top drops first-time links and low-scored text on every transport; the list ranks by likes', async () => {
    const eventId = await createEvent(base, owner.token);
    const [regular, newcomer] = await Promise.all([devToken(base, 'regular'), devToken(base, 'newcomer')]);
    const liveWs = await WsViewer.open(base, eventId);
    const topWs = await WsViewer.open(base, eventId, 'view=top');
    const topSse = await SseViewer.open(base, eventId, 'view=top');
    const bad = await api(base, 'GET', `/v1/events/${eventId}/poll?view=best&timeoutMs=1`);
    assert.equal(bad.status, 400);
    const first = await post(base, regular.token, eventId, 'hello everyone, great stream today');
    // A first comment with a link (moderation lets it through: Top chat holds it back).
    const link = await post(base, newcomer.token, eventId, 'I wrote about this match at notes.example');
    assert.equal(link.status, 201, JSON.stringify(link.body));
    await post(base, regular.token, eventId, 'lol');
    await post(base, regular.token, eventId, 'my clip is at clips.example by the way');
    const ownerNote = await post(base, owner.token, eventId, 'ok');
    await waitFor(() => liveWs.entries.length === 5, 'the live view gets all five');
    await waitFor(() => topWs.entries.length >= 3, 'the top view');
    const texts = (entries: any[]) => entries.flatMap((e) => (e.type === 'comment' ? [e.comment.text] : []));
    const topIds = (entries: any[]) => entries.filter((e) => e.type === 'comment').map((e) => e.comment.id);
    assert.deepEqual(texts(topWs.entries), [
      'hello everyone, great stream today',
      'my clip is at clips.example by the way',
      'ok',
    ]);
    assert.equal(first.status, 201);
    await waitFor(() => topSse.entries.length === 3, 'the top view over SSE');
    assert.deepEqual(topIds(topSse.entries), topIds(topWs.entries));
    const lastFrame = topWs.frames.filter((f) => f.type === 'entries').at(-1);
    assert.equal(lastFrame.lastSeq, 5, 'a top frame says where the log stands');
    assert.equal(topSse.lastId, '5');
    const history = await api(base, 'GET', `/v1/events/${eventId}/comments?view=top`);
    assert.deepEqual(texts(history.body.items), texts(topWs.entries), 'history reads take the view too');
    const polled = await api(base, 'GET', `/v1/events/${eventId}/poll?view=top&after=0&timeoutMs=1000`);
    assert.deepEqual(topIds(polled.body.items), topIds(topWs.entries));
    assert.equal(polled.body.lastSeq, 5);

    await api(base, 'PUT', `/v1/events/${eventId}/comments/${ownerNote.body.comment.id}/like`, {
      token: regular.token,
    });
    const list = await api(base, 'GET', `/v1/events/${eventId}/comments/top?limit=10`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.equal(list.body.items[0].id, ownerNote.body.comment.id, 'the most liked first');
    assert.equal(list.body.items[0].likes, 1);
    assert.deepEqual(list.body.items.map((c: any) => c.text).sort(), texts(topWs.entries).sort());
    liveWs.close();
    topWs.close();
    topSse.close();
  });
});
