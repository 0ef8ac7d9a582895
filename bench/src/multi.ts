// Memory per subscription on multi-event WebSockets (`GET /v1/ws`): the server's RSS with C
// connections following one event each, then after each follows 99 more; the difference over
// the added subscriptions is what one more event on a connection costs.
import type { Options } from './options.js';
import { loadAverage, sampleProc } from './proc.js';
import { createEvents, type ServerUnderTest, serviceToken } from './server.js';
import { type FrameSink, WsClient } from './wire.js';

/** Events each connection follows in the end (the per-connection cap). */
const EVENTS = 100;

/** Counts the answers of one connection. */
class Answers implements FrameSink {
  subscribed = 0;
  errors = 0;
  isOpen = false;
  private readonly marker = Buffer.from('"type":"subscribed"');
  private readonly error = Buffer.from('"type":"error"');

  frame(buf: Buffer, start: number, end: number): void {
    const at = buf.indexOf(this.marker, start);
    if (at >= 0 && at < end) this.subscribed++;
    const bad = buf.indexOf(this.error, start);
    if (bad >= 0 && bad < end) this.errors++;
  }

  opened(): void {
    this.isOpen = true;
  }

  closed(): void {
    this.isOpen = false;
  }
}

/** Opens `o.multiMemory` multi-event connections and reports server RSS per added subscription. */
export async function runMultiMemory(
  server: ServerUnderTest,
  o: Options,
): Promise<{ result: Record<string, unknown> }> {
  if (!server.pid) throw new Error('--multi-memory needs the server process: let the bench start it, or pass --pid');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const token = await serviceToken(server.url, o.token);
  const eventIds = await createEvents(server.url, token, EVENTS);
  const target = { host: server.host, port: server.port };
  const connections: { client: WsClient; answers: Answers }[] = [];
  for (let i = 0; i < o.multiMemory; i++) {
    const answers = new Answers();
    connections.push({ client: new WsClient(target, `/v1/ws?token=${token}`, answers), answers });
  }
  await until(() => connections.every((c) => c.answers.isOpen), 60_000, 'connections open');
  const subscribe = (from: number, to: number) => {
    for (const { client } of connections) {
      for (let e = from; e < to; e++) client.send(`{"type":"subscribe","eventId":"${eventIds[e]}"}`);
    }
  };
  subscribe(0, 1);
  await until(() => connections.every((c) => c.answers.subscribed >= 1), 60_000, 'first subscriptions');
  await settle();
  const before = minRss(server.pid);
  const rssBefore = await before;
  log(`${o.multiMemory} connections, 1 event each: ${(rssBefore / 2 ** 20).toFixed(1)} MB`);
  subscribe(1, EVENTS);
  await until(
    () => connections.every((c) => c.answers.subscribed + c.answers.errors >= EVENTS),
    120_000,
    'all subscriptions',
  );
  await settle();
  const rssAfter = await minRss(server.pid);
  const subscribed = connections.reduce((n, c) => n + c.answers.subscribed, 0);
  const errors = connections.reduce((n, c) => n + c.answers.errors, 0);
  const added = subscribed - connections.length;
  const perSubscription = (rssAfter - rssBefore) / Math.max(1, added);
  for (const { client } of connections) client.close();
  const result = {
    loadavg: loadAverage(),
    connections: connections.length,
    eventsPerConnection: EVENTS,
    subscriptions: subscribed,
    refused: errors,
    rssBeforeMB: round(rssBefore / 2 ** 20),
    rssAfterMB: round(rssAfter / 2 ** 20),
    bytesPerSubscription: Math.round(perSubscription),
    kbPerSubscription: round(perSubscription / 1024),
  };
  log(`${added} added subscriptions: ${result.bytesPerSubscription} bytes of server RSS each`);
  return { result };
}

/** The smallest of five RSS samples a second apart (garbage collection makes it jitter upwards). */
async function minRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(sampleProc(pid)!.rssBytes);
    await new Promise((r) => setTimeout(r, 1000));
  }
  return Math.min(...samples);
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 3000));
}

function round(x: number): number {
  return Number(x.toFixed(2));
}
