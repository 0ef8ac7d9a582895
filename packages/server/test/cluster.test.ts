// Three nodes on loopback against the machine's Redis and a fresh PostgreSQL schema: entries
// cross nodes on every transport, once and in order, and many posters on all nodes end with one
// gapless log that every viewer sees whole.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Cluster, createEvent, post, readLog, signIn, startCluster } from './cluster.js';
import { createTestSchema, TEST_REDIS_URL, type TestSchema } from './services.js';
import { openViewer, openViewers, range, type Viewer } from './viewers.js';
import { waitFor } from './wait.js';

/** Waits until every viewer has seqs 1..n, then checks nothing else came. */
async function allSee(viewers: Viewer[], n: number, what: string): Promise<void> {
  await waitFor(() => viewers.every((v) => v.last() >= n), what, 20_000);
  for (const v of viewers) {
    assert.deepEqual(v.anomalies, [], `${v.transport} viewer on node ${v.node}`);
    assert.deepEqual(v.seqs, range(n), `${v.transport} viewer on node ${v.node}`);
  }
}

describe('cluster: three nodes, one Redis, one PostgreSQL', () => {
  let schema: TestSchema;
  let cluster: Cluster;

  before(async () => {
    schema = await createTestSchema('lc_cluster');
    cluster = await startCluster({ nodes: 3, redisUrl: TEST_REDIS_URL, databaseUrl: schema.url });
  });
  after(async () => {
    await cluster?.stop();
    await schema?.drop();
  });

  test('a comment posted on node 1 reaches viewers on nodes 2 and 3 once, in order, on every transport', async () => {
    const [n1] = cluster.urls as [string];
    const alice = await signIn(n1, 'alice');
    const eventId = await createEvent(n1, alice);
    const viewers = openViewers(cluster.urls, eventId, [1, 2]);
    try {
      for (let i = 1; i <= 20; i++) {
        const res = await post(n1, alice, eventId, `hello ${i}`, `c${i}`);
        assert.equal(res.status, 201);
        assert.equal(res.comment?.seq, i);
      }
      await allSee(viewers, 20, 'all 20 comments on nodes 2 and 3');
      for (const v of viewers) assert.equal(v.connects, 1, 'no reconnect was needed');
      const log = await readLog(cluster.urls[2]!, eventId);
      assert.deepEqual(
        log.map((e) => (e.type === 'comment' ? e.comment.text : e.type)),
        range(20).map((i) => `hello ${i}`),
      );
    } finally {
      for (const v of viewers) v.close();
    }
  });

  test('posters on all nodes, one hot event and many events: every viewer ends with the store log', async () => {
    const urls = cluster.urls;
    const users = await Promise.all(urls.map((u, i) => signIn(u, `poster${i}`)));
    const hot = await createEvent(urls[0]!, users[0]!);
    const others = await Promise.all(range(5).map((i) => createEvent(urls[i % 3]!, users[0]!)));
    const viewers = new Map<string, Viewer[]>();
    viewers.set(hot, openViewers(urls, hot));
    others.forEach((id, i) => {
      viewers.set(id, [
        openViewer('ws', urls, id, { start: i % 3 }),
        openViewer('sse', urls, id, { start: (i + 1) % 3 }),
      ]);
    });
    try {
      // Two posters per node on the hot event, one per node on each other event, all at once.
      const jobs: Promise<number>[] = [];
      const postMany = async (node: number, eventId: string, tag: string, count: number): Promise<number> => {
        let ok = 0;
        for (let i = 0; i < count; i++) {
          const res = await post(urls[node]!, users[node]!, eventId, `${tag} ${i}`, `${tag}-${i}`);
          assert.equal(res.status, 201, `post ${tag} ${i}: ${res.code}`);
          ok++;
        }
        return ok;
      };
      for (let node = 0; node < 3; node++) {
        jobs.push(postMany(node, hot, `hot-n${node}-a`, 25), postMany(node, hot, `hot-n${node}-b`, 25));
        for (const id of others) jobs.push(postMany(node, id, `${id}-n${node}`, 8));
      }
      const accepted = (await Promise.all(jobs)).reduce((a, b) => a + b, 0);
      assert.equal(accepted, 3 * 50 + 3 * 8 * others.length);

      for (const [eventId, watching] of viewers) {
        const log = await readLog(urls[1]!, eventId);
        const expected = eventId === hot ? 150 : 24;
        assert.deepEqual(
          log.map((e) => e.seq),
          range(expected),
          'the store log is gapless',
        );
        await allSee(watching, expected, `viewers of ${eventId}`);
      }
    } finally {
      for (const list of viewers.values()) for (const v of list) v.close();
    }
  });
});
