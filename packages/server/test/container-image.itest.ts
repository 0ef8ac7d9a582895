// The container image (Dockerfile, scripts/image.sh), built and run for real: a comment posted
// through the container reaches viewers through it, and SIGTERM drains it within LC_DRAIN_MS.
// Slow (the image build installs npm packages): not part of `npm test`; run it with
// `npm run test:image` (podman, or ENGINE=docker). Without LC_IMAGE_BASE the base images are
// made from Debian packages (`scripts/image.sh debian-base`) unless bases of the same recipe are
// in the engine's storage already; with
// LC_IMAGE_BASE="node:22-bookworm node:22-bookworm-slim" the official images are used.
// LC_TEST_IMAGE names an image already built, which is then tested as it is.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CloseCode } from '@livecomments/protocol';
import { mintToken } from '../src/auth/mint.js';
import { freePort } from './private-services.js';
import { api, createEvent, post, SseViewer, WsViewer, waitFor } from './support.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ENGINE = process.env.ENGINE ?? 'podman';
const FLAGS = (process.env.ENGINE_FLAGS ?? (ENGINE === 'podman' ? '--runtime runc --cgroup-manager=cgroupfs' : ''))
  .split(' ')
  .filter(Boolean);
const ULIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];
const IMAGE = process.env.LC_TEST_IMAGE ?? 'localhost/livecomments:test';
const DRAIN_MS = 3000;
const tag = randomBytes(4).toString('hex');
const SECRET = randomBytes(32).toString('hex');

/** Runs the engine; resolves with its output, rejects with it on a non-zero exit. */
function engine(args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(ENGINE, [...FLAGS, ...args], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${ENGINE} ${args.join(' ')}: ${error.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

/** Runs scripts/image.sh with its output shown (the build takes minutes). */
function imageScript(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['scripts/image.sh', ...args], {
      cwd: ROOT,
      env: { ...process.env, ENGINE, ENGINE_FLAGS: FLAGS.join(' '), IMAGE },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`image.sh ${args[0]} exited ${code}`))));
  });
}

/** Starts the image on a free port of the host's network; resolves once /ready answers 200. */
async function runContainer(name: string, volume: string): Promise<string> {
  const port = await freePort();
  await engine([
    'run',
    '-d',
    '--name',
    name,
    '--network',
    'host',
    ...ULIMITS,
    '-e',
    `PORT=${port}`,
    '-e',
    'HOST=127.0.0.1',
    '-e',
    `LC_JWT_SECRET=${SECRET}`,
    '-e',
    `LC_DRAIN_MS=${DRAIN_MS}`,
    '-v',
    `${volume}:/data`,
    IMAGE,
  ]);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      const state = await engine(['inspect', name, '--format', '{{.State.Status}}']);
      if (state === 'exited') throw new Error(`the container exited: ${await engine(['logs', name]).catch(String)}`);
      return (await fetch(`${base}/ready`).catch(() => null))?.status === 200;
    },
    'the container to be ready',
    60_000,
  );
  return base;
}

describe('container image', { timeout: 30 * 60_000 }, () => {
  const names: string[] = [];
  const volume = `lc-test-data-${tag}`;

  before(async () => {
    if (process.env.LC_TEST_IMAGE) return;
    const bases = (process.env.LC_IMAGE_BASE ?? '').split(' ').filter(Boolean);
    const started = Date.now();
    // Made only when no bases of the same recipe are in the engine's storage yet.
    if (bases.length === 0) await imageScript(['debian-base']);
    const built = Date.now();
    await imageScript(['build', ...bases]);
    process.stdout.write(
      `# bases ready in ${((built - started) / 1000).toFixed(0)} s, image built in ${((Date.now() - built) / 1000).toFixed(0)} s\n`,
    );
  });

  after(async () => {
    for (const name of names) await engine(['rm', '-f', name]).catch(() => {});
    await engine(['volume', 'rm', '-f', volume]).catch(() => {});
  });

  test('a non-root image with a health check on /ready, SIGTERM to stop, /data a volume', async () => {
    const [inspected] = JSON.parse(await engine(['image', 'inspect', IMAGE]));
    const config = inspected.Config;
    assert.equal(config.User, '10001:10001');
    assert.equal(config.StopSignal, 'SIGTERM');
    assert.ok(config.Volumes && '/data' in config.Volumes, 'the data folder is a volume');
    // podman shows the health check beside the configuration, docker inside it.
    assert.match(JSON.stringify((inspected.Healthcheck ?? config.Healthcheck)?.Test), /\/ready/);
    const listing = await engine(['run', '--rm', '--network', 'none', ...ULIMITS, IMAGE, 'ls', 'node_modules']);
    const modules = listing.split('\n');
    for (const needed of ['better-sqlite3', 'fastify', 'pg', 'ioredis']) assert.ok(modules.includes(needed), needed);
    for (const dev of ['typescript', 'esbuild', 'playwright-core', '@biomejs', '@types']) {
      assert.ok(!modules.includes(dev), `no development dependency ${dev}`);
    }
    const whoami = await engine([
      'run',
      '--rm',
      '--network',
      'none',
      ...ULIMITS,
      IMAGE,
      'node',
      '-p',
      'process.getuid()',
    ]);
    assert.equal(whoami, '10001');
  });

  test('posts and delivers through the container, then drains on SIGTERM within LC_DRAIN_MS', async () => {
    const name = `lc-test-${tag}`;
    names.push(name);
    const base = await runContainer(name, volume);
    const owner = await mintToken(SECRET, { sub: 'u_owner', name: 'Owner', role: 'viewer' });
    const eventId = await createEvent(base, owner);
    const ws = await WsViewer.open(base, eventId, 'after=0');
    const sse = await SseViewer.open(base, eventId, 'after=0');
    const posted = await post(base, owner, eventId, 'hello from a container', 'c-1');
    assert.equal(posted.status, 201);
    await waitFor(
      () =>
        ws.entries.some((e) => e.seq === posted.body.comment.seq) &&
        sse.entries.some((e) => e.seq === posted.body.comment.seq),
      'the comment at both viewers',
    );
    // The image's own HEALTHCHECK command passes on a ready node.
    await engine(['healthcheck', 'run', name]);

    const signalled = Date.now();
    // `stop` sends the image's STOPSIGNAL and waits up to -t seconds before SIGKILL.
    await engine(['stop', '-t', '30', name]);
    const took = Date.now() - signalled;
    await waitFor(() => ws.closeCode !== null && sse.ended, 'the WebSocket closed and the stream ended');
    assert.equal(ws.closeCode, CloseCode.RESTART);
    assert.equal(await engine(['inspect', name, '--format', '{{.State.ExitCode}}']), '0', 'a clean exit');
    assert.ok(took < DRAIN_MS + 3000, `stopped ${took} ms after SIGTERM, within the drain bound`);
    assert.match(await engine(['logs', name]), /"msg":"stopped"/);

    // The comment outlives the container: a new one on the same volume has it.
    const again = `lc-test-${tag}-2`;
    names.push(again);
    const base2 = await runContainer(again, volume);
    const stored = await api(base2, 'GET', `/v1/events/${eventId}/comments?after=0&limit=10`);
    assert.equal(stored.status, 200);
    assert.deepEqual(
      stored.body.items.map((e: { comment: { text: string } }) => e.comment.text),
      ['hello from a container'],
    );
    await engine(['stop', '-t', '30', again]);
    process.stdout.write(`# image ${IMAGE}: stopped in ${took} ms after SIGTERM (LC_DRAIN_MS=${DRAIN_MS})\n`);
  });
});
