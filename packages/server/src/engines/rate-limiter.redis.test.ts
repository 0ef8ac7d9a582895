// Runs the RateLimiter contract against Redis (GCRA in Lua).
import type { Redis } from 'ioredis';
import { runId, testRedis } from '../../test/services.js';
import { rateLimiterContract } from './rate-limiter.case.test.js';
import { createRedisRateLimiter } from './rate-limiter.redis.js';

rateLimiterContract(
  'redis',
  async () => {
    const prefix = `lc:test:${runId()}:rl:`;
    const clients: Redis[] = [];
    return {
      async open() {
        const redis = testRedis();
        clients.push(redis);
        return createRedisRateLimiter(redis, { prefix });
      },
      async destroy() {
        for (const c of clients) c.disconnect();
      },
    };
  },
  { multiNode: true },
);
