// What permessage-deflate costs and saves on the delivery path alone, away from posting and
// flush timing: batches of chat comments (entries as the hub encodes them) written to N loopback
// sockets as plain text frames, then as the shared compressed frame (compressed once per batch,
// ws-frame.ts). The writer's CPU time (not wall time, so other load on the machine hides less of
// it) and the bytes, per delivered comment. A child process reads the sockets.
//
//   node packages/server/dist/test/bench-frames.js [viewers,...] [batch sizes,...]
//   e.g. taskset -c 0 node packages/server/dist/test/bench-frames.js 50,500,2000 1,10,50
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { deflatedFrame, textFrame } from '../src/transports/ws-frame.js';

/** Batches per measured stretch. */
const BATCHES = 200;
/** The server's default smallest frame to compress (LC_WS_DEFLATE_MIN_BYTES). */
const MIN_BYTES = 256;
const WORDS = (
  'what a goal no way that was offside lol the ref is blind come on amazing save did you see ' +
  'that replay please GG haha this is wild he missed it again best match of the season who ' +
  'else is watching from Brazil hello everyone first time here love this stream insane pass'
).split(' ');

/** A ~100-character chat comment as the hub encodes an entry (the shape of CommentEntry). */
function entryJson(seq: number, state: { x: number }): string {
  let text = '';
  while (text.length < 100) {
    state.x = (state.x * 1_103_515_245 + 12_345) >>> 0;
    text += `${text ? ' ' : ''}${WORDS[state.x % WORDS.length]}`;
  }
  const user = state.x % 5000;
  return JSON.stringify({
    seq,
    type: 'comment',
    comment: {
      id: `c_${(1_796_210_934_486 + seq).toString(36)}${(state.x >>> 8).toString(16)}`,
      eventId: 'ev_7623b984dc734f0b',
      seq,
      user: { id: `u_${(user * 2_654_435_761).toString(16).padStart(16, '0').slice(0, 16)}`, name: `viewer${user}` },
      text: text.slice(0, 100),
      createdAt: 1_796_210_934_486 + seq * 7,
      mediaTimeMs: seq * 7,
    },
  });
}

/** `count` payloads of `size` entries each, as the ws format frames a batch. */
function batches(count: number, size: number): Buffer[] {
  const state = { x: size * 7919 };
  let seq = 0;
  return Array.from({ length: count }, () => {
    const items = Array.from({ length: size }, () => entryJson(++seq, state));
    return Buffer.from(`{"type":"entries","items":[${items.join(',')}]}`);
  });
}

/** Resolves when no socket is past its buffer limit (waiting on 'drain', not spinning: no CPU). */
async function unblocked(sockets: Socket[]): Promise<void> {
  await Promise.all(sockets.filter((s) => s.writableNeedDrain).map((s) => once(s, 'drain')));
}

/** Resolves when every socket has handed its bytes to the kernel (polled on a timer). */
async function flushed(sockets: Socket[]): Promise<void> {
  while (sockets.some((s) => s.writableLength > 0)) await new Promise((r) => setTimeout(r, 5));
}

/** Writes every batch to every socket; CPU microseconds and bytes per delivered comment. */
async function measure(
  sockets: Socket[],
  payloads: Buffer[],
  frameOf: (p: Buffer) => Buffer,
  size: number,
): Promise<{ cpuUs: number; bytes: number }> {
  let bytes = 0;
  const start = process.cpuUsage();
  for (const payload of payloads) {
    const frame = frameOf(payload);
    bytes += frame.length;
    for (const socket of sockets) socket.write(frame);
    await unblocked(sockets);
  }
  await flushed(sockets);
  const cpu = process.cpuUsage(start);
  const deliveries = payloads.length * sockets.length * size;
  return { cpuUs: (cpu.user + cpu.system) / deliveries, bytes: bytes / (payloads.length * size) };
}

/** The reading side: N connections that read and discard. */
function reader(port: number, n: number): void {
  let open = 0;
  for (let i = 0; i < n; i++) {
    const socket = connect(port, '127.0.0.1', () => {
      if (++open === n) process.send?.('open');
    });
    socket.on('data', () => {});
    socket.on('error', () => process.exit(1));
  }
  process.on('disconnect', () => process.exit(0));
}

async function main(): Promise<void> {
  const viewerCounts = (process.argv[2] ?? '50,500,2000').split(',').map(Number);
  const sizes = (process.argv[3] ?? '1,10,50').split(',').map(Number);
  console.log('viewers  batch  plain B/comment  deflate B/comment  plain µs/delivery  deflate µs/delivery');
  for (const n of viewerCounts) {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const child = fork(new URL(import.meta.url).pathname, ['reader', String(port), String(n)]);
    await new Promise((resolve) => child.once('message', resolve));
    while (sockets.length < n) await new Promise((r) => setTimeout(r, 10));
    for (const size of sizes) {
      const rounds: { plain: number; deflate: number }[] = [];
      let plainBytes = 0;
      let deflateBytes = 0;
      // Alternating rounds, fresh payloads each (the compressed frame is cached per payload).
      for (let round = 0; round < 3; round++) {
        const plain = await measure(sockets, batches(BATCHES, size), textFrame, size);
        const deflate = await measure(sockets, batches(BATCHES, size), (p) => deflatedFrame(p, MIN_BYTES), size);
        rounds.push({ plain: plain.cpuUs, deflate: deflate.cpuUs });
        plainBytes = plain.bytes;
        deflateBytes = deflate.bytes;
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
      console.log(
        `${String(n).padStart(7)}  ${String(size).padStart(5)}  ${plainBytes.toFixed(0).padStart(15)}  ` +
          `${deflateBytes.toFixed(0).padStart(17)}  ${median(rounds.map((r) => r.plain))
            .toFixed(3)
            .padStart(17)}  ` +
          `${median(rounds.map((r) => r.deflate))
            .toFixed(3)
            .padStart(19)}`,
      );
    }
    child.disconnect();
    for (const socket of sockets) socket.destroy();
    server.close();
  }
}

if (process.argv[2] === 'reader') reader(Number(process.argv[3]), Number(process.argv[4]));
else void main();
