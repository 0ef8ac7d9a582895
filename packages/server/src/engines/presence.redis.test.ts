// Runs the Presence contract against Redis presence, with a short expiry.
import type { Redis } from 'ioredis';
import { runId, testRedis } from '../../test/services.js';
import { presenceContract } from './presence.case.test.js';
import { createRedisPresence, type RedisPresence } from './presence.redis.js';

presenceContract(
  'redis',
  async () => {
    const prefix = `lc:test:${runId()}:p:`;
    const clients: Redis[] = [];
    return {
      async open() {
        const redis = testRedis();
        clients.push(redis);
        return createRedisPresence(redis, { prefix, ttlMs: 600 });
      },
      async crash(presence) {
        (presence as RedisPresence).abandon();
      },
      async destroy() {
        for (const c of clients) c.disconnect();
      },
    };
  },
  { multiNode: true },
);
