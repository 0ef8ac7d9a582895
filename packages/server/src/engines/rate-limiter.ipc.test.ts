// Runs the RateLimiter contract against the limits kept by the primary of the worker processes.
import { ipcHost } from '../../test/ipc-host.js';
import { rateLimiterContract } from './rate-limiter.case.test.js';
import { IpcRateLimiter } from './rate-limiter.ipc.js';

rateLimiterContract(
  'ipc',
  async () => {
    const host = ipcHost();
    return {
      async open() {
        return new IpcRateLimiter(host.open());
      },
      destroy: () => host.destroy(),
    };
  },
  { multiNode: true },
);
