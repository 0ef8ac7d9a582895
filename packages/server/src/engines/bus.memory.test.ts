// Runs the Bus contract against the in-process bus.
import { busContract } from './bus.case.test.js';
import { MemoryBus } from './bus.memory.js';

busContract(
  'memory',
  async () => ({
    async open() {
      return new MemoryBus();
    },
    async destroy() {},
  }),
  { multiNode: false },
);
