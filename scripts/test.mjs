#!/usr/bin/env node
// Runs every compiled test file (`*.test.js` under a package's dist/) with node's test runner.
// Node 20's `--test` takes no globs, so the files are found here. Extra arguments narrow the run:
// `npm test -- store` runs the files whose path contains "store".
//
// It prepares what the tests need on a fresh machine: when Redis (LC_TEST_REDIS_URL, default
// 127.0.0.1:6379) or PostgreSQL (LC_TEST_DATABASE_URL, default 127.0.0.1:5432, database test)
// does not answer, it starts a private one on a free port for the run and stops it after; when
// redis-server, PostgreSQL's programs or Chromium are missing, it installs Debian's packages
// (as root with apt-get; LC_TEST_INSTALL=0 forbids it).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const roots = [
  ...(() => {
    try {
      return readdirSync('packages').map((name) => join('packages', name, 'dist'));
    } catch {
      return [];
    }
  })(),
  // The bench workspace is one package, not a folder of packages.
  join('bench', 'dist'),
  // The web pages' browser tests.
  join('web', 'dist', 'test'),
];

/** Test files under `dir`, depth first, sorted for a stable order. */
function findTests(dir) {
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = roots.flatMap(findTests).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}

/** True when a TCP connection to host:port opens within a second. */
function answers(url, defaultPort) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || defaultPort) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
  });
}

const has = (program) => spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
const hasPostgres = () => existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0;
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Installs Debian packages when allowed (root, apt-get, LC_TEST_INSTALL not 0). */
function install(packages) {
  if (packages.length === 0) return;
  const allowed = process.env.LC_TEST_INSTALL !== '0' && process.getuid?.() === 0 && has('apt-get');
  if (!allowed) {
    console.error(`test: missing ${packages.join(', ')}: install them (apt-get install ${packages.join(' ')})`);
    return;
  }
  console.error(`test: installing ${packages.join(', ')} (Debian packages; LC_TEST_INSTALL=0 to refuse)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
}

const redisUrl = process.env.LC_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const databaseUrl = process.env.LC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const [redisUp, postgresUp] = await Promise.all([answers(redisUrl, 6379), answers(databaseUrl, 5432)]);
// The cluster tests start private servers of their own too, so the programs are needed anyway.
install(
  [
    has('redis-server') ? null : 'redis-server',
    hasPostgres() ? null : 'postgresql',
    existsSync(chromium) || process.env.CHROMIUM_PATH ? null : 'chromium',
  ].filter(Boolean),
);

const env = { ...process.env };
const started = [];
if (!redisUp || !postgresUp) {
  const privateServices = pathToFileURL(join('packages', 'server', 'dist', 'test', 'private-services.js')).href;
  const { startPrivateRedis, startPrivatePostgres } = await import(privateServices);
  if (!redisUp) {
    const redis = await startPrivateRedis();
    started.push(redis);
    env.LC_TEST_REDIS_URL = redis.url;
    console.error(`test: no Redis at ${redisUrl}: a private one on ${redis.url} for this run`);
  }
  if (!postgresUp) {
    const postgres = await startPrivatePostgres();
    started.push(postgres);
    env.LC_TEST_DATABASE_URL = postgres.url;
    console.error(`test: no PostgreSQL at ${databaseUrl}: a private one on ${postgres.url} for this run`);
  }
}

const args = ['--test', '--test-concurrency=2', '--test-timeout=120000', ...files];
const child = spawn(process.execPath, args, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', async (code, signal) => {
  for (const server of started) await server.destroy().catch(() => {});
  process.exit(code ?? (signal ? 1 : 0));
});
