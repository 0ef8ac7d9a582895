// Ingest: how many comments per second are accepted, stored durably and published, against a
// bare node:http server answering the same POSTs on the same core; then posting over WebSocket.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt } from './fanout.js';
import { Histogram } from './histogram.js';
import type { Options } from './options.js';
import { cpuPercent, loadAverage, sampleProc } from './proc.js';
import { Rig } from './rig.js';
import { createEvents, type ServerUnderTest, serviceToken, startServer } from './server.js';

const here = dirname(fileURLToPath(import.meta.url));

/** One closed-loop posting phase. */
interface Phase {
  name: string;
  perSecond: number;
  ackMs: { p50: number; p99: number; max: number };
  errors: number;
  lastError: string;
  serverCpuPercent: number;
  loadCpuPercent: number;
}

export async function runIngest(o: Options): Promise<{ result: Record<string, unknown> }> {
  const phases: Phase[] = [];
  const bare = await startServer({ cpus: o.serverCpus, env: {}, nodeArgs: [], script: join(here, 'bare-server.js') });
  try {
    phases.push(await phase('bare node:http', bare, 'http', ['ev_bare'], 'bare-token', o));
  } finally {
    await bare.stop();
  }
  for (const via of ['http', 'ws'] as const) {
    const server = o.url
      ? (await import('./server.js')).existingServer(o.url, o.pid)
      : await startServer({ cpus: o.serverCpus, env: o.env, nodeArgs: o.nodeArgs });
    try {
      const token = await serviceToken(server.url, o.token);
      const ids = await createEvents(server.url, token, o.events);
      phases.push(
        await phase(`livecomments ${via === 'http' ? 'HTTP POST' : 'WebSocket'}`, server, via, ids, token, o),
      );
    } finally {
      await server.stop();
    }
  }
  const [b, h, w] = phases as [Phase, Phase, Phase];
  const result = {
    loadavg: loadAverage(),
    phases,
    httpVsBare: Number((h.perSecond / b.perSecond).toFixed(3)),
    wsVsBare: Number((w.perSecond / b.perSecond).toFixed(3)),
    wsVsHttp: Number((w.perSecond / h.perSecond).toFixed(3)),
  };
  process.stderr.write(
    `ingest: bare ${fmt(b.perSecond)}/s, HTTP ${fmt(h.perSecond)}/s (${(result.httpVsBare * 100).toFixed(0)}% of bare), ` +
      `WebSocket ${fmt(w.perSecond)}/s (${result.wsVsHttp.toFixed(2)}x HTTP)\n`,
  );
  return { result };
}

async function phase(
  name: string,
  server: ServerUnderTest,
  via: 'http' | 'ws',
  ids: string[],
  token: string,
  o: Options,
): Promise<Phase> {
  const rig = new Rig();
  const connections = via === 'http' ? 16 : 8;
  await rig.startPoster({
    host: server.host,
    port: server.port,
    token,
    eventIds: ids,
    rate: 0,
    size: o.size,
    via,
    connections,
    depth: Math.max(1, Math.ceil(o.concurrency / connections)),
  });
  const ack = new Histogram();
  let acked = 0;
  let errors = 0;
  let lastError = '';
  let loadCpu = 0;
  const cpu: number[] = [];
  let proc = server.pid ? sampleProc(server.pid) : null;
  const total = o.warmup + o.duration;
  for (let t = 1; t <= total; t++) {
    await new Promise((r) => setTimeout(r, 1000));
    const s = await rig.sample();
    const p = s.poster!;
    const next = server.pid ? sampleProc(server.pid) : null;
    const c = cpuPercent(proc, next);
    proc = next;
    process.stderr.write(
      `${name.padEnd(26)} ${String(t).padStart(3)}s ${t <= o.warmup ? 'warmup ' : 'measure'} ${fmt(p.acked)}/s  ack p50 ${(p.ack.quantile(0.5) / 1000).toFixed(1)}ms p99 ${(p.ack.quantile(0.99) / 1000).toFixed(1)}ms  server ${c.toFixed(0)}%  load ${(s.loadCpuMicros / 1e4).toFixed(0)}%${p.errors ? `  errors ${p.errors} (${p.lastError})` : ''}\n`,
    );
    if (t <= o.warmup) continue;
    ack.add(p.ack);
    acked += p.acked;
    errors += p.errors;
    if (p.lastError) lastError = p.lastError;
    loadCpu += s.loadCpuMicros;
    cpu.push(c);
  }
  await rig.stopPoster();
  rig.close();
  const ms = (x: number) => Number((x / 1000).toFixed(2));
  return {
    name,
    perSecond: Math.round(acked / o.duration),
    ackMs: { p50: ms(ack.quantile(0.5)), p99: ms(ack.quantile(0.99)), max: ms(ack.max) },
    errors,
    lastError,
    serverCpuPercent: Number((cpu.reduce((a, b) => a + b, 0) / Math.max(1, cpu.length)).toFixed(1)),
    loadCpuPercent: Number((loadCpu / 1e4 / o.duration).toFixed(1)),
  };
}
