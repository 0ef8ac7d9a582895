#!/usr/bin/env node
// `npm run bench -- [options]`: see USAGE in options.ts and BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { type Compared, comparisonTable } from './compare.js';
import { runFanout, runSweep } from './fanout.js';
import { runGrid } from './grid.js';
import { runIdle } from './idle.js';
import { runIngest } from './ingest.js';
import { runMultiMemory } from './multi.js';
import { ensureNchan, startNchan } from './nchan.js';
import { type Options, parseOptions, recordedCommand, recordedEnv, USAGE } from './options.js';
import { loadAverage } from './proc.js';
import type { ServerKind } from './protocol.js';
import { type Second, writeResult } from './report.js';
import { runSearch } from './search.js';
import { existingServer, hasTaskset, type ServerUnderTest, startServer } from './server.js';

async function main(): Promise<void> {
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return;
  }
  // The load generator pins itself (and so its child processes) to its CPUs, away from the server.
  if (o.loadCpus !== '' && !process.env.LIVECOMMENTS_BENCH_PINNED && hasTaskset()) {
    const child = spawnSync(
      'taskset',
      ['-c', o.loadCpus, process.execPath, ...process.execArgv, ...process.argv.slice(1)],
      {
        stdio: 'inherit',
        env: { ...process.env, LIVECOMMENTS_BENCH_PINNED: '1' },
      },
    );
    process.exit(child.status ?? 1);
  }
  // Before anything runs: without nginx and Nchan a comparison would stop half-way.
  if (o.target === 'nchan' || o.compare) {
    try {
      ensureNchan();
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    }
  }
  process.stderr.write(`loadavg ${loadAverage()}\n`);
  const kind = o.grid
    ? 'grid'
    : o.search
      ? 'search'
      : o.multiMemory > 0
        ? 'multi-memory'
        : o.idle > 0
          ? 'idle'
          : o.ingest
            ? 'ingest'
            : o.sweep
              ? 'sweep'
              : 'fanout';
  // --compare: the same load on this server, then on the other one, one result file each.
  const targets: ServerKind[] = o.compare ? ['livecomments', o.compare] : [o.target];
  const compared: Compared[] = [];
  for (const [i, target] of targets.entries()) {
    // The previous run's sockets and processes get a moment to go.
    if (i > 0) await new Promise((r) => setTimeout(r, 3000));
    compared.push({ server: target, result: await runOne(o, kind, target) });
  }
  if (o.compare) process.stdout.write(`\n${comparisonTable(compared)}`);
  // Child processes may hold sockets a little longer; the run is over.
  setTimeout(() => process.exit(0), 200).unref();
}

/** One run against one server: its result file written, its summary printed and returned. */
async function runOne(o: Options, kind: string, target: ServerKind): Promise<Record<string, unknown>> {
  const suffix = o.compare ? `-${target}` : '';
  const name =
    (o.name ||
      `${stamp()}-${kind}-${target === 'nchan' ? 'nchan-' : ''}${o.transport}-${o.viewers}v-${o.events}e-${o.rate}r`) +
    suffix;
  const config = {
    kind,
    command: recordedCommand(process.argv.slice(2)),
    node: process.version,
    target,
    transport: o.transport,
    viewers: o.viewers,
    events: o.events,
    rate: o.rate,
    post: o.post,
    duration: o.duration,
    warmup: o.warmup,
    size: o.size,
    text: o.text,
    deflate: o.deflate,
    serverCpus: o.serverCpus,
    loadCpus: o.loadCpus,
    env: recordedEnv(o.env),
  };

  let output: { result: Record<string, unknown>; timeline?: Second[]; svg?: string };
  if (o.grid) {
    output = await runGrid(o);
  } else if (o.search) {
    output = await runSearch(o);
  } else if (o.ingest) {
    output = await runIngest(o);
  } else {
    const server: ServerUnderTest =
      target === 'nchan'
        ? await startNchan({ cpus: o.serverCpus })
        : o.url
          ? existingServer(o.url, o.pid)
          : await startServer({ cpus: o.serverCpus, env: o.env, nodeArgs: o.nodeArgs });
    try {
      if (o.multiMemory > 0) output = await runMultiMemory(server, o);
      else if (o.idle > 0) output = await runIdle(server, o);
      else if (o.sweep) output = await runSweep(server, o);
      else output = await runFanout(server, o);
    } finally {
      await server.stop();
    }
  }
  const result = { title: name, ...config, ...output.result };
  const paths = writeResult(name, result, output.timeline ?? [], output.svg);
  const { timeline: _t, stages: _s, points: _p, ...brief } = result as Record<string, unknown>;
  process.stdout.write(`${JSON.stringify(brief, null, 2)}\n`);
  process.stderr.write(`written: ${paths.join(', ')}\n`);
  return result;
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
