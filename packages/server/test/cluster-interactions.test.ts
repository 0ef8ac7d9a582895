// Reactions and likes across nodes (Redis bus, PostgreSQL store): each node counts its own
// viewers' reactions and publishes its window; every node's viewers get the cluster-wide counts,
// and the totals in the shared store add up to what every node accepted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, type Cluster, createEvent, post, signIn, startCluster } from './cluster.js';
import { createTestSchema, TEST_REDIS_URL, type TestSchema } from './services.js';
import { WsViewer } from './support.js';
import { waitFor } from './wait.js';

let schema: TestSchema;
let cluster: Cluster;

before(async () => {
  schema = await createTestSchema('lc_interactions');
  cluster = await startCluster({
    nodes: 2,
    redisUrl: TEST_REDIS_URL,
    databaseUrl: schema.url,
    env: { LC_AGGREGATE_WINDOW_MS: '50', LC_REACTION_SAVE_MS: '200' },
  });
});
after(async () => {
  await cluster?.stop();
  await schema?.drop();
});

/** The sum of reactions frames, for one emoji. */
function sum(viewer: WsViewer, emoji: string): number {
  return viewer.frames.filter((f) => f.type === 'reactions').reduce((n, f) => n + (f.counts[emoji] ?? 0), 0);
}

test('reactions on both nodes reach the viewers of both, as window sums; likes too', async () => {
  const [a, b] = cluster.urls as [string, string];
  const owner = await signIn(a, 'owner', 'viewer');
  const eventId = await createEvent(a, owner);
  const onA = await WsViewer.open(a, eventId);
  const onB = await WsViewer.open(b, eventId);
  try {
    const users = await Promise.all(Array.from({ length: 6 }, (_, i) => signIn(a, `fan${i}`, 'viewer')));
    let accepted = 0;
    await Promise.all(
      users.map(async (u, i) => {
        for (let k = 0; k < 8; k++) {
          const url = (i + k) % 2 === 0 ? a : b;
          const res = await api(url, 'POST', `/v1/events/${eventId}/reactions`, {
            token: u.token,
            body: { emoji: '🔥' },
          });
          assert.equal(res.status, 202, JSON.stringify(res.body));
          accepted++;
        }
      }),
    );
    await waitFor(() => sum(onA, '🔥') === accepted && sum(onB, '🔥') === accepted, 'both nodes see every reaction');
    await waitFor(async () => {
      const totals = await api(b, 'GET', `/v1/events/${eventId}/reactions`);
      return totals.body.totals['🔥'] === accepted;
    }, 'the shared totals');

    const posted = await post(a, users[0]!, eventId, 'like me on any node', 'l1');
    const id = posted.comment!.id;
    assert.equal(
      (await api(a, 'PUT', `/v1/events/${eventId}/comments/${id}/like`, { token: users[1]!.token })).status,
      204,
    );
    assert.equal(
      (await api(b, 'PUT', `/v1/events/${eventId}/comments/${id}/like`, { token: users[1]!.token })).status,
      204,
    );
    assert.equal(
      (await api(b, 'PUT', `/v1/events/${eventId}/comments/${id}/like`, { token: users[2]!.token })).status,
      204,
    );
    await waitFor(
      () => onA.frames.some((f) => f.type === 'likes' && f.counts[id] === 2),
      'node A viewers get the count made on node B',
    );
    const read = await api(a, 'GET', `/v1/events/${eventId}/comments`);
    assert.equal(read.body.items.find((e: any) => e.type === 'comment').comment.likes, 2);
  } finally {
    onA.close();
    onB.close();
  }
});
