// Runs the Presence contract against in-process presence.
import { presenceContract } from './presence.case.test.js';
import { MemoryPresence } from './presence.memory.js';

presenceContract(
  'memory',
  async () => ({
    async open() {
      return new MemoryPresence();
    },
    async destroy() {},
  }),
  { multiNode: false },
);
