// Request logs: method, route pattern, status, duration and user id; sampled under load; never a
// token, whether it came in a header or a query string.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Sampler } from '../src/http/request-log.js';
import { MAIN } from './child-node.js';
import { freePort } from './private-services.js';
import { api, createEvent, devToken, post, tempDir, waitFor } from './support.js';

describe('request log', () => {
  test('the sampler allows n lines a second and reports what it left out', () => {
    let now = 10_000;
    const sampler = new Sampler(2, () => now);
    assert.deepEqual(sampler.take(), { ok: true, skipped: 0 });
    assert.deepEqual(sampler.take(), { ok: true, skipped: 0 });
    assert.deepEqual(sampler.take(), { ok: false });
    assert.deepEqual(sampler.take(), { ok: false });
    now += 1000;
    assert.deepEqual(sampler.take(), { ok: true, skipped: 2 });
    assert.deepEqual(sampler.take(), { ok: true, skipped: 0 });
  });

  test('a line per request with route, status, duration and user id, and no token', async () => {
    const dir = tempDir();
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, LC_LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port), LC_DATA_DIR: dir },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(() => /listening/.test(out), 'the node to start', 30_000);
      const alice = await devToken(base, 'alice');
      const eventId = await createEvent(base, alice.token);
      assert.equal((await post(base, alice.token, eventId, 'hi')).status, 201);
      assert.equal((await api(base, 'GET', `/v1/events/${eventId}?token=${alice.token}`)).status, 200);
      const lines = () =>
        out
          .split('\n')
          .filter((l) => l.includes('"msg":"request"'))
          .map((l) => JSON.parse(l));
      await waitFor(() => lines().length >= 4, 'the request lines');
      const posted = lines().find((l) => l.method === 'POST' && l.route === '/v1/events/:eventId/comments');
      assert.ok(posted, 'the post has a line with its route pattern');
      assert.equal(posted.status, 201);
      assert.equal(posted.userId, alice.id);
      assert.equal(typeof posted.ms, 'number');
      const read = lines().find((l) => l.method === 'GET' && l.route === '/v1/events/:eventId');
      assert.equal(read?.status, 200);
      assert.ok(!out.includes(alice.token), 'the token is in no line');
      assert.ok(!out.includes(eventId), 'routes are patterns, not URLs');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
