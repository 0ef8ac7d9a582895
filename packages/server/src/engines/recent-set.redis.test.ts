// Runs the RecentSet contract against Redis (SET NX PX).
import type { Redis } from 'ioredis';
import { runId, testRedis } from '../../test/services.js';
import { recentSetContract } from './recent-set.case.test.js';
import { createRedisRecentSet } from './recent-set.redis.js';

recentSetContract(
  'redis',
  async () => {
    const prefix = `lc:test:${runId()}:rs:`;
    const clients: Redis[] = [];
    return {
      async open() {
        const redis = testRedis();
        clients.push(redis);
        return createRedisRecentSet(redis, { prefix });
      },
      async destroy() {
        for (const c of clients) c.disconnect();
      },
    };
  },
  { multiNode: true },
);
