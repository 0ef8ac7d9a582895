// The SQLite store's writes from a worker process (LC_WORKERS): they run on the writer of the
// primary process, the one writer and sequencer of the file; the worker reads the file itself.
import type { WorkerLink } from './ipc-link.js';
import type { WriteRunner } from './store.sqlite.js';
import type { WriteOp } from './store.sqlite.writer.js';

/** Sends each write to the primary process (arguments as JSON, as the writer thread takes them). */
export class IpcWrites implements WriteRunner {
  constructor(private readonly link: WorkerLink) {}

  run(op: WriteOp, args: unknown[]): Promise<unknown> {
    return this.link.call('write', [op, JSON.stringify(args)]);
  }

  async close(): Promise<void> {}
}
