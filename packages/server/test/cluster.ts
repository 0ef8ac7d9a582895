// Several server processes on loopback against one Redis and one PostgreSQL, for the multi-node
// tests. Each node is `node dist/src/main.js` with its own port and data folder; they share a
// JWT secret so a token from one node is good on all (as behind a load balancer).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Comment, Entry, Role } from '@livecomments/protocol';
import { mintToken } from '../src/auth/mint.js';
import { freePort } from './private-services.js';
import { api, createEvent as createTestEvent } from './support.js';
import { waitFor } from './wait.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.js');
const SECRET = 'cluster-test-secret-0123456789abcdef';

/** One server process. */
export interface ClusterNode {
  readonly index: number;
  readonly port: number;
  readonly url: string;
  /** Kills the process at once (`kill -9`). */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
}

/** Nodes started by `startCluster`. */
export interface Cluster {
  nodes: ClusterNode[];
  urls: string[];
  stop(): Promise<void>;
}

/** Options of a cluster. */
export interface ClusterOptions {
  nodes: number;
  redisUrl: string;
  databaseUrl: string;
  /** Extra environment for every node. */
  env?: Record<string, string>;
  /** Wait for /ready (default) or only /health (when a dependency is meant to be down). */
  waitFor?: 'ready' | 'health';
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts the nodes and waits until each answers. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'lc-cluster-'));
  const nodes = await Promise.all(
    Array.from({ length: opts.nodes }, async (_, index) => {
      const port = await freePort();
      return createNode(index, port, join(dir, `node${index}`), opts);
    }),
  );
  await Promise.all(nodes.map((n) => n.start()));
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    async stop() {
      await Promise.all(nodes.map((n) => n.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function createNode(index: number, port: number, dataDir: string, opts: ClusterOptions): ClusterNode {
  let child: ChildProcess | null = null;
  let out = '';
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LC_DATA_DIR: dataDir,
    LC_JWT_SECRET: SECRET,
    LC_LOG_LEVEL: 'warn',
    // Each node one process, whatever the shell says: these tests count and kill nodes.
    LC_WORKERS: '1',
    LC_MAX_CONNECTIONS_PER_IP: '0',
    LC_PRESENCE_MS: '500',
    REDIS_URL: opts.redisUrl,
    DATABASE_URL: opts.databaseUrl,
    ...opts.env,
  };
  return {
    index,
    port,
    url,
    async start() {
      const proc = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      running.add(proc);
      proc.once('exit', () => running.delete(proc));
      proc.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
      });
      proc.stderr?.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const path = opts.waitFor === 'health' ? '/health' : '/ready';
      await waitFor(
        async () => {
          if (proc.exitCode !== null) throw new Error(`node ${index} exited: ${out}`);
          return (await fetch(url + path)).ok;
        },
        `node ${index} on ${port}`,
        // A node takes 15-20 s to start on a machine shared with other builds and tests.
        60_000,
        50,
      );
    },
    async kill() {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = once(proc, 'exit');
      proc.kill('SIGKILL');
      await exited;
    },
    output: () => out,
  };
}

/** A signed-in user of the cluster. */
export interface User {
  token: string;
  id: string;
}

export { api };

/**
 * A token signed with the nodes' secret, good on every node (role `service` skips per-user
 * limits, as a load generator does). The URL is the node the user first meets, for the record.
 */
export async function signIn(_url: string, name: string, role: Role = 'service'): Promise<User> {
  const id = `u_${name}_${randomUUID().slice(0, 8)}`;
  return { token: await mintToken(SECRET, { sub: id, name, role }), id };
}

/** Creates an event and returns its id. */
export function createEvent(url: string, user: User): Promise<string> {
  return createTestEvent(url, user.token);
}

/** Posts a comment; returns the status and the comment (when accepted). */
export async function post(
  url: string,
  user: User,
  eventId: string,
  text: string,
  clientId: string,
): Promise<{ status: number; comment?: Comment; code?: string }> {
  const { status, body } = await api<{ comment?: Comment; error?: { code: string } }>(
    url,
    'POST',
    `/v1/events/${eventId}/comments`,
    { body: { text, clientId }, token: user.token },
  );
  return {
    status,
    ...(body?.comment ? { comment: body.comment } : {}),
    ...(body?.error ? { code: body.error.code } : {}),
  };
}

/** The whole log of an event as the store has it (paged). */
export async function readLog(url: string, eventId: string): Promise<Entry[]> {
  const all: Entry[] = [];
  for (;;) {
    const after = all.at(-1)?.seq ?? 0;
    const { status, body } = await api<{ items: Entry[] }>(
      url,
      'GET',
      `/v1/events/${eventId}/comments?after=${after}&limit=100`,
    );
    if (status !== 200) throw new Error(`read log: ${status} ${JSON.stringify(body)}`);
    if (body.items.length === 0) return all;
    all.push(...body.items);
  }
}

/**
 * Posts like a client behind a load balancer: on a refused connection or a 503 it retries the
 * same post (same client id, so at most one comment) on the next node, until `timeoutMs`.
 */
export async function postRetrying(
  urls: string[],
  first: number,
  user: User,
  eventId: string,
  text: string,
  clientId: string,
  timeoutMs = 20_000,
): Promise<Comment> {
  const deadline = Date.now() + timeoutMs;
  let node = first;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await post(urls[node % urls.length]!, user, eventId, text, clientId);
      if (res.comment && res.status < 300) return res.comment;
      last = `${res.status} ${res.code}`;
      if (res.status !== 503) throw new Error(`post ${clientId} refused: ${last}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('post ')) throw err;
      last = String(err);
    }
    node += 1;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`post ${clientId} not accepted in ${timeoutMs} ms: ${last}`);
}
