// The server under test: started here (pinned to its CPUs) or one already running at --url.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerKind } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The server's entry point: this checkout's, or another build's (BENCH_SERVER_MAIN, for A/B runs). */
export const SERVER_MAIN = process.env.BENCH_SERVER_MAIN ?? resolve(here, '../../../packages/server/dist/src/main.js');

/** A server to load: its URL and, when known, its process id. */
export interface ServerUnderTest {
  url: string;
  host: string;
  port: number;
  pid: number | null;
  /** What answers there: this project's server, or nginx with Nchan (nchan.ts) for comparison. */
  kind: ServerKind;
  stop(): Promise<void>;
}

/** Whether `taskset` can pin processes here. */
export function hasTaskset(): boolean {
  try {
    return spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** Options for a server this bench starts. */
export interface StartOptions {
  /** CPU list for taskset ('' for no pinning). */
  cpus: string;
  /** Extra environment (LC_FLUSH_MS=..., ...). */
  env: Record<string, string>;
  /** Extra node flags (--cpu-prof, ...). */
  nodeArgs: string[];
  /** A script to run instead of the livecomments server (the bare node:http server). */
  script?: string;
}

/** Starts a server process and waits until it answers /health. */
export async function startServer(options: StartOptions): Promise<ServerUnderTest> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-bench-'));
  const script = options.script ?? SERVER_MAIN;
  const argv = [...options.nodeArgs, script];
  const pinned = options.cpus !== '' && hasTaskset();
  const child: ChildProcess = pinned
    ? spawn('taskset', ['-c', options.cpus, process.execPath, ...argv], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: envFor(),
      })
    : spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'inherit'], env: envFor() });
  function envFor(): NodeJS.ProcessEnv {
    // The bench's token is not the server's business (and it refuses unknown LC_ settings).
    const { LC_BENCH_TOKEN: _token, ...inherited } = process.env;
    return {
      ...inherited,
      PORT: String(port),
      HOST: '127.0.0.1',
      LC_DATA_DIR: dataDir,
      LC_MAX_CONNECTIONS_PER_IP: '0',
      LC_LOG_LEVEL: 'warn',
      ...options.env,
    };
  }
  let exited = false;
  const gone = new Promise<void>((done) =>
    child.once('exit', () => {
      exited = true;
      done();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  // A minute: on a shared machine under load a node takes a while to start.
  const until = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the server exited at start (${script})`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {}
    if (Date.now() > until) {
      // Not left running behind a failed bench.
      child.kill();
      throw new Error('the server did not answer /health within 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // taskset execs node in place, so the child's pid is the server's pid.
  return {
    url,
    host: '127.0.0.1',
    port,
    pid: child.pid ?? null,
    kind: 'livecomments',
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await gone;
        clearTimeout(force);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A server already running at `url` (its pid, when given, lets the bench read its CPU and RSS). */
export function existingServer(url: string, pid: number | null): ServerUnderTest {
  const parsed = new URL(url);
  return {
    url: url.replace(/\/$/, ''),
    host: parsed.hostname,
    port: Number(parsed.port || 80),
    pid,
    kind: 'livecomments',
    async stop() {},
  };
}

/** Calls the API; throws with the answer on a non-2xx status. */
export async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(base + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * The token for creating events and posting: the one given (`--token`, `LC_BENCH_TOKEN`), else a
 * development token with the service role (skips rate limits), which a server gives only to a
 * caller on its own machine.
 */
export async function serviceToken(base: string, given: string): Promise<string> {
  if (given) return given;
  try {
    const answer = await call<{ token: string }>(base, 'POST', '/v1/dev/tokens', { name: 'bench', role: 'service' });
    return answer.token;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`${why}\nno development token from ${base}: pass --token or set LC_BENCH_TOKEN (npm run token)`);
  }
}

/** Creates `n` fresh events, a few at a time. */
export async function createEvents(base: string, token: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, (_, k) =>
        call<{ id: string }>(
          base,
          'POST',
          '/v1/events',
          { title: `bench ${i + k}`, settings: { maxCommentChars: 2000 } },
          token,
        ),
      ),
    );
    ids.push(...batch.map((e) => e.id));
  }
  return ids;
}

/** The log heads of events, as the server reports them. */
export async function lastSeqs(base: string, ids: readonly string[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    const batch = await Promise.all(
      ids.slice(i, i + 50).map((id) => call<{ lastSeq: number }>(base, 'GET', `/v1/events/${id}`)),
    );
    out.push(...batch.map((e) => e.lastSeq));
  }
  return out;
}

/** Reads counters from /metrics (sum over labels). */
export async function metrics(base: string, names: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const name of names) {
      let sum = 0;
      for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))) sum += Number(m[1]);
      out[name] = sum;
    }
  } catch {}
  return out;
}
