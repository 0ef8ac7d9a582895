// Limits per user across events, with the in-process and the Redis rate limiter: posting across
// many events, and creating events.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import type { RateLimiter } from '../src/engines/rate-limiter.js';
import { MemoryRateLimiter } from '../src/engines/rate-limiter.memory.js';
import { createRedisRateLimiter } from '../src/engines/rate-limiter.redis.js';
import { runId, testRedis } from './services.js';
import { api, devToken, startNode, type TestNode } from './support.js';

const limiters: [string, () => { limiter: RateLimiter; close(): void }][] = [
  ['memory', () => ({ limiter: new MemoryRateLimiter(), close() {} })],
  [
    'redis',
    () => {
      const redis: Redis = testRedis();
      return {
        limiter: createRedisRateLimiter(redis, { prefix: `lc:test:${runId()}:rl:` }),
        close: () => redis.disconnect(),
      };
    },
  ],
];

for (const [name, open] of limiters) {
  describe(`limits per user across events (${name} rate limiter)`, () => {
    let node: TestNode;
    let base: string;
    let close: () => void;

    before(async () => {
      const opened = open();
      close = opened.close;
      node = await startNode({ eventsPerHour: 3, userRatePerMinute: 120 }, { engines: { limiter: opened.limiter } });
      base = node.url;
    });
    after(async () => {
      await node.stop();
      close();
    });

    test('one viewer posting across 20 events is limited', async () => {
      const admin = await devToken(base, 'host', 'admin');
      const viewer = await devToken(base, 'flooder');
      const eventIds: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await api(base, 'POST', '/v1/events', { token: admin.token, body: { title: `match ${i}` } });
        assert.equal(res.status, 201);
        eventIds.push(res.body.id);
      }
      // Five posts in each event: within every event's own limit (burst 5), 100 in all.
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          api(base, 'POST', `/v1/events/${eventIds[i % 20]}/comments`, {
            token: viewer.token,
            body: { text: `goal number ${i} for team ${i % 7}` },
          }),
        ),
      );
      const accepted = answers.filter((a) => a.status === 201 || a.status === 202).length;
      const limited = answers.filter((a) => a.status === 429);
      // The user-wide burst is 20 (plus a token every 0.5 s while the test runs).
      assert.ok(accepted >= 20 && accepted < 40, `accepted ${accepted}`);
      assert.equal(limited.length, 100 - accepted, 'every other post is rate limited');
      assert.equal(limited[0]!.body.error.code, 'rate_limited');
      assert.ok(limited[0]!.body.error.retryAfterMs > 0);
      assert.ok(Number(limited[0]!.headers.get('retry-after')) >= 1);
      // Another viewer is not affected.
      const other = await devToken(base, 'bystander');
      const res = await api(base, 'POST', `/v1/events/${eventIds[0]}/comments`, {
        token: other.token,
        body: { text: 'what a match' },
      });
      assert.ok(res.status === 201 || res.status === 202, `status ${res.status}`);
    });

    test('creating events beyond the quota answers 429', async () => {
      const viewer = await devToken(base, 'creator');
      for (let i = 0; i < 3; i++) {
        const res = await api(base, 'POST', '/v1/events', { token: viewer.token, body: { title: `mine ${i}` } });
        assert.equal(res.status, 201);
      }
      const refused = await api(base, 'POST', '/v1/events', { token: viewer.token, body: { title: 'one too many' } });
      assert.equal(refused.status, 429);
      assert.equal(refused.body.error.code, 'rate_limited');
      // One more event every 20 minutes (3 per hour).
      assert.ok(refused.body.error.retryAfterMs > 19 * 60_000, `retryAfterMs ${refused.body.error.retryAfterMs}`);
      assert.ok(Number(refused.headers.get('retry-after')) > 19 * 60);
      const list = await api(base, 'GET', '/v1/events?limit=200');
      assert.equal(
        list.body.items.some((e: { title: string }) => e.title === 'one too many'),
        false,
      );
      // Admins and service publishers are exempt, as they are from posting limits.
      for (const role of ['admin', 'service']) {
        const exempt = await devToken(base, `trusted-${role}`, role);
        for (let i = 0; i < 4; i++) {
          const res = await api(base, 'POST', '/v1/events', { token: exempt.token, body: { title: `${role} ${i}` } });
          assert.equal(res.status, 201, role);
        }
      }
    });
  });
}
