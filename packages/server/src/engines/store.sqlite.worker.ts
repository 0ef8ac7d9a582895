// The writer thread of the SQLite store: owns the write connection, so a commit's statements and
// its fsync run beside the event loop instead of blocking it. Started by SqliteStore.
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteWriter, type WriteOp } from './store.sqlite.writer.js';

/** A request from the store: one write operation and its arguments. */
export interface WriteRequest {
  id: number;
  op: WriteOp;
  args: unknown[];
}

/** The answer: the operation's value, or its error's message and SQLite code. */
export type WriteReply = { id: number; value: unknown } | { id: number; error: { message: string; code?: string } };

/** What the store passes when it starts the thread. */
export interface WriterData {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
}

const port = parentPort;
if (port) {
  const { path, synchronous } = workerData as WriterData;
  const writer = new SqliteWriter(path, synchronous);
  const call = writer as unknown as Record<WriteOp, (...args: unknown[]) => unknown>;
  port.on('message', function onRequest(request: WriteRequest | 'close') {
    if (request === 'close') {
      writer.close();
      port.close();
      return;
    }
    let reply: WriteReply;
    try {
      reply = { id: request.id, value: call[request.op].apply(writer, request.args) };
    } catch (error) {
      const e = error as { message?: unknown; code?: unknown };
      reply = { id: request.id, error: { message: String(e.message ?? error) } };
      if (typeof e.code === 'string') reply.error.code = e.code;
    }
    port.postMessage(reply);
  });
}
