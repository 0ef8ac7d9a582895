// Memory per idle connection: the server's RSS before and after N idle viewers connect.
import { nchanEventIds } from './nchan.js';
import type { Options } from './options.js';
import { loadAverage, sampleProc } from './proc.js';
import { Rig } from './rig.js';
import { createEvents, type ServerUnderTest, serviceToken } from './server.js';

const WARM = 200;

/** Opens `o.idle` idle viewers (after a warm-up batch) and reports server RSS per connection. */
export async function runIdle(server: ServerUnderTest, o: Options): Promise<{ result: Record<string, unknown> }> {
  if (!server.pid) throw new Error('--idle needs the server process: let the bench start it, or pass --pid');
  const nchan = server.kind === 'nchan';
  const [eventId] = nchan
    ? nchanEventIds(1)
    : await createEvents(server.url, await serviceToken(server.url, o.token), 1);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // Connect a first batch so code paths, caches and the heap are warm, then take the baseline.
  const warm = new Rig();
  await warm.openViewers({
    host: server.host,
    port: server.port,
    eventIds: [eventId!],
    viewers: WARM,
    transport: o.transport,
    workers: 1,
    idle: true,
    server: server.kind,
    deflate: o.deflate,
  });
  await settle();
  const before = sampleProc(server.pid)!;
  log(`baseline with ${WARM} warm-up connections: ${(before.rssBytes / 2 ** 20).toFixed(1)} MB`);
  // Several processes: each holds fewer sockets than its own file-descriptor limit.
  const workers = Math.max(o.workers, Math.ceil(o.idle / 8000));
  const rig = new Rig();
  const started = Date.now();
  const opened = await rig.openViewers({
    host: server.host,
    port: server.port,
    eventIds: [eventId!],
    viewers: o.idle,
    transport: o.transport,
    workers,
    idle: true,
    server: server.kind,
    deflate: o.deflate,
  });
  log(`opened ${opened.open} (failed ${opened.failed}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await settle();
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(sampleProc(server.pid)!.rssBytes);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const after = Math.min(...samples);
  const check = await rig.sample();
  const perConnection = (after - before.rssBytes) / Math.max(1, check.open);
  rig.close();
  warm.close();
  const result = {
    loadavg: loadAverage(),
    transport: o.transport,
    requested: o.idle,
    open: check.open,
    failed: opened.failed,
    rssBeforeMB: round(before.rssBytes / 2 ** 20),
    rssAfterMB: round(after / 2 ** 20),
    bytesPerConnection: Math.round(perConnection),
    kbPerConnection: round(perConnection / 1024),
  };
  log(`${check.open} idle ${o.transport} connections: ${result.kbPerConnection} KB of server RSS each`);
  return { result };
}

/** Gives the server a few seconds to finish handshakes and collect garbage. */
function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 3000));
}

function round(x: number): number {
  return Number(x.toFixed(2));
}
