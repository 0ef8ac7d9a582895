// Catch-up on a slow link: a viewer resuming from far back with large comments, reading slowly
// through a small bound on unsent bytes, gets everything in order and is not cut off (catch-up is
// paged by bytes and paced by the socket; the slow-consumer bound is for live lag).
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import {
  createEvent,
  devToken,
  post,
  range,
  SseViewer,
  seqs,
  startNode,
  type TestNode,
  WsViewer,
  waitFor,
} from './support.js';

const COMMENTS = 1000;
/** Bytes the viewers read every 10 ms: far slower than loopback can send. */
const CHUNK = 64 * 1024;

let node: TestNode;
let eventId: string;

before(async () => {
  // A tiny ring, so most of the catch-up comes from the store, the rest from the ring.
  node = await startNode({ maxBufferedBytes: 16 * 1024, ringSize: 16 });
  const owner = await devToken(node.url, 'owner');
  const bot = await devToken(node.url, 'bot', 'service');
  eventId = await createEvent(node.url, owner.token, { maxCommentChars: 2000 });
  // 8 KB of UTF-8 each: 8 MB in all, more than loopback TCP buffers take in without a read.
  const text = '\u{1f600}'.repeat(2000);
  for (let i = 0; i < COMMENTS; i += 50) {
    await Promise.all(range(1, 50).map(() => post(node.url, bot.token, eventId, text)));
  }
});
after(() => node?.stop());

/** Reads a stream a little at a time, CHUNK bytes every 10 ms, into its own 'data' listeners. */
function readSlowly(stream: Readable): () => void {
  stream.pause();
  const timer = setInterval(() => {
    const n = Math.min(CHUNK, stream.readableLength);
    stream.read(Math.max(n, 0));
  }, 10);
  return () => {
    clearInterval(timer);
    stream.resume();
  };
}

async function slowCutoffs(): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  return Number(/^lc_slow_cutoffs_total (\d+)/m.exec(text)?.[1]);
}

test('slow WebSocket and SSE viewers catch up from far back without being cut off', async () => {
  const ws = await WsViewer.open(node.url, eventId, 'after=0');
  const stopWs = readSlowly((ws.ws as unknown as { _socket: Readable })._socket);
  const sse = await SseViewer.open(node.url, eventId, 'after=0');
  const stopSse = readSlowly((sse as unknown as { res: Readable }).res);
  try {
    // Done, or cut off (which fails below).
    await waitFor(
      () => (ws.entries.length >= COMMENTS || ws.closeCode !== null) && (sse.entries.length >= COMMENTS || sse.ended),
      'both viewers to catch up',
      60_000,
      50,
    );
    assert.equal(ws.closeCode, null, 'the WebSocket is still open');
    assert.equal(sse.ended, false, 'the stream is still open');
    assert.deepEqual(seqs(ws.entries), range(1, COMMENTS), 'WebSocket: every entry once, in order');
    assert.deepEqual(seqs(sse.entries), range(1, COMMENTS), 'SSE: every entry once, in order');
    assert.equal(await slowCutoffs(), 0);
    assert.equal(node.services.hub.counts().ws, 1);
    assert.equal(node.services.hub.counts().sse, 1);
  } finally {
    stopWs();
    stopSse();
    await ws.close();
    sse.close();
  }
});
