// Runs the RateLimiter contract against in-process limits.
import { rateLimiterContract } from './rate-limiter.case.test.js';
import { MemoryRateLimiter } from './rate-limiter.memory.js';

rateLimiterContract(
  'memory',
  async () => ({
    async open() {
      return new MemoryRateLimiter();
    },
    async destroy() {},
  }),
  { multiNode: false },
);
