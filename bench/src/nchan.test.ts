import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nchanEventIds, nchanMissing, startNchan } from './nchan.js';
import { Rig } from './rig.js';

const missing = nchanMissing();

test('the nchan target: a WebSocket and an SSE viewer get every published entry once, in order, with its latency', {
  skip: missing ? `needs nginx with Nchan (${missing})` : false,
  timeout: 60_000,
}, async () => {
  const server = await startNchan({ cpus: '' });
  const rig = new Rig();
  try {
    assert.ok(server.pid, 'the nginx worker is found, for its CPU');
    const eventIds = nchanEventIds(1);
    const at = { host: server.host, port: server.port, eventIds, viewers: 1, workers: 1, server: 'nchan' as const };
    assert.deepEqual(await rig.openViewers({ ...at, transport: 'ws' }), { open: 1, failed: 0 });
    assert.deepEqual(await rig.openViewers({ ...at, transport: 'sse' }), { open: 1, failed: 0 });
    await rig.startPoster({
      host: server.host,
      port: server.port,
      token: '',
      eventIds,
      rate: 40,
      size: 100,
      via: 'http',
      connections: 2,
      depth: 8,
      server: 'nchan',
    });
    await new Promise((r) => setTimeout(r, 1000));
    const last = await rig.stopPoster();
    const posted = last?.heads[0] ?? 0;
    assert.ok(posted >= 10, `posted ${posted}`);
    assert.equal(last?.sent, posted, 'one seq per entry sent');
    assert.equal(last?.errors, 0, last?.lastError);
    const total = { delivered: 0, gaps: 0, duplicates: 0, disorder: 0, latencies: 0 };
    for (const until = Date.now() + 10_000; total.delivered < 2 * posted && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 200));
      const s = await rig.sample();
      total.delivered += s.delivered;
      total.gaps += s.gaps;
      total.duplicates += s.duplicates;
      total.disorder += s.disorder;
      total.latencies += s.latency.total;
    }
    assert.deepEqual(
      { ...total, latencies: total.latencies === total.delivered },
      { delivered: 2 * posted, gaps: 0, duplicates: 0, disorder: 0, latencies: true },
    );
  } finally {
    rig.close();
    await server.stop();
  }
});
