// Redis restarted mid-stream (a private redis-server killed and started again on its port): no
// acknowledged comment is lost, /ready names the bus while Redis is away, and viewers recover
// through gap filling once their nodes reconnect.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, type Cluster, createEvent, postRetrying, readLog, signIn, startCluster } from './cluster.js';
import { type PrivateServer, startPrivateRedis } from './private-services.js';
import { createTestSchema, type TestSchema } from './services.js';
import { openViewer, openViewers, range, TRANSPORTS } from './viewers.js';
import { waitFor } from './wait.js';

let schema: TestSchema;
let redis: PrivateServer;
let cluster: Cluster;

before(async () => {
  schema = await createTestSchema('lc_redis_restart');
  redis = await startPrivateRedis();
  cluster = await startCluster({ nodes: 3, redisUrl: redis.url, databaseUrl: schema.url });
});
after(async () => {
  await cluster?.stop();
  await redis?.destroy();
  await schema?.drop();
});

test('restart Redis mid-stream: nothing acknowledged is lost, viewers catch up', async () => {
  const urls = cluster.urls;
  const poster = await signIn(urls[0]!, 'poster');
  const eventId = await createEvent(urls[0]!, poster);
  const viewers = openViewers(urls, eventId);
  try {
    let acked = 0;
    const post = async (i: number) => {
      await postRetrying(urls, i, poster, eventId, `c ${i}`, `c-${i}`);
      acked += 1;
    };
    for (let i = 0; i < 20; i++) await post(i);
    await waitFor(() => viewers.every((v) => v.last() >= 20), 'delivery before the restart');

    await redis.stop();
    // While Redis is away, /ready names the bus and posts still go to PostgreSQL.
    const ready = await waitFor(async () => {
      const res = await api<{ checks: Record<string, string> }>(urls[1]!, 'GET', '/ready');
      return res.status === 503 ? res.body : null;
    }, '/ready to report the bus');
    assert.equal(ready.checks.store, 'ok');
    assert.notEqual(ready.checks.bus, 'ok');
    for (let i = 20; i < 40; i++) await post(i);

    await redis.start();
    await waitFor(async () => (await fetch(`${urls[1]}/ready`)).ok, '/ready after Redis is back', 15_000);
    const metrics = await (await fetch(`${urls[1]}/metrics`)).text();
    const resyncs = /lc_engine_background\{counter="bus_resyncs"\} (\d+)/.exec(metrics);
    assert.ok(Number(resyncs?.[1]) >= 1, 'the node counted its resync');
    for (let i = 40; i < 60; i++) await post(i);
    assert.equal(acked, 60);

    const log = await readLog(urls[2]!, eventId);
    assert.deepEqual(
      log.map((e) => e.seq),
      range(60),
    );
    await waitFor(() => viewers.every((v) => v.last() >= 60), 'every viewer to catch up', 20_000);
    for (const v of viewers) {
      assert.deepEqual(v.anomalies, [], `${v.transport} viewer`);
      assert.deepEqual(v.seqs, range(60), `${v.transport} viewer`);
    }
  } finally {
    for (const v of viewers) v.close();
  }
});

test('Redis down: a post reaches the viewers of the node that took it', async () => {
  const urls = cluster.urls;
  const poster = await signIn(urls[0]!, 'local poster');
  const eventId = await createEvent(urls[0]!, poster);
  // Every viewer stays on node 0: only the local hand-over can reach them while Redis is away.
  const viewers = TRANSPORTS.map((t) => openViewer(t, [urls[0]!], eventId));
  try {
    for (let i = 0; i < 3; i++) await postRetrying([urls[0]!], 0, poster, eventId, `before ${i}`, `b-${i}`);
    await waitFor(() => viewers.every((v) => v.last() >= 3), 'delivery before the outage', 20_000);

    await redis.stop();
    await waitFor(async () => (await fetch(`${urls[0]}/ready`)).status === 503, 'node 0 to see Redis gone');
    for (let i = 3; i < 6; i++) await postRetrying([urls[0]!], 0, poster, eventId, `during ${i}`, `d-${i}`);
    await waitFor(() => viewers.every((v) => v.last() >= 6), 'local delivery while Redis is down', 10_000);
    for (const v of viewers) {
      assert.deepEqual(v.anomalies, [], `${v.transport} viewer`);
      assert.deepEqual(v.seqs, range(6), `${v.transport} viewer`);
      assert.equal(v.connects, 1, `${v.transport} viewer stayed connected`);
    }
  } finally {
    for (const v of viewers) v.close();
    await redis.start();
  }
});
