// Runs the Bus contract against the bus between worker processes (through the primary's relay).
import { ipcHost } from '../../test/ipc-host.js';
import { busContract } from './bus.case.test.js';
import { IpcBus } from './bus.ipc.js';

busContract(
  'ipc',
  async () => {
    const host = ipcHost();
    return {
      async open() {
        return new IpcBus(host.open());
      },
      destroy: () => host.destroy(),
    };
  },
  { multiNode: true },
);
