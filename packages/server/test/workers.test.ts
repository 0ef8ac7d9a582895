// LC_WORKERS=2 in the embedded mode, as a real process: one port, two worker processes, the
// primary holding the SQLite writer and the shared state. Posts and viewers land on the workers by
// node:cluster's round robin (each request here on a connection of its own).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, type TestContext, test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import WebSocket from 'ws';
import { MAIN } from './child-node.js';
import { freePort } from './private-services.js';
import { createTestSchema, TEST_REDIS_URL, type TestSchema } from './services.js';
import { api, createEvent, devToken, range, tempDir, WsViewer, waitFor } from './support.js';

/** The server as a primary and its workers, with what it logged. */
class Workers {
  output = '';

  private constructor(
    readonly child: ChildProcess,
    readonly base: string,
  ) {
    child.stdout!.on('data', (d) => {
      this.output += d;
    });
    child.stderr!.on('data', (d) => {
      this.output += d;
    });
  }

  static async start(n: number, dataDir: string, env: Record<string, string> = {}): Promise<Workers> {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        LC_WORKERS: String(n),
        LC_LOG_LEVEL: 'info',
        LC_REQUEST_LOG_PER_SECOND: '0',
        LC_DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const workers = new Workers(child, `http://127.0.0.1:${port}`);
    // Every worker listening (a loaded machine takes many seconds to start processes).
    await waitFor(() => workers.count('livecomments listening') >= n, `${n} workers listening`, 60_000, 50);
    return workers;
  }

  /** Lines of the output that contain `text`. */
  count(text: string): number {
    return this.output.split('\n').filter((line) => line.includes(text)).length;
  }

  /** Process ids of the workers started so far, in order. */
  workerPids(): number[] {
    return this.output
      .split('\n')
      .filter((line) => line.includes('"worker started"'))
      .map((line) => (JSON.parse(line) as { workerPid: number }).workerPid);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** An HTTP request on a connection of its own (so the cluster hands it to the next worker). */
function fresh(
  base: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method,
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // A connection the primary was handing to a worker as it died is never answered (node:cluster
    // drops it): a client gives up on it and retries, as any client of a crashed server does.
    req.setTimeout(5_000, () => req.destroy(new Error('no answer')));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** A viewer that resumes on a new connection (so on another worker, or the restarted one) when cut. */
class ResumingViewer {
  readonly entries: Entry[] = [];
  cuts = 0;
  private ws: WebSocket | null = null;
  private stopped = false;

  constructor(
    private readonly base: string,
    private readonly eventId: string,
  ) {}

  open(): Promise<void> {
    const after = this.entries.at(-1)?.seq ?? 0;
    const url = `${this.base.replace('http', 'ws')}/v1/events/${this.eventId}/ws?after=${after}`;
    // Bounded, as the handshake can land on a connection the primary was handing to a dying worker.
    const ws = new WebSocket(url, { handshakeTimeout: 5_000 });
    this.ws = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; items?: Entry[] };
      if (frame.type === 'entries') this.entries.push(...frame.items!);
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.once('close', () => {
          if (this.stopped) return;
          this.cuts += 1;
          void this.reopen();
        });
        resolve();
      });
      ws.once('error', reject);
    });
  }

  private async reopen(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.open();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 1000)));
      }
    }
  }

  close(): void {
    this.stopped = true;
    this.ws?.terminate();
  }
}

