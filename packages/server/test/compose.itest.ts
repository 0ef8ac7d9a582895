// deploy/compose.yaml brought up for real with podman-compose: three nodes, Redis, PostgreSQL and
// nginx in front. Viewers through nginx land on all three nodes (least_conn); a comment posted
// through nginx reaches every one of them, so it crossed from one node to the others over Redis.
// Slow (images, PostgreSQL's first start): not part of `npm test`; run it with
// `npm run test:compose`. The nodes' image is built as `npm run test:image` builds it (or
// LC_TEST_IMAGE names one); redis, postgres and nginx are the Debian stand-ins of
// `scripts/image.sh compose-deps` unless REDIS_IMAGE, POSTGRES_IMAGE and NGINX_IMAGE name others.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mintToken } from '../src/auth/mint.js';
import { freePort } from './private-services.js';
import { createEvent, post, SseViewer, WsViewer, waitFor } from './support.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FLAGS = process.env.ENGINE_FLAGS ?? '--runtime runc --cgroup-manager=cgroupfs';
const ULIMITS = '--ulimit nofile=1024:1024 --ulimit nproc=1024:1024';
const IMAGE = process.env.LC_TEST_IMAGE ?? 'localhost/livecomments:test';
const PROJECT = `lc-compose-${randomBytes(3).toString('hex')}`;
const SECRET = randomBytes(32).toString('hex');
const NODES = ['node1', 'node2', 'node3'];

/** Runs a command from the repository's root; resolves with its output, rejects with it on failure. */
function run(file: string, args: string[], env: Record<string, string> = {}, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stdout}\n${stderr}`));
        else resolve(stdout.trim());
      },
    );
  });
}

/** Runs scripts/image.sh with its progress shown; resolves with its `export NAME=value` lines. */
function imageScript(args: string[]): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['scripts/image.sh', ...args], {
      cwd: ROOT,
      env: { ...process.env, IMAGE },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exported: Record<string, string> = {};
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      for (const m of chunk.toString().matchAll(/^export ([A-Z_]+)=(\S+)$/gm)) exported[m[1]!] = m[2]!;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(exported) : reject(new Error(`image.sh ${args[0]} exited ${code}`)),
    );
  });
}

describe('compose: three nodes, Redis, PostgreSQL, nginx', { timeout: 30 * 60_000 }, () => {
  let env: Record<string, string> = {};
  let base = '';

  /** podman-compose on this stack, with podman's flags for this machine. */
  const compose = (args: string[], timeoutMs?: number) =>
    run(
      'podman-compose',
      [`--podman-args=${FLAGS}`, `--podman-run-args=${ULIMITS}`, '-p', PROJECT, '-f', 'deploy/compose.yaml', ...args],
      env,
      timeoutMs,
    );
  const podman = (args: string[]) => run('podman', [...FLAGS.split(' ').filter(Boolean), ...args]);
  /** A node's own answer on `path` (asked inside its container: nginx does not pass /metrics on); rejects unless 200. */
  const inside = (name: string, path: string) =>
    podman([
      'exec',
      `${PROJECT}_${name}_1`,
      'node',
      '-e',
      `fetch('http://127.0.0.1:8080${path}').then(async(r)=>{process.stdout.write(await r.text());process.exit(r.ok?0:1)},()=>process.exit(1))`,
    ]);

  before(async () => {
    const started = Date.now();
    if (!process.env.LC_TEST_IMAGE) {
      await imageScript(['debian-base']);
      await imageScript(['build']);
    }
    const given = ['REDIS_IMAGE', 'POSTGRES_IMAGE', 'NGINX_IMAGE'].every((name) => process.env[name]);
    const deps = given ? {} : await imageScript(['compose-deps']);
    const port = await freePort();
    env = { ...deps, LC_IMAGE: IMAGE, LC_JWT_SECRET: SECRET, LC_HTTP_PORT: String(port), LC_NOFILE: '1024' };
    base = `http://127.0.0.1:${port}`;
    const ready = Date.now();
    await compose(['up', '-d', '--no-build']);
    // The nodes restart until PostgreSQL has made its cluster (podman-compose starts them in
    // order but does not wait for health checks). Every node ready, then nginx answering.
    await waitFor(
      async () => {
        for (const name of NODES)
          if (
            !(await inside(name, '/ready').then(
              () => true,
              () => false,
            ))
          )
            return false;
        return (await fetch(`${base}/ready`).catch(() => null))?.status === 200;
      },
      'the stack to answer through nginx',
      180_000,
    );
    process.stdout.write(
      `# images ready in ${((ready - started) / 1000).toFixed(0)} s, stack up in ${((Date.now() - ready) / 1000).toFixed(0)} s\n`,
    );
  });

  after(async () => {
    await compose(['down', '-v'], 180_000).catch((error) => process.stdout.write(`# down: ${error.message}\n`));
    // What podman-compose (1.0) leaves behind: its network, and volumes when down failed.
    const volumes = await podman(['volume', 'ls', '--format', '{{.Name}}']).catch(() => '');
    for (const volume of volumes.split('\n').filter((v) => v.startsWith(`${PROJECT}_`))) {
      await podman(['volume', 'rm', '-f', volume]).catch(() => {});
    }
    await podman(['network', 'rm', '-f', `${PROJECT}_default`]).catch(() => {});
  });

  test('a comment posted through nginx reaches viewers on all three nodes', async () => {
    const owner = await mintToken(SECRET, { sub: 'u_owner', name: 'Owner', role: 'viewer' });
    const eventId = await createEvent(base, owner);
    const viewers: Array<WsViewer | SseViewer> = [];
    for (let i = 0; i < 3; i++) viewers.push(await WsViewer.open(base, eventId, 'after=0'));
    for (let i = 0; i < 3; i++) viewers.push(await SseViewer.open(base, eventId, 'after=0'));
    // Where they are: each node's own count of open connections.
    const counts: Record<string, number> = {};
    for (const name of NODES) {
      const metrics = await inside(name, '/metrics');
      counts[name] = [...metrics.matchAll(/^lc_connections(?:\{[^}]*\})? (\d+)/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
    }
    process.stdout.write(`# viewers per node: ${JSON.stringify(counts)}\n`);
    for (const name of NODES) assert.ok(counts[name]! > 0, `${name} holds viewers (${JSON.stringify(counts)})`);

    const posted = await post(base, owner, eventId, 'hello from compose', 'c-1');
    assert.equal(posted.status, 201);
    const seq = posted.body.comment.seq;
    await waitFor(
      () => viewers.every((v) => v.entries.some((e) => e.seq === seq)),
      'the comment at every viewer, on every node',
      30_000,
    );
    for (const v of viewers) {
      if (v instanceof WsViewer) await v.close();
      else v.close();
    }
  });
});
