// Private Redis and PostgreSQL servers for the tests that stop or restart them: started on free
// ports in a temporary folder, stopped and removed after. The machine's shared services are
// never touched. As root, PostgreSQL runs as the `postgres` user (it refuses root).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { waitFor } from './wait.js';

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const children = new Set<ChildProcess>();
// A test that fails half way must not leave servers behind.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Spawns a child that is killed when the test process exits. */
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function stopChild(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/** A server the test can stop and start again on the same port. */
export interface PrivateServer {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

/** How to run one private server: its process, how to tell it is up, how to stop it. */
interface ServerSpec {
  port: number;
  url: string;
  /** Its folder, removed by `destroy`. */
  dir: string;
  launch(): ChildProcess;
  ready(): Promise<boolean>;
  readyWithinMs: number;
  pollMs: number;
  stopSignal: NodeJS.Signals;
}

/** A private server from its spec, started. */
async function privateServer(spec: ServerSpec): Promise<PrivateServer> {
  let child: ChildProcess | null = null;
  const server: PrivateServer = {
    port: spec.port,
    url: spec.url,
    async start() {
      child = track(spec.launch());
      await waitFor(spec.ready, `private server on ${spec.port}`, spec.readyWithinMs, spec.pollMs);
    },
    async stop() {
      await stopChild(child, spec.stopSignal);
      child = null;
    },
    async destroy() {
      await server.stop();
      rmSync(spec.dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** Starts a private redis-server that keeps nothing on disk. */
export async function startPrivateRedis(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lc-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  return privateServer({
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    launch: () => spawn('redis-server', args, { stdio: 'ignore' }),
    ready: () => redisPing(port),
    readyWithinMs: 10_000,
    pollMs: 20,
    stopSignal: 'SIGKILL',
  });
}

/** True when a Redis answers PING on the port. */
async function redisPing(port: number): Promise<boolean> {
  const { Socket } = await import('node:net');
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

/** The folder of PostgreSQL's server programs (initdb, postgres). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error(`no PostgreSQL under ${root}`);
  return join(root, versions[0], 'bin');
}

/** Runs a PostgreSQL program as the postgres user when we are root. */
function asPostgres(program: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [program, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', program, ...args]];
}

/** Starts a private PostgreSQL cluster (trust auth, user postgres, database postgres). */
export async function startPrivatePostgres(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lc-pg-'));
  const data = join(dir, 'data');
  const bin = postgresBin();
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), -1);
  const [initdb, initArgs] = asPostgres(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-N',
    '-E',
    'UTF8',
  ]);
  execFileSync(initdb, initArgs, { stdio: 'ignore' });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const [cmd, args] = asPostgres(join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'max_connections=100',
  ]);
  return privateServer({
    port,
    url,
    dir,
    launch: () => spawn(cmd, args, { stdio: 'ignore' }),
    ready: () => pgPing(url),
    readyWithinMs: 20_000,
    pollMs: 50,
    // Fast shutdown: ends the sessions and stops at once, as an outage looks to clients.
    stopSignal: 'SIGINT',
  });
}

/** True when PostgreSQL accepts a query at the url. */
async function pgPing(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A private Redis Cluster: its masters' ports and the seed URL list a node is given. */
export interface PrivateRedisCluster {
  ports: number[];
  /** Every master as a comma-separated REDIS_URL. */
  url: string;
  destroy(): Promise<void>;
}

/**
 * Starts a Redis Cluster of `shards` masters (no replicas) from Debian's redis-server, the slots
 * spread by `redis-cli --cluster create`, and waits until every node reports the cluster ok.
 */
export async function startPrivateRedisCluster(shards = 3): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'lc-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < shards; i++) {
    let port = await freePort();
    // Cluster nodes also listen on port + 10000 (the cluster bus): keep both free and distinct.
    while (port > 55_000 || ports.includes(port)) port = await freePort();
    ports.push(port);
  }
  const nodes = ports.map((port) =>
    track(
      spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '2000',
        ],
        { stdio: 'ignore' },
      ),
    ),
  );
  const destroy = async () => {
    for (const node of nodes) await stopChild(node, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(() => redisPing(port), `cluster node on ${port}`, 10_000, 20);
    execFileSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
      { stdio: 'ignore', timeout: 30_000 },
    );
    for (const port of ports) {
      await waitFor(
        () =>
          execFileSync('redis-cli', ['-p', String(port), 'cluster', 'info'])
            .toString()
            .includes('cluster_state:ok'),
        `cluster state ok on ${port}`,
        20_000,
        100,
      );
    }
  } catch (err) {
    await destroy();
    throw err;
  }
  return { ports, url: ports.map((p) => `redis://127.0.0.1:${p}`).join(','), destroy };
}
