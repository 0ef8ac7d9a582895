// Many events on one WebSocket across nodes (Redis bus, PostgreSQL store): a viewer on one node
// follows two events whose comments are posted on the others, each in order and once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import WebSocket from 'ws';
import { type Cluster, createEvent, post, signIn, startCluster } from './cluster.js';
import { createTestSchema, TEST_REDIS_URL, type TestSchema } from './services.js';
import { range } from './viewers.js';
import { waitFor } from './wait.js';

let schema: TestSchema;
let cluster: Cluster;

before(async () => {
  schema = await createTestSchema('lc_multi');
  cluster = await startCluster({ nodes: 2, redisUrl: TEST_REDIS_URL, databaseUrl: schema.url });
});
after(async () => {
  await cluster?.stop();
  await schema?.drop();
});

test('one socket on node 0 follows two events posted to on node 1, each in order, once', async () => {
  const [n0, n1] = cluster.urls as [string, string];
  const poster = await signIn(n1, 'poster');
  const [e1, e2] = [await createEvent(n1, poster), await createEvent(n1, poster)];
  await post(n1, poster, e1, 'before', 'b-1');
  const got = new Map<string, Entry[]>([
    [e1, []],
    [e2, []],
  ]);
  const ws = new WebSocket(`${n0.replace('http', 'ws')}/v1/ws`);
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === 'entries') got.get(frame.eventId)?.push(...frame.items);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'subscribe', eventId: e1, after: 0 }));
  ws.send(JSON.stringify({ type: 'subscribe', eventId: e2, after: 0 }));
  for (const i of range(10)) {
    await post(n1, poster, e1, `one ${i}`, `o-${i}`);
    await post(n1, poster, e2, `two ${i}`, `t-${i}`);
  }
  await waitFor(() => got.get(e1)!.length === 11 && got.get(e2)!.length === 10, 'both events across nodes', 20_000);
  assert.deepEqual(
    got.get(e1)!.map((e) => e.seq),
    range(11),
  );
  assert.deepEqual(
    got.get(e2)!.map((e) => e.seq),
    range(10),
  );
  ws.close();
});
