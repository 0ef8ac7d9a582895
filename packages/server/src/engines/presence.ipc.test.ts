// Runs the Presence contract against presence kept by the primary of the worker processes.
import { ipcHost } from '../../test/ipc-host.js';
import type { WorkerLink } from './ipc-link.js';
import { presenceContract } from './presence.case.test.js';
import { IpcPresence } from './presence.ipc.js';

presenceContract(
  'ipc',
  async () => {
    const host = ipcHost();
    const links = new Map<IpcPresence, WorkerLink>();
    return {
      async open() {
        const link = host.open();
        const presence = new IpcPresence(link);
        links.set(presence, link);
        return presence;
      },
      async crash(presence) {
        host.crash(links.get(presence as IpcPresence)!);
      },
      destroy: () => host.destroy(),
    };
  },
  { multiNode: true },
);
