// The writer thread of the SQLite store: owns the write connection, so a commit's statements and
// its fsync run beside the event loop instead of blocking it. Started by SqliteStore.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { AppendItem } from './store.js';
import { SqliteWriter, type WriteOp } from './store.sqlite.writer.js';

/**
 * A request from the store: one write operation and its arguments as JSON (cheaper to copy and
 * to read back than a structured clone of many small objects).
 */
export interface WriteRequest {
  id: number;
  op: WriteOp;
  args: string;
}

/** The answer: the operation's value, or its error's message and SQLite code. */
export type WriteReply = { id: number; value: unknown } | { id: number; error: { message: string; code?: string } };

/** What the store passes when it starts the thread. */
export interface WriterData {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  /** Every change goes to the webhook outbox (the node has webhooks of its own). */
  notifyAll: boolean;
}

const port = parentPort;
if (port) {
  const { path, synchronous, notifyAll } = workerData as WriterData;
  const writer = new SqliteWriter(path, synchronous, notifyAll);
  // Everything that queued up while the last commit ran is served together: its appends share
  // one transaction (one commit), and the answers go back in one message.
  port.on('message', function onRequests(first: WriteRequest | 'close') {
    const requests = [first];
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) requests.push(m.message);
    const end = requests.indexOf('close');
    const replies = serve(writer, (end < 0 ? requests : requests.slice(0, end)) as WriteRequest[]);
    if (replies.length > 0) port.postMessage(replies);
    if (end >= 0) {
      writer.close();
      port.close();
    }
  });
}

/** Runs requests in order; runs of appends go in one transaction, each batch atomic on its own. */
function serve(writer: SqliteWriter, requests: WriteRequest[]): WriteReply[] {
  const replies: WriteReply[] = [];
  for (let i = 0; i < requests.length; ) {
    let j = i;
    while (j < requests.length && requests[j]!.op === 'append') j++;
    if (j > i) {
      const run = requests.slice(i, j);
      let outcomes: unknown[];
      try {
        outcomes = writer.appendGroups(run.map((r) => (JSON.parse(r.args) as [AppendItem[]])[0]));
      } catch (error) {
        // The commit itself failed: none of the batches is stored.
        outcomes = run.map(() => error);
      }
      run.forEach((r, n) => {
        const outcome = outcomes[n];
        replies.push(outcome instanceof Error ? failure(r.id, outcome) : { id: r.id, value: outcome });
      });
      i = j;
      continue;
    }
    const r = requests[i++]!;
    try {
      const call = writer[r.op] as (...args: unknown[]) => unknown;
      replies.push({ id: r.id, value: call.apply(writer, JSON.parse(r.args) as unknown[]) });
    } catch (error) {
      replies.push(failure(r.id, error));
    }
  }
  return replies;
}

function failure(id: number, error: unknown): WriteReply {
  const e = error as { message?: unknown; code?: unknown };
  const reply = { id, error: { message: String(e.message ?? error) } as { message: string; code?: string } };
  if (typeof e.code === 'string') reply.error.code = e.code;
  return reply;
}
