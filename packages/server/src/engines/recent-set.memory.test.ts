// Runs the RecentSet contract against in-process keys.
import { recentSetContract } from './recent-set.case.test.js';
import { MemoryRecentSet } from './recent-set.memory.js';

recentSetContract(
  'memory',
  async () => ({
    async open() {
      return new MemoryRecentSet();
    },
    async destroy() {},
  }),
  { multiNode: false },
);