/** The metrics of both workers: requests on fresh connections until each has answered. */
async function perWorkerMetrics(base: string, token: string): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  for (let i = 0; i < 20 && seen.size < 2; i++) {
    const res = await new Promise<string>((resolve, reject) => {
      request(`${base}/metrics`, { agent: false, headers: { authorization: `Bearer ${token}` } }, (r) => {
        let text = '';
        r.on('data', (d) => {
          text += d;
        });
        r.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    const worker = /worker="([0-9]+)"/.exec(res)?.[1];
    if (worker) seen.set(worker, res);
  }
  return seen;
}

/** WebSocket viewers a worker's /metrics counts. */
function wsViewers(metrics: string): number {
  return Number(/^lc_connections\{[^}]*transport="websocket"[^}]*\} ([0-9]+)$/m.exec(metrics)?.[1] ?? 0);
}

/** Viewers spread over both workers get every comment, posted through either, in one order. */
async function crossWorkerDelivery(server: Workers, t: TestContext): Promise<void> {
  const bot = await devToken(server.base, 'bot', 'service');
  const eventId = await createEvent(server.base, bot.token);
  const viewers: WsViewer[] = [];
  t.after(() => Promise.all(viewers.map((v) => v.close())));
  for (let i = 0; i < 4; i++) viewers.push(await WsViewer.open(server.base, eventId, 'after=0'));
  // The viewers are spread over both workers (each counts its own on /metrics).
  const metrics = await perWorkerMetrics(server.base, bot.token);
  assert.equal(metrics.size, 2, 'both workers answered /metrics');
  for (const [worker, text] of metrics) assert.ok(wsViewers(text) >= 1, `worker ${worker} holds a viewer`);
  assert.equal(
    [...metrics.values()].reduce((n, text) => n + wsViewers(text), 0),
    4,
  );

  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await fresh(server.base, 'POST', `/v1/events/${eventId}/comments`, bot.token, {
      text: `through connection ${i}`,
      clientId: `w-${i}`,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids.push(res.body.comment.id);
  }
  for (const viewer of viewers) {
    await waitFor(() => viewer.entries.length >= 6, 'every comment at every viewer', 10_000);
    assert.deepEqual(
      viewer.entries.map((e) => e.seq),
      range(1, 6),
    );
    assert.deepEqual(
      viewer.entries.map((e) => (e.type === 'comment' ? e.comment.id : null)),
      ids,
    );
  }
}

/** A user's per-event limit (five at once) holds whichever worker takes each post. */
async function sharedRateLimit(server: Workers): Promise<void> {
  const bot = await devToken(server.base, 'bot', 'service');
  const user = await devToken(server.base, 'rapid');
  // One a minute with a burst of five: five posts pass, whichever worker takes them.
  const eventId = await createEvent(server.base, bot.token, { rateLimitPerMinute: 1 });
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) {
    const res = await fresh(server.base, 'POST', `/v1/events/${eventId}/comments`, user.token, {
      text: `quick comment number ${i}`,
    });
    statuses.push(res.status);
  }
  assert.deepEqual(statuses.filter((s) => s === 201).length, 5, `statuses: ${statuses.join(' ')}`);
  assert.ok(
    statuses.slice(5).every((s) => s === 429),
    `statuses: ${statuses.join(' ')}`,
  );
}

describe('LC_WORKERS=2 (embedded: SQLite, the primary holds the shared state)', () => {
  const dataDir = tempDir();
  let server: Workers;
  before(async () => {
    server = await Workers.start(2, dataDir);
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a comment posted through either worker reaches the viewers of both, in one order', (t) =>
    crossWorkerDelivery(server, t));

  test("a user's rate limit counts the posts made through every worker", () => sharedRateLimit(server));

  test('kill -9 of a worker: it is restarted, its viewers resume on the others, nothing lost, no gap', async (t) => {
    const bot = await devToken(server.base, 'bot', 'service');
    const eventId = await createEvent(server.base, bot.token);
    const viewers = Array.from({ length: 4 }, () => new ResumingViewer(server.base, eventId));
    t.after(() => {
      for (const v of viewers) v.close();
    });
    for (const viewer of viewers) await viewer.open();
    const victim = server.workerPids().at(-1)!;
    const started = server.count('"worker started"');

    const acknowledged: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i === 10) process.kill(victim, 'SIGKILL');
      // A post through the dying worker may fail: the client retries with its clientId.
      for (let attempt = 0; ; attempt++) {
        const res = await fresh(server.base, 'POST', `/v1/events/${eventId}/comments`, bot.token, {
          text: `comment ${i}`,
          clientId: `k-${i}`,
        }).catch(() => null);
        if (res?.status === 201) {
          acknowledged.push(res.body.comment.id);
          break;
        }
        assert.ok(attempt < 50, `post ${i} kept failing: ${res?.status} ${JSON.stringify(res?.body)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await waitFor(() => server.count('"worker started"') > started, 'the dead worker replaced', 30_000);
    assert.match(server.output, /a worker exited; starting another/);

    const head = (await api(server.base, 'GET', `/v1/events/${eventId}`)).body.lastSeq as number;
    assert.equal(head, 30, 'one entry per acknowledged comment, retries included');
    // Viewers of the killed worker were cut and resumed; the others never were.
    assert.ok(
      viewers.some((v) => v.cuts > 0),
      'a viewer was on the killed worker',
    );
    assert.ok(
      viewers.some((v) => v.cuts === 0),
      'a viewer was on the other worker',
    );
    for (const viewer of viewers) {
      await waitFor(() => viewer.entries.length >= head, 'every entry at every viewer', 15_000);
      assert.deepEqual(
        viewer.entries.map((e) => e.seq),
        range(1, head),
      );
      assert.deepEqual(
        viewer.entries.map((e) => (e.type === 'comment' ? e.comment.id : null)),
        acknowledged,
      );
    }
  });
});

describe('LC_WORKERS=2 beside Redis and PostgreSQL (the workers are scale-out nodes sharing the port)', () => {
  const dataDir = tempDir();
  let schema: TestSchema;
  let server: Workers;
  before(async () => {
    schema = await createTestSchema('lc_workers');
    server = await Workers.start(2, dataDir, { REDIS_URL: TEST_REDIS_URL, DATABASE_URL: schema.url });
  });
  after(async () => {
    await server?.stop();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the primary holds nothing; comments cross workers over Redis, limits count in Redis', async (t) => {
    assert.match(server.output, /"store":"postgres","shared":"redis"/);
    await crossWorkerDelivery(server, t);
    await sharedRateLimit(server);
  });
});
