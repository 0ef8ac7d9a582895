// Regression guard of the fan-out path: under load it must batch (many entries per frame and
// per socket write), not write each entry to each viewer. It counts frames and writes, never
// time, so it holds on a slow or busy machine.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import {
  createEvent,
  devToken,
  post,
  range,
  SseViewer,
  seqs,
  startNode,
  type TestNode,
  WsViewer,
  waitFor,
} from './support.js';

let node: TestNode;
before(async () => {
  // A flush window wider than the default 5 ms: how many posts land in 5 ms depends on how busy
  // the machine is, while the guard is about what a window does with what it gathered.
  node = await startNode({ maxConnectionsPerIp: 0, flushMs: 20 });
});
after(() => node.stop());

/** Sums a counter of /metrics over its labels. */
async function counter(name: string): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

test('under load, every frame carries many entries and is one socket write per viewer', async () => {
  const owner = await devToken(node.url, 'owner');
  const bot = await devToken(node.url, 'bot', 'service');
  const eventId = await createEvent(node.url, owner.token);
  // Count the writes the server makes to WebSocket viewers' sockets (the handshake included).
  let writes = 0;
  node.app.server.prependListener('upgrade', (_req, socket: Socket) => {
    const write = socket.write;
    socket.write = function countedWrite(this: Socket, ...args: any[]) {
      writes++;
      return (write as (...a: any[]) => boolean).apply(this, args);
    } as Socket['write'];
  });
  const viewers = await Promise.all(range(1, 100).map(() => WsViewer.open(node.url, eventId, 'after=0')));
  const sse = await SseViewer.open(node.url, eventId, 'after=0');

  const framesBefore = await counter('lc_delivery_frames_total');
  const entriesBefore = await counter('lc_delivery_entries_total');
  const total = 600;
  for (let sent = 0; sent < total; sent += 100) {
    await Promise.all(range(1, 100).map((i) => post(node.url, bot.token, eventId, `load ${sent + i}`)));
  }
  await waitFor(
    () => viewers.every((v) => v.entries.length === total) && sse.entries.length === total,
    'all entries',
    30_000,
  );
  for (const v of viewers)
    assert.deepEqual(seqs(v.entries), range(1, total), 'each viewer has every entry once, in order');
  assert.deepEqual(seqs(sse.entries), range(1, total));

  const frames = (await counter('lc_delivery_frames_total')) - framesBefore;
  const entries = (await counter('lc_delivery_entries_total')) - entriesBefore;
  assert.equal(entries, total * 101, 'the metrics count every delivered entry');
  const perFrame = entries / frames;
  assert.ok(perFrame >= 5, `at least 5 entries per frame under load (got ${perFrame.toFixed(1)})`);
  const received = viewers.map((v) => v.frames.filter((f) => f.type === 'entries').length);
  assert.ok(
    Math.max(...received) <= total / 5,
    `a viewer got at most ${total / 5} frames (got ${Math.max(...received)})`,
  );
  const presence = Math.max(...viewers.map((v) => v.frames.filter((f) => f.type === 'presence').length));
  assert.ok(
    writes <= viewers.length * (1 + presence) + received.reduce((a, b) => a + b, 0),
    `one socket write per frame (${writes} writes for ${received.reduce((a, b) => a + b, 0)} entry frames)`,
  );
  for (const v of viewers) await v.close();
  sse.close();
});
