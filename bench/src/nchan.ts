// Nchan (nginx's pub/sub module, Debian's `libnginx-mod-nchan`) as the server under test, for
// figures from the same run and the same load generator: a private nginx on a free port with one
// worker, pinned like our server, a publisher location and a WebSocket + EventSource subscriber
// location. Viewers subscribe to /sub/<event>; the poster publishes an entry shaped like ours to
// /pub/<event> with a per-event seq, so the viewers account loss and latency the same way.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, hasTaskset, type ServerUnderTest } from './server.js';

/** Where Debian puts the module. */
export const NCHAN_MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so';
/** The Debian packages the nchan target needs. */
const PACKAGES = ['nginx', 'libnginx-mod-nchan'];
/** Entries an event keeps for resuming subscribers: our server's default LC_RING_SIZE. */
const BUFFER_LENGTH = 1024;

/** The nginx binary, or null when it is not installed. */
function nginxBinary(): string | null {
  for (const path of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(path)) return path;
  return null;
}

/** Why nginx with Nchan cannot run here, or null when it can. */
export function nchanMissing(): string | null {
  if (!nginxBinary()) return 'nginx is not installed (Debian: apt-get install nginx libnginx-mod-nchan)';
  if (!existsSync(NCHAN_MODULE)) return `${NCHAN_MODULE} is missing (Debian: apt-get install libnginx-mod-nchan)`;
  return null;
}

/**
 * Installs Debian's nginx and Nchan when they are missing and this process may (root, apt-get,
 * LC_BENCH_INSTALL not 0); throws a clear error when they are still missing.
 */
export function ensureNchan(): void {
  if (!nchanMissing()) return;
  const allowed =
    process.env.LC_BENCH_INSTALL !== '0' &&
    process.getuid?.() === 0 &&
    spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (allowed) {
    process.stderr.write(`installing ${PACKAGES.join(', ')} (Debian packages; LC_BENCH_INSTALL=0 to refuse)\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () =>
      spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], { stdio: ['ignore', 2, 2], env });
    // A fresh machine may not have the package lists yet.
    if (install().status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: ['ignore', 2, 2], env });
      install();
    }
  }
  const missing = nchanMissing();
  if (missing) throw new Error(`the nchan target needs nginx with Nchan: ${missing}`);
}

/** Settings of the nginx configuration the bench writes. */
export interface NchanConfig {
  dir: string;
  port: number;
  /** File descriptors the worker may hold (a viewer is one). */
  connections: number;
  /** Run the worker as root (only when nginx starts as root: it drops to `nobody` otherwise). */
  root: boolean;
}

/** The nginx.conf of a private instance: one worker, logs off, Nchan on /pub/<id> and /sub/<id>. */
export function nchanConfig(c: NchanConfig): string {
  return `# Written by the livecomments bench: a private nginx with Nchan, one worker (pinned by taskset).
daemon off;
master_process on;
worker_processes 1;
${c.root ? 'user root;\n' : ''}pid ${c.dir}/nginx.pid;
error_log ${c.dir}/error.log error;
load_module ${NCHAN_MODULE};
worker_rlimit_nofile ${c.connections};
events {
  worker_connections ${c.connections};
  use epoll;
}
http {
  access_log off;
  client_body_temp_path ${c.dir}/body;
  proxy_temp_path ${c.dir}/proxy;
  fastcgi_temp_path ${c.dir}/fastcgi;
  uwsgi_temp_path ${c.dir}/uwsgi;
  scgi_temp_path ${c.dir}/scgi;
  keepalive_requests 1000000;
  nchan_message_buffer_length ${BUFFER_LENGTH};
  server {
    listen 127.0.0.1:${c.port} backlog=4096;
    location = /health { return 200 "ok\\n"; }
    location ~ ^/pub/([A-Za-z0-9_-]+)$ {
      nchan_publisher;
      nchan_channel_id $1;
    }
    location ~ ^/sub/([A-Za-z0-9_-]+)$ {
      nchan_subscriber websocket eventsource;
      nchan_channel_id $1;
      nchan_subscriber_first_message oldest;
    }
  }
}
`;
}

/** Fresh channel ids for `n` events (Nchan creates a channel on its first message). */
export function nchanEventIds(n: number): string[] {
  const run = randomBytes(4).toString('hex');
  return Array.from({ length: n }, (_, i) => `bench-${run}-${i}`);
}

/** The entry Nchan publishes: the shape of one of our comment entries, with the poster's seq. */
export function nchanEntry(eventId: string, seq: number, text: string): string {
  return (
    `{"seq":${seq},"type":"comment","comment":{"id":"c${seq}","eventId":"${eventId}","seq":${seq},` +
    `"user":{"id":"bench","name":"bench"},"text":"${text}","createdAt":${Date.now()}}}`
  );
}

/** Options of the nginx this bench starts. */
export interface NchanStartOptions {
  /** CPU list for taskset ('' for no pinning). */
  cpus: string;
}

/** Starts a private nginx with Nchan and waits until it answers; its pid is the worker's. */
export async function startNchan(options: NchanStartOptions): Promise<ServerUnderTest> {
  ensureNchan();
  const nginx = nginxBinary()!;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lc-bench-nchan-'));
  const conf = join(dir, 'nginx.conf');
  const connections = openFilesLimit();
  writeFileSync(conf, nchanConfig({ dir, port, connections, root: process.getuid?.() === 0 }));
  const argv = ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')];
  const pinned = options.cpus !== '' && hasTaskset();
  const child: ChildProcess = pinned
    ? spawn('taskset', ['-c', options.cpus, nginx, ...argv], { stdio: ['ignore', 'ignore', 'inherit'] })
    : spawn(nginx, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
  let exited = false;
  const gone = new Promise<void>((done) =>
    child.once('exit', () => {
      exited = true;
      done();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  let worker: number | null = null;
  for (;;) {
    if (exited) throw new Error(`nginx exited at start: ${errorLog(dir)}`);
    try {
      if ((await fetch(`${url}/health`)).ok) {
        // taskset execs nginx in place: the child is the master; the work is done by its worker.
        worker = child.pid ? workerOf(child.pid) : null;
        if (worker) break;
      }
    } catch {}
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not answer within 30 s: ${errorLog(dir)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    host: '127.0.0.1',
    port,
    pid: worker,
    kind: 'nchan',
    async stop() {
      if (!exited) {
        // A fast shutdown: a graceful one would wait for every subscriber to leave.
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(force);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The nginx worker: the one child of the master process. */
function workerOf(master: number): number | null {
  try {
    const children = readFileSync(`/proc/${master}/task/${master}/children`, 'latin1').trim().split(/\s+/);
    const pid = Number(children[0]);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The hard limit of open files of this process (nginx raises its own to it). */
function openFilesLimit(): number {
  const answer = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' });
  const n = Number(answer.stdout.trim());
  return Number.isFinite(n) && n > 0 ? Math.min(n, 1_000_000) : 20_000;
}

/** The tail of nginx's error log, for a failed start. */
function errorLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8').trim().split('\n').slice(-5).join(' | ') || '(empty log)';
  } catch {
    return '(no log)';
  }
}
