// `kill -9` a node while its viewers watch and comments keep flowing: the viewers reconnect to
// the other nodes, resume from their last seq, and end with exactly the full log.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Cluster, createEvent, postRetrying, readLog, signIn, startCluster } from './cluster.js';
import { createTestSchema, TEST_REDIS_URL, type TestSchema } from './services.js';
import { openViewers, range } from './viewers.js';
import { waitFor } from './wait.js';

let schema: TestSchema;
let cluster: Cluster;

before(async () => {
  schema = await createTestSchema('lc_failover');
  cluster = await startCluster({ nodes: 3, redisUrl: TEST_REDIS_URL, databaseUrl: schema.url });
});
after(async () => {
  await cluster?.stop();
  await schema?.drop();
});

test('kill -9 of a node: its viewers resume elsewhere with no loss and no duplicate', async () => {
  const urls = cluster.urls;
  const poster = await signIn(urls[0]!, 'poster');
  const eventId = await createEvent(urls[0]!, poster);
  const viewers = openViewers(urls, eventId);
  try {
    let acked = 0;
    const victim = cluster.nodes[1]!;
    const posting = [0, 1].map(async (p) => {
      for (let i = 0; i < 40; i++) {
        await postRetrying(urls, i + p, poster, eventId, `p${p} ${i}`, `p${p}-${i}`);
        acked += 1;
      }
    });
    await waitFor(() => acked >= 15, 'the first comments');
    await waitFor(() => viewers.every((v) => v.last() > 0), 'every viewer to be following', 15_000);
    await victim.kill();
    await Promise.all(posting);
    assert.equal(acked, 80);

    const log = await readLog(urls[0]!, eventId);
    assert.deepEqual(
      log.map((e) => e.seq),
      range(80),
    );
    const texts = log.map((e) => (e.type === 'comment' ? e.comment.text : ''));
    assert.equal(new Set(texts).size, 80, 'each post once');
    await waitFor(() => viewers.every((v) => v.last() >= 80), 'every viewer to catch up', 20_000);
    for (const v of viewers) {
      assert.deepEqual(v.anomalies, [], `${v.transport} viewer`);
      assert.deepEqual(v.seqs, range(80), `${v.transport} viewer`);
    }
    const moved = viewers.filter((v) => v.connects > 1);
    assert.ok(moved.length >= 2, 'the victim node had viewers that reconnected');
  } finally {
    for (const v of viewers) v.close();
  }
});
