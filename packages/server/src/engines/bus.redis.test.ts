// Runs the Bus contract against Redis pub/sub, plain and sharded, on the test Redis.
import type { Redis } from 'ioredis';
import { redisReady, runId, testRedis } from '../../test/services.js';
import { busContract } from './bus.case.test.js';
import type { Bus } from './bus.js';
import { createRedisBus } from './bus.redis.js';

for (const sharded of [false, true]) {
  busContract(
    sharded ? 'redis (sharded pub/sub)' : 'redis',
    async () => {
      const prefix = `lc:test:${runId()}:`;
      const clients = new Map<Bus, { pub: Redis; sub: Redis }>();
      return {
        async open() {
          const pub = testRedis();
          const sub = testRedis();
          const bus = createRedisBus(pub, sub, { prefix, sharded });
          await Promise.all([redisReady(pub), redisReady(sub)]);
          clients.set(bus, { pub, sub });
          return bus;
        },
        async interrupt(bus, which) {
          // Drops the socket; ioredis reconnects on its own, as after a network blip.
          clients.get(bus)?.[which].disconnect(true);
        },
        async destroy() {
          for (const { pub, sub } of clients.values()) {
            pub.disconnect();
            sub.disconnect();
          }
        },
      };
    },
    { multiNode: true },
  );
}
