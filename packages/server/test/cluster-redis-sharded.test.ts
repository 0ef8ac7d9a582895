// Scale-out on a Redis Cluster of three shards (Debian's redis-server in cluster mode) with
// PostgreSQL: REDIS_URL lists the seed nodes, the bus runs on sharded pub/sub (each event's
// channel subscribed on the shard that owns it), and the shared state (rate limits taken
// together, presence, duplicate checks) works across shards without cross-slot errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster as RedisCluster } from 'ioredis';
import { api, type Cluster, createEvent, post, readLog, signIn, startCluster } from './cluster.js';
import { type PrivateRedisCluster, startPrivateRedisCluster } from './private-services.js';
import { createTestSchema, type TestSchema } from './services.js';
import { openViewers, range } from './viewers.js';
import { waitFor } from './wait.js';

let schema: TestSchema;
let redis: PrivateRedisCluster;
let cluster: Cluster;
let admin: RedisCluster;

before(async () => {
  schema = await createTestSchema('lc_redis_sharded');
  redis = await startPrivateRedisCluster(3);
  // Two of the three masters as seeds: the nodes find the third from the cluster itself.
  const seeds = redis.url.split(',').slice(0, 2).join(',');
  cluster = await startCluster({
    nodes: 2,
    redisUrl: seeds,
    databaseUrl: schema.url,
    // One a minute after a burst of 20 (ingest's USER_RATE_BURST): the test never sees a refill.
    env: { LC_USER_RATE_PER_MINUTE: '1' },
  });
  admin = new RedisCluster(redis.ports.map((port) => ({ host: '127.0.0.1', port })));
});
after(async () => {
  admin?.disconnect();
  await cluster?.stop();
  await redis?.destroy();
  await schema?.drop();
});

/** Which master's port owns a channel's slot, and how many sharded subscribers it has there. */
async function shardOf(channel: string): Promise<{ port: number; subscribers: number }> {
  const slot = Number(await admin.call('CLUSTER', 'KEYSLOT', channel));
  const slots = (await admin.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
  const owner = slots.find(([from, to]) => slot >= from && slot <= to);
  assert.ok(owner, `slot ${slot} has an owner`);
  const port = owner[2][1];
  const node = admin.nodes('master').find((n) => n.options.port === port);
  assert.ok(node, `master on ${port}`);
  const [, subscribers] = (await node.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number];
  return { port, subscribers: Number(subscribers) };
}

test('a Redis Cluster: comments cross nodes on every transport, each event on its own shard', async () => {
  const [a, b] = cluster.urls as [string, string];
  const poster = await signIn(a, 'sharded poster');
  const events: string[] = [];
  for (let i = 0; i < 6; i++) events.push(await createEvent(a, poster));
  // Viewers of every event on node b only: a post on node a reaches them through the bus alone.
  const viewers = events.map((eventId) => openViewers([b], eventId, [0]));
  try {
    await waitFor(async () => {
      for (const eventId of events) if ((await shardOf(`lc:e:${eventId}`)).subscribers < 1) return false;
      return true;
    }, 'node b to subscribe to every event on its shard');
    const shards = new Set<number>();
    for (const eventId of events) shards.add((await shardOf(`lc:e:${eventId}`)).port);
    assert.ok(shards.size >= 2, `six events spread over ${shards.size} shard(s)`);

    // A different author per event keeps the per-user limit out of the way here.
    for (const [n, eventId] of events.entries()) {
      const author = await signIn(a, `author ${n}`);
      for (let i = 1; i <= 3; i++) {
        const res = await post(a, author, eventId, `comment ${i} in event ${n}`, `c-${n}-${i}`);
        assert.equal(res.status, 201, `post ${i} in event ${n}: ${res.code}`);
      }
    }
    for (const [n, eventId] of events.entries()) {
      await waitFor(() => viewers[n]!.every((v) => v.last() >= 3), `viewers of event ${n}`);
      for (const v of viewers[n]!) {
        assert.deepEqual(v.seqs, range(3), `${v.transport} viewer of event ${n}`);
        assert.deepEqual(v.anomalies, []);
      }
      assert.deepEqual(
        (await readLog(b, eventId)).map((e) => e.seq),
        range(3),
      );
    }
  } finally {
    for (const list of viewers) for (const v of list) v.close();
  }
});

test('a Redis Cluster: the per-user limit counts across events and nodes (no cross-slot error)', async () => {
  const [a, b] = cluster.urls as [string, string];
  const owner = await signIn(a, 'limit owner');
  const events: string[] = [];
  for (let i = 0; i < 6; i++) events.push(await createEvent(i % 2 ? b : a, owner));
  const user = await signIn(a, 'busy user', 'viewer');
  // Four posts in each of six events (under each event's burst of 5), alternating nodes: the
  // user-wide bucket (burst 20) and each event's bucket are taken together in one script.
  const statuses: number[] = [];
  let firstId = '';
  for (let round = 0; round < 4; round++) {
    for (const [n, eventId] of events.entries()) {
      const res = await post(n % 2 ? b : a, user, eventId, `busy ${round} ${n}`, `busy-${round}-${n}`);
      statuses.push(res.status);
      if (round === 0 && n === 0) firstId = res.comment?.id ?? '';
      if (res.status !== 201) assert.equal(res.code, 'rate_limited', `refusal ${res.status}`);
    }
  }
  assert.deepEqual(
    statuses,
    [...Array<number>(20).fill(201), 429, 429, 429, 429],
    "posts past the user's limit are refused, whichever node and event",
  );

  // The same client id on the other node is the same comment, not a second one.
  // The retry is answered from the store before any limit is taken: the first comment, again.
  const again = await post(b, user, events[0]!, 'busy 0 0', 'busy-0-0');
  assert.equal(again.status, 201, `retry: ${again.status} ${again.code}`);
  assert.ok(firstId, 'the first post was accepted');
  assert.equal(again.comment?.id, firstId);
  const log = await readLog(a, events[0]!);
  assert.equal(log.filter((e) => e.type === 'comment' && e.comment?.text === 'busy 0 0').length, 1);

  const ready = await api<{ checks: Record<string, string> }>(b, 'GET', '/ready');
  assert.equal(ready.status, 200);
  assert.equal(ready.body.checks.bus, 'ok');
});
