#!/usr/bin/env node
// Cross-node delivery benchmark: N nodes on Redis + PostgreSQL (or one embedded node), WebSocket
// viewers of one event spread over the nodes, posters at a fixed rate spread over the nodes.
// Reports delivery latency (post sent -> entry received by a viewer; cross-node deliveries apart)
// and delivered comments per second. Run after `npm run build`, e.g.:
//
//   taskset -c 1 node scripts/bench-scale-out.mjs --nodes 3 --viewers 300 --rate 200 --seconds 10
//   taskset -c 1 node scripts/bench-scale-out.mjs --nodes 1 --embedded --viewers 300 --rate 200
//
// Nodes are pinned with `taskset -c <--node-cpus>` (default 0) when taskset exists. Redis and
// PostgreSQL are the machine's (REDIS_URL, DATABASE_URL; a fresh schema per run).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { mintToken } from '../packages/server/dist/src/auth/mint.js';

const args = parseArgs(process.argv.slice(2));
const NODES = Number(args.nodes ?? 3);
const EMBEDDED = args.embedded === true;
const VIEWERS = Number(args.viewers ?? 300);
const RATE = Number(args.rate ?? 200);
const SECONDS = Number(args.seconds ?? 10);
const NODE_CPUS = String(args['node-cpus'] ?? '0');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'bench-secret-0123456789abcdef0123456789';

function parseArgs(list) {
  const out = {};
  for (let i = 0; i < list.length; i++) {
    const key = list[i].replace(/^--/, '');
    const next = list[i + 1];
    if (next === undefined || next.startsWith('--')) out[key] = true;
    else {
      out[key] = next;
      i++;
    }
  }
  return out;
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address();
  server.close();
  return port;
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitOk(url, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`no answer from ${url}`);
}

async function json(url, method, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method, headers, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'lc-bench-'));
  const pinned = spawnSync('taskset', ['--version']).status === 0;
  let schema = null;
  let admin = null;
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    LC_JWT_SECRET: SECRET,
    LC_LOG_LEVEL: 'warn',
    LC_MAX_CONNECTIONS_PER_IP: '0',
  };
  if (!EMBEDDED) {
    schema = `lc_bench_${process.pid}`;
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const u = new URL(DATABASE_URL);
    u.searchParams.set('options', `-c search_path=${schema}`);
    env.DATABASE_URL = u.toString();
    env.REDIS_URL = REDIS_URL;
  } else {
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
  }
  const children = [];
  const urls = [];
  try {
    for (let i = 0; i < NODES; i++) {
      const port = await freePort();
      const nodeArgs = ['packages/server/dist/src/main.js'];
      const [cmd, argv] = pinned
        ? ['taskset', ['-c', NODE_CPUS, process.execPath, ...nodeArgs]]
        : [process.execPath, nodeArgs];
      const child = spawn(cmd, argv, {
        env: { ...env, PORT: String(port), LC_DATA_DIR: join(dir, `n${i}`) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      urls.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(urls.map((u) => waitOk(`${u}/ready`)));
    // Nodes with a real secret refuse development tokens: the token is signed with the secret.
    const tok = { token: await mintToken(SECRET, { sub: 'bench', name: 'bench', role: 'service' }) };
    const { body: event } = await json(`${urls[0]}/v1/events`, 'POST', { title: 'bench' }, tok.token);

    // Viewers, spread round-robin over the nodes.
    const latencies = [];
    const crossLatencies = [];
    let delivered = 0;
    let lastAt = 0;
    const sockets = [];
    await Promise.all(
      Array.from({ length: VIEWERS }, (_, i) => {
        const node = i % NODES;
        const ws = new WebSocket(`${urls[node].replace('http', 'ws')}/v1/events/${event.id}/ws`);
        sockets.push(ws);
        ws.on('message', (data) => {
          const now = performance.now();
          const frame = JSON.parse(String(data));
          if (frame.type !== 'entries') return;
          for (const entry of frame.items) {
            if (entry.type !== 'comment') continue;
            const [sentAt, from] = entry.comment.text.split(' ');
            const ms = now - Number(sentAt);
            delivered++;
            lastAt = now;
            latencies.push(ms);
            if (Number(from) !== node) crossLatencies.push(ms);
          }
        });
        return new Promise((resolve, reject) => {
          ws.once('open', resolve);
          ws.once('error', reject);
        });
      }),
    );
    await sleep(500);

    // Posters: one post every 1/RATE s, round-robin over the nodes.
    const cpuBefore = children.reduce((sum, c) => sum + cpuSeconds(c.pid), 0);
    let sent = 0;
    let failed = 0;
    const acks = [];
    const inflight = new Set();
    const started = performance.now();
    const total = RATE * SECONDS;
    while (sent < total) {
      const due = started + (sent * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const node = sent % NODES;
      const sentAt = performance.now();
      const text = `${sentAt.toFixed(3)} ${node}`;
      const p = json(`${urls[node]}/v1/events/${event.id}/comments`, 'POST', { text, clientId: `b${sent}` }, tok.token)
        .then((r) => {
          acks.push(performance.now() - sentAt);
          if (r.status !== 201) failed++;
        })
        .catch(() => failed++)
        .finally(() => inflight.delete(p));
      inflight.add(p);
      sent++;
    }
    await Promise.all(inflight);
    const expected = (total - failed) * VIEWERS;
    const deadline = performance.now() + 10_000;
    while (delivered < expected && performance.now() < deadline) await sleep(50);
    const elapsed = (lastAt - started) / 1000;
    const cpuUsed = children.reduce((sum, c) => sum + cpuSeconds(c.pid), 0) - cpuBefore;
    for (const ws of sockets) ws.terminate();
    // Group commits of node 0: how long one takes and how many posts it carries.
    const metrics = await (await fetch(`${urls[0]}/metrics`)).text();
    const metric = (name) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(metrics)?.[1]);
    const commits = metric('lc_store_commit_seconds_count');
    const commitMs = (metric('lc_store_commit_seconds_sum') * 1000) / commits;
    const commitItems = metric('lc_store_commit_items_sum') / commits;

    latencies.sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    crossLatencies.sort((a, b) => a - b);
    const fmt = (x) => x.toFixed(1);
    const report = {
      mode: EMBEDDED ? 'embedded (SQLite, in-process bus)' : 'Redis + PostgreSQL',
      nodes: NODES,
      pinned: pinned ? `nodes on cpu ${NODE_CPUS}` : 'no',
      viewers: VIEWERS,
      postRate: RATE,
      seconds: SECONDS,
      postsFailed: failed,
      delivered,
      expected,
      deliveredPerSecond: Math.round(delivered / elapsed),
      // All nodes together: a load-independent cost figure, less noisy than latency on a shared machine.
      nodeCpuSeconds: Number(cpuUsed.toFixed(2)),
      nodeCpuMicrosPerDelivery: Number(((cpuUsed * 1e6) / Math.max(1, delivered)).toFixed(1)),
      latencyMs: {
        p50: fmt(percentile(latencies, 50)),
        p99: fmt(percentile(latencies, 99)),
        max: fmt(latencies.at(-1) ?? 0),
      },
      node0Commits: { count: commits, avgMs: Number(commitMs.toFixed(2)), avgItems: Number(commitItems.toFixed(1)) },
      ackMs: { p50: fmt(percentile(acks, 50)), p99: fmt(percentile(acks, 99)) },
      crossNodeLatencyMs:
        NODES > 1 ? { p50: fmt(percentile(crossLatencies, 50)), p99: fmt(percentile(crossLatencies, 99)) } : null,
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await sleep(300);
    if (admin) {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
