// PostgreSQL down (a private cluster stopped and started again): posts get 503 `unavailable`
// and nothing is acknowledged, /ready names the store, viewers stay connected, and everything
// resumes when the database is back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ERROR_STATUS } from '@livecomments/protocol';
import { api, type Cluster, createEvent, post, postRetrying, readLog, signIn, startCluster } from './cluster.js';
import { type PrivateServer, startPrivatePostgres } from './private-services.js';
import { TEST_REDIS_URL } from './services.js';
import { openViewers, range } from './viewers.js';
import { sleep, waitFor } from './wait.js';

let postgres: PrivateServer;
let cluster: Cluster;

before(async () => {
  postgres = await startPrivatePostgres();
  // A small ring, so a resume from far back needs the store.
  cluster = await startCluster({
    nodes: 3,
    redisUrl: TEST_REDIS_URL,
    databaseUrl: postgres.url,
    env: { LC_RING_SIZE: '16' },
  });
});
after(async () => {
  await cluster?.stop();
  await postgres?.destroy();
});

test('PostgreSQL down: 503 for posts, /ready names the store, viewers stay, all resumes', async () => {
  const urls = cluster.urls;
  const poster = await signIn(urls[0]!, 'poster');
  const eventId = await createEvent(urls[0]!, poster);
  const viewers = openViewers(urls, eventId);
  try {
    for (let i = 0; i < 10; i++) await postRetrying(urls, i, poster, eventId, `c ${i}`, `c-${i}`);
    await waitFor(() => viewers.every((v) => v.last() >= 10), 'delivery before the outage', 20_000);

    await postgres.stop();
    for (let i = 0; i < 3; i++) {
      const res = await post(urls[i]!, poster, eventId, 'into the void', `void-${i}`);
      assert.equal(res.status, 503, `node ${i} answers 503`);
      assert.equal(res.code, 'unavailable');
      const ready = await api<{ checks: Record<string, string> }>(urls[i]!, 'GET', '/ready');
      assert.equal(ready.status, 503);
      assert.notEqual(ready.body.checks.store, 'ok');
      assert.equal(ready.body.checks.bus, 'ok');
    }

    // Metric labels are a fixed set: a driver's error code (ECONNREFUSED) is `unavailable`.
    const metrics = await (await fetch(`${urls[0]}/metrics`)).text();
    const outcomes = [...metrics.matchAll(/lc_comments_total\{outcome="([^"]*)"\}/g)].map((m) => m[1]!);
    assert.ok(outcomes.includes('unavailable'), `the refused post is counted: ${outcomes.join(', ')}`);
    const known = new Set(['published', 'held', 'shadowed', 'duplicate', ...Object.keys(ERROR_STATUS)]);
    for (const outcome of outcomes) assert.ok(known.has(outcome), `outcome label ${outcome}`);

    await postgres.start();
    await waitFor(async () => (await fetch(`${urls[0]}/ready`)).ok, '/ready after PostgreSQL is back', 15_000);
    for (let i = 10; i < 20; i++) await postRetrying(urls, i, poster, eventId, `c ${i}`, `c-${i}`);

    const log = await readLog(urls[1]!, eventId);
    assert.deepEqual(
      log.map((e) => e.seq),
      range(20),
    );
    assert.ok(
      log.every((e) => e.type === 'comment' && e.comment.text !== 'into the void'),
      'a refused post left nothing behind',
    );
    await waitFor(() => viewers.every((v) => v.last() >= 20), 'every viewer to follow on', 20_000);
    for (const v of viewers) {
      assert.deepEqual(v.anomalies, [], `${v.transport} viewer`);
      assert.deepEqual(v.seqs, range(20), `${v.transport} viewer`);
      if (v.transport !== 'poll') assert.equal(v.connects, 1, `${v.transport} viewer stayed connected`);
    }
  } finally {
    for (const v of viewers) v.close();
  }
});

test('PostgreSQL down: long polls wait (no 503, no skipped entry) and get what comes after', async () => {
  const urls = cluster.urls;
  const poster = await signIn(urls[0]!, 'poll poster');
  const eventId = await createEvent(urls[0]!, poster);
  for (let i = 0; i < 40; i++) await postRetrying(urls, i, poster, eventId, `c ${i}`, `p-${i}`);
  const pollOn = (node: number, after: number, timeoutMs: number) =>
    api<{ items: { seq: number }[]; lastSeq: number }>(
      urls[node]!,
      'GET',
      `/v1/events/${eventId}/poll?after=${after}&timeoutMs=${timeoutMs}`,
    );
  // Node 1 follows the event (a poll that is answered at once seats it there).
  assert.equal((await pollOn(1, 39, 1000)).body.items.length, 1);

  await postgres.stop();
  await sleep(1200); // past the node's one-second event cache
  for (const after of [40, 5]) {
    const res = await pollOn(1, after, 1500);
    assert.equal(res.status, 200, `a poll after ${after} is held, not refused: ${JSON.stringify(res.body)}`);
    const first = res.body.items[0]?.seq;
    if (first === undefined) assert.equal(res.body.lastSeq, after, 'an empty answer skips nothing');
    else assert.equal(first, after + 1, 'a served answer starts where the client is');
  }
  const held = pollOn(1, 40, 20_000);
  await sleep(300);
  await postgres.start();
  await postRetrying(urls, 0, poster, eventId, 'after the outage', 'p-40');
  const res = await held;
  assert.equal(res.status, 200);
  assert.deepEqual(
    res.body.items.map((e) => e.seq),
    [41],
  );
});
