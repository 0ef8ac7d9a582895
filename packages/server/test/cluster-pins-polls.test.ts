// Pins and polls on two nodes sharing Redis and PostgreSQL: both nodes arm a poll's end and a
// pin's expiry, and the log still gets one close and one unpin; votes taken on both nodes are
// counted exactly; a viewer on the other node sees every entry.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Entry, Poll } from '@livecomments/protocol';
import { api, type Cluster, createEvent, readLog, signIn, startCluster } from './cluster.js';
import { createTestSchema, TEST_REDIS_URL, type TestSchema } from './services.js';
import { WsViewer } from './support.js';
import { waitFor } from './wait.js';

const polls = (log: Entry[]): Poll[] => log.flatMap((e) => (e.type === 'poll' ? [e.poll] : []));

describe('cluster: pins and polls on two nodes', () => {
  let schema: TestSchema;
  let cluster: Cluster;

  before(async () => {
    schema = await createTestSchema('lc_pinpoll');
    cluster = await startCluster({ nodes: 2, redisUrl: TEST_REDIS_URL, databaseUrl: schema.url });
  });
  after(async () => {
    await cluster?.stop();
    await schema?.drop();
  });

  test('a poll voted on both nodes closes once, with every vote counted', async () => {
    const [n1, n2] = cluster.urls as [string, string];
    const owner = await signIn(n1, 'owner');
    const eventId = await createEvent(n1, owner);
    const watcher = await WsViewer.open(n2, eventId);
    const start = await api(n1, 'POST', `/v1/events/${eventId}/polls`, {
      token: owner.token,
      body: { question: 'Where next?', options: ['north', 'south', 'east'], durationMs: 5_000 },
    });
    assert.equal(start.status, 201);
    const pollId: string = start.body.id;
    const voters = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(n1, `v${i}`, 'viewer')));
    const vote = (i: number, option: number, node = i % 2) =>
      api(cluster.urls[node]!, 'POST', `/v1/events/${eventId}/polls/${pollId}/votes`, {
        token: voters[i]!.token,
        body: { option },
      });
    // Each voter votes on one node, then changes their vote on the other.
    const first = await Promise.all(voters.map((_, i) => vote(i, i % 3)));
    assert.deepEqual(new Set(first.map((r) => r.status)), new Set([204]));
    const second = await Promise.all(voters.map((_, i) => vote(i, i < 10 ? 0 : 2, (i + 1) % 2)));
    assert.deepEqual(new Set(second.map((r) => r.status)), new Set([204]));

    await waitFor(
      async () => polls(await readLog(n2, eventId)).some((p) => p.status === 'closed'),
      'the close',
      15_000,
    );
    // Both nodes had the end armed; give the later one time to try too.
    await new Promise((r) => setTimeout(r, 500));
    const all = polls(await readLog(n2, eventId));
    const closed = all.filter((p) => p.status === 'closed');
    assert.equal(closed.length, 1, 'closed once across nodes');
    assert.deepEqual(
      closed[0]!.options.map((o) => o.votes),
      [10, 0, 10],
    );
    assert.equal(all.at(-1)!.status, 'closed', 'no results after the close');
    // The start, at most a few results entries per node, the close.
    assert.ok(all.length <= 1 + 2 * 7 + 1, `${all.length} poll entries`);
    await waitFor(() => watcher.entries.some((e) => e.type === 'poll' && e.poll.status === 'closed'), 'ws on node 2');
    const late = await api(n1, 'GET', `/v1/events/${eventId}`);
    assert.deepEqual(late.body.poll, closed[0]);
    await watcher.close();
  });

  test('a pin with an expiry, known to both nodes, is unpinned once', async () => {
    const [n1, n2] = cluster.urls as [string, string];
    const owner = await signIn(n1, 'owner2');
    const eventId = await createEvent(n1, owner);
    const pinned = await api(n2, 'POST', `/v1/events/${eventId}/pin`, {
      token: owner.token,
      body: { text: 'Doors close in one second', expiresAt: Date.now() + 1_000 },
    });
    assert.equal(pinned.status, 201);
    const seen = await api(n1, 'GET', `/v1/events/${eventId}`);
    assert.equal(seen.body.pin.text, 'Doors close in one second', 'the other node reads the pin');
    await waitFor(async () => (await readLog(n1, eventId)).some((e) => e.type === 'unpin'), 'the unpin', 10_000);
    await new Promise((r) => setTimeout(r, 500));
    const log = await readLog(n1, eventId);
    assert.deepEqual(
      log.map((e) => e.type),
      ['pin', 'unpin'],
    );
    assert.equal((await api(n2, 'GET', `/v1/events/${eventId}`)).body.pin, undefined);
  });
});
