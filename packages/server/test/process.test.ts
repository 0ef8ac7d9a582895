// The server as a process: configuration errors, graceful SIGTERM, restart on the same data folder.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { get } from 'node:http';
import { after, describe, test } from 'node:test';
import { CloseCode } from '@livecomments/protocol';
import { launch, MAIN } from './child-node.js';
import { api, createEvent, devToken, post, range, SseViewer, seqs, tempDir, WsViewer, waitFor } from './support.js';

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** The status of a GET on a new connection (a draining server closes idle keep-alive ones). */
function statusOf(url: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject);
  });
}

/** Runs main.js to its exit, returning the exit code and stderr. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  return exited(child).then((code) => ({ code, stderr }));
}

describe('server process', () => {
  const dataDir = tempDir();
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('a malformed or unknown setting stops the start with a clear message', async () => {
    const bad = await runToExit({ PORT: 'eighty', LC_DATA_DIR: dataDir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /PORT must be a whole number/);
    const unknown = await runToExit({ LC_FLUSH_MSS: '5', LC_DATA_DIR: dataDir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown setting LC_FLUSH_MSS/);
    const redis = await runToExit({ REDIS_URL: 'http://x', LC_DATA_DIR: dataDir });
    assert.equal(redis.code, 2);
    assert.match(redis.stderr, /REDIS_URL must use redis:/);
  });

  test('posts racing a SIGTERM: every acknowledged comment is there after the restart', async () => {
    const dir = tempDir();
    try {
      const first = await launch({ LC_DATA_DIR: dir });
      const bot = await devToken(first.base, 'bot', 'service');
      const eventId = await createEvent(first.base, bot.token);
      const attempts = range(1, 60).map((i) => post(first.base, bot.token, eventId, `p${i}`).catch(() => null));
      // Stop once the first post is acknowledged, so the rest are still in flight.
      await Promise.any(attempts.map((a) => a.then((r) => (r?.status === 201 ? r : Promise.reject()))));
      first.child.kill('SIGTERM');
      const answers = await Promise.all(attempts);
      assert.equal(await exited(first.child), 0);
      const acked = answers.filter((a) => a?.status === 201).map((a) => a!.body.comment.text);
      assert.ok(acked.length >= 1, 'at least one post was acknowledged before the stop');
      for (const a of answers) if (a) assert.ok([201, 503].includes(a.status), `status ${a.status}`);
      const second = await launch({ LC_DATA_DIR: dir });
      try {
        const stored = await api(second.base, 'GET', `/v1/events/${eventId}/comments?after=0&limit=1000`);
        const texts = new Set(stored.body.items.map((e: { comment: { text: string } }) => e.comment.text));
        for (const text of acked) assert.ok(texts.has(text), `acknowledged ${text} is stored`);
        assert.deepEqual(seqs(stored.body.items), range(1, stored.body.items.length), 'gapless');
      } finally {
        second.child.kill('SIGTERM');
        await exited(second.child);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('LC_DRAIN_CLOSE_DELAY_MS: viewers stay connected after SIGTERM while /ready already answers 503', async () => {
    const dir = tempDir();
    const delayMs = 1500;
    try {
      const node = await launch({ LC_DATA_DIR: dir, LC_DRAIN_MS: '6000', LC_DRAIN_CLOSE_DELAY_MS: String(delayMs) });
      const owner = await devToken(node.base, 'owner');
      const eventId = await createEvent(node.base, owner.token);
      const ws = await WsViewer.open(node.base, eventId, 'after=0');
      const signalled = Date.now();
      node.child.kill('SIGTERM');
      // The answer comes while the viewer is still connected: the delay holds the close back.
      await waitFor(async () => (await statusOf(`${node.base}/ready`)) === 503, '/ready to answer 503');
      await waitFor(() => ws.closeCode !== null, 'the WebSocket to close');
      const closedAfter = Date.now() - signalled;
      assert.equal(ws.closeCode, CloseCode.RESTART);
      assert.ok(closedAfter >= delayMs, `closed ${closedAfter} ms after SIGTERM, not before the delay`);
      assert.equal(await exited(node.child), 0, 'a clean exit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('LC_DRAIN_CLOSE_DELAY_MS must be less than LC_DRAIN_MS', async () => {
    const bad = await runToExit({ LC_DRAIN_MS: '1000', LC_DRAIN_CLOSE_DELAY_MS: '1000', LC_DATA_DIR: dataDir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /LC_DRAIN_CLOSE_DELAY_MS must be less than LC_DRAIN_MS/);
  });

  test('SIGTERM drains: /ready 503, the poll answered, WebSockets 1012, streams ended, exit 0 in the bound', async () => {
    const dir = tempDir();
    const drainMs = 2000;
    try {
      const node = await launch({ LC_DATA_DIR: dir, LC_DRAIN_MS: String(drainMs) });
      const owner = await devToken(node.base, 'owner');
      const eventId = await createEvent(node.base, owner.token);
      assert.equal((await post(node.base, owner.token, eventId, 'c1')).status, 201);
      const poll = api(node.base, 'GET', `/v1/events/${eventId}/poll?after=1&timeoutMs=25000`).catch(
        (error: unknown) => error as Error,
      );
      const ws = await WsViewer.open(node.base, eventId, 'after=1');
      const sse = await SseViewer.open(node.base, eventId, 'after=1');
      // A client that never answers the close handshake keeps the drain going until its bound.
      const stuck = await WsViewer.open(node.base, eventId, 'after=1');
      (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      await waitFor(async () => {
        const text = await (await fetch(`${node.base}/metrics`)).text();
        return /lc_connections\{transport="long_poll"\} 1/.test(text) && /transport="websocket"\} 2/.test(text);
      }, 'the viewers to be seated');

      const signalled = Date.now();
      node.child.kill('SIGTERM');
      const answered = await poll;
      assert.ok(!(answered instanceof Error), `the poll is answered, not reset: ${String(answered)}`);
      assert.equal(answered.status, 200);
      assert.deepEqual(answered.body, { items: [], lastSeq: 1 });
      assert.equal(await statusOf(`${node.base}/ready`), 503, '/ready answers 503 during the drain');
      await waitFor(() => ws.closeCode !== null && sse.ended, 'the WebSocket closed and the stream ended');
      assert.equal(ws.closeCode, CloseCode.RESTART);
      assert.equal(await exited(node.child), 0, 'a clean exit');
      const took = Date.now() - signalled;
      assert.ok(took < drainMs + 3000, `exited ${took} ms after the signal, within the drain bound`);
      stuck.kill();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('SIGTERM closes WebSockets with 1012; a restart keeps history and continues seq', async () => {
    const first = await launch({ LC_DATA_DIR: dataDir });
    const owner = await devToken(first.base, 'owner');
    const eventId = await createEvent(first.base, owner.token);
    for (let i = 1; i <= 3; i++) assert.equal((await post(first.base, owner.token, eventId, `c${i}`)).status, 201);
    const viewer = await WsViewer.open(first.base, eventId, 'after=0');
    await waitFor(() => viewer.entries.length === 3);
    first.child.kill('SIGTERM');
    assert.equal(await exited(first.child), 0, 'a clean exit');
    await waitFor(() => viewer.closeCode !== null);
    assert.equal(viewer.closeCode, CloseCode.RESTART);

    const second = await launch({ LC_DATA_DIR: dataDir });
    try {
      const again = await post(second.base, owner.token, eventId, 'after restart');
      assert.equal(again.status, 201, 'the development token survives the restart');
      assert.equal(again.body.comment.seq, 4);
      const resumed = await WsViewer.open(second.base, eventId, `after=${viewer.entries.at(-1)!.seq}`);
      await waitFor(() => resumed.entries.length === 1);
      assert.deepEqual(seqs([...viewer.entries, ...resumed.entries]), range(1, 4));
      const history = await api(second.base, 'GET', `/v1/events/${eventId}/comments?after=0`);
      assert.deepEqual(
        history.body.items.map((e: { comment: { text: string } }) => e.comment.text),
        ['c1', 'c2', 'c3', 'after restart'],
      );
      await resumed.close();
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });
});
