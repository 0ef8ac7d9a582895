// The primary's engine host (cluster/host.ts) and worker links over MessageChannels, for the
// contract suites of the IPC engines: a real asynchronous channel with structured clone, as
// between the processes of LC_WORKERS, without starting any.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { EngineHost } from '../src/cluster/host.js';
import { type IpcEnd, WorkerLink } from '../src/engines/ipc-link.js';

/** A host and the links opened on it. */
export interface IpcHostHarness {
  /** A new worker's link. */
  open(): WorkerLink;
  /** The host forgets the link's worker, as when its process dies. */
  crash(link: WorkerLink): void;
  destroy(): Promise<void>;
}

/** A host that keeps the shared engines (no SQLite writer). */
export function ipcHost(): IpcHostHarness {
  const host = new EngineHost(null, true, {
    error(error) {
      throw error;
    },
  });
  const ports: MessagePort[] = [];
  const ids = new Map<WorkerLink, number>();
  let next = 1;
  return {
    open() {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1, port2);
      const id = next++;
      host.attach(id, endOf(port1));
      const link = new WorkerLink(endOf(port2));
      ids.set(link, id);
      return link;
    },
    crash(link) {
      host.detach(ids.get(link) ?? 0);
    },
    async destroy() {
      await host.close();
      for (const port of ports) port.close();
    },
  };
}

function endOf(port: MessagePort): IpcEnd {
  return {
    send: (message) => port.postMessage(message),
    on: (event, handler) => port.on(event, handler),
    off: (event, handler) => port.off(event, handler),
  };
}
