// Runs the RecentSet contract against the keys kept by the primary of the worker processes.
import { ipcHost } from '../../test/ipc-host.js';
import { recentSetContract } from './recent-set.case.test.js';
import { IpcRecentSet } from './recent-set.ipc.js';

recentSetContract(
  'ipc',
  async () => {
    const host = ipcHost();
    return {
      async open() {
        return new IpcRecentSet(host.open());
      },
      destroy: () => host.destroy(),
    };
  },
  { multiNode: true },
);
