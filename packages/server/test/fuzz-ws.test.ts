// Fuzz over WebSocket: seeded hostile messages over a real client, raw frames a client library
// will not send (reserved bits and opcodes, bad lengths, fragments, invalid UTF-8) and hostile
// upgrade requests over a raw socket. Asserts no `unavailable` error, no 1011 close, every frame
// answered, no crash, and that a normal post still reaches a viewer afterwards.
// Replay a failure with LC_FUZZ_SEED=<seed>; LC_FUZZ_CASES sets the budget (default 3,000).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import {
  FUZZ_CASES,
  FUZZ_SEED,
  invalidUtf8,
  mutateBody,
  nastyId,
  nastyQuery,
  nastyString,
  nastyValue,
  Rng,
} from './fuzz-input.js';
import { encodeFrame, type RawFrame, rawExchange, upgradeRequest } from './fuzz-raw-ws.js';
import {
  assertNone,
  assertServesAPost,
  clip,
  type Finding,
  type FuzzNode,
  assertHealthy as healthy,
  someToken,
  startFuzzNode,
} from './fuzz-support.js';
import { type TestNode, type TestUser, waitFor } from './support.js';

const WS_CASES = Math.round(FUZZ_CASES * 0.3);
const RAW_CASES = Math.round(FUZZ_CASES * 0.05);

describe(`fuzz: WebSocket (LC_FUZZ_SEED=${FUZZ_SEED}, LC_FUZZ_CASES=${FUZZ_CASES})`, () => {
  let f: FuzzNode;
  let node: TestNode;
  let base: string;
  let alice: TestUser;
  let target: string;
  let commentIds: string[];
  const assertHealthy = () => healthy(base);

  before(async () => {
    f = await startFuzzNode();
    ({ node, base, alice, target, commentIds } = f);
  });
  after(() => f?.node.stop());

  /** A client frame: comments good and bad, pings, non-objects, invalid JSON, binary. */
  function wsFrame(rng: Rng): { data: string | Buffer; binary: boolean } {
    const r = rng.next();
    const text = (v: unknown) => ({ data: JSON.stringify(v), binary: false });
    if (r < 0.55) {
      const frame = mutateBody(rng, {
        text: () => nastyString(rng, 500),
        clientId: () => nastyString(rng, 130),
        parentId: () => rng.pick(commentIds),
      });
      return text({ type: 'comment', ...frame });
    }
    if (r < 0.62) return text({ type: 'ping' });
    if (r < 0.72) return text(nastyValue(rng, 3));
    if (r < 0.8) return text({ type: nastyValue(rng, 1), text: 'hi' });
    if (r < 0.9) return { data: nastyString(rng, 300).toWellFormed(), binary: false };
    return { data: Buffer.from(nastyString(rng, 100).toWellFormed()), binary: true };
  }

  test(`WebSocket messages: every frame answered, never "unavailable" (${WS_CASES} frames)`, async () => {
    const rng = new Rng(FUZZ_SEED + 2);
    const findings: Finding[] = [];
    const url = `${base.replace('http', 'ws')}/v1/events/${target}/ws`;
    let sent = 0;
    while (sent < WS_CASES) {
      const token = rng.chance(0.8) ? alice.token : await someToken(rng, f);
      const ws = new WebSocket(token ? `${url}?token=${encodeURIComponent(token)}` : url);
      const answers: { type: string; error?: { code: string } }[] = [];
      let closeCode: number | null = null;
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === 'ack' || frame.type === 'error' || frame.type === 'pong') answers.push(frame);
      });
      ws.on('close', (code) => {
        closeCode = code;
      });
      ws.on('error', () => {});
      const opened = await new Promise<boolean>((resolve) => {
        ws.once('open', () => resolve(true));
        ws.once('unexpected-response', (_req, res) => {
          if ((res.statusCode ?? 0) >= 500) {
            findings.push({ route: 'WS upgrade', input: clip(token ?? ''), answer: String(res.statusCode) });
          }
          resolve(false);
        });
        ws.once('error', () => resolve(false));
      });
      sent++;
      if (!opened) continue;
      // Within the per-connection burst (40), so every frame is read rather than rate limited.
      const frames = Array.from({ length: 30 }, () => wsFrame(rng));
      for (const f of frames) ws.send(f.data, { binary: f.binary });
      sent += frames.length;
      const deadline = Date.now() + 10_000;
      while (answers.length < frames.length && closeCode === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      const sample = clip(frames.map((f) => String(f.data)).join(' | '), 600);
      if (answers.length < frames.length && closeCode === null) {
        findings.push({ route: 'WS frames', input: sample, answer: `${answers.length}/${frames.length} answered` });
      }
      for (const a of answers) {
        if (a.type === 'error' && a.error?.code === 'unavailable') {
          findings.push({ route: 'WS frames', input: sample, answer: JSON.stringify(a) });
        }
      }
      if (closeCode === 1011) findings.push({ route: 'WS frames', input: sample, answer: 'closed 1011' });
      ws.terminate();
    }
    await assertHealthy();
    assertNone(findings, 'WebSocket failures');
  });

  /** A close frame's payload: the code, big-endian. */
  function closeCode(code: number): Buffer {
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    return payload;
  }

  /** Raw frames a client library will not send, with what a correct server does. */
  function rawCase(rng: Rng): {
    name: string;
    frames: RawFrame[];
    expect: (close: number | null, texts: string[]) => boolean;
  } {
    const ping = Buffer.from('{"type":"ping"}');
    const closes =
      (...codes: number[]) =>
      (close: number | null) =>
        close !== null && codes.includes(close);
    const cases = [
      () => ({
        name: 'invalid UTF-8 text',
        frames: [{ opcode: 1, payload: invalidUtf8(rng) }],
        expect: closes(1007),
      }),
      () => ({ name: 'unmasked', frames: [{ opcode: 1, payload: ping, masked: false }], expect: closes(1002) }),
      () => ({
        name: 'reserved opcode',
        frames: [{ opcode: rng.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) }],
        expect: closes(1002),
      }),
      () => ({ name: 'RSV bits', frames: [{ opcode: 1, rsv: 1 + rng.int(7), payload: ping }], expect: closes(1002) }),
      () => ({ name: 'lone continuation', frames: [{ opcode: 0, payload: ping }], expect: closes(1002) }),
      () => ({
        name: 'fragmented ping with a ping control frame between',
        frames: [
          { opcode: 1, fin: false, payload: ping.subarray(0, 5) },
          { opcode: 9, payload: Buffer.from('hi') },
          { opcode: 0, fin: false, payload: ping.subarray(5, 9) },
          { opcode: 0, payload: ping.subarray(9) },
        ],
        expect: (_c: number | null, texts: string[]) => texts.some((t) => t.includes('"pong"')),
      }),
      () => ({
        name: 'new message inside a fragmented one',
        frames: [
          { opcode: 1, fin: false, payload: ping.subarray(0, 5) },
          { opcode: 1, payload: ping },
        ],
        expect: closes(1002),
      }),
      () => ({
        name: 'control frame over 125 bytes',
        frames: [{ opcode: 9, payload: Buffer.alloc(126) }],
        expect: closes(1002),
      }),
      () => ({ name: 'fragmented control frame', frames: [{ opcode: 9, fin: false }], expect: closes(1002) }),
      () => ({
        name: 'length past the limit',
        frames: [{ opcode: rng.pick([1, 2]), length: rng.pick([4097n, 70_000n, 2n ** 62n]), payload: Buffer.alloc(8) }],
        expect: closes(1009, 1002),
      }),
      () => ({
        name: 'fragments adding up past the limit',
        frames: [
          { opcode: 1, fin: false, payload: Buffer.alloc(3000, 0x20) },
          { opcode: 0, payload: Buffer.alloc(3000, 0x20) },
        ],
        expect: closes(1009),
      }),
      () => ({
        name: 'close with an invalid code',
        frames: [{ opcode: 8, payload: closeCode(rng.pick([0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535])) }],
        expect: closes(1002),
      }),
      () => ({
        name: 'close with one byte',
        frames: [{ opcode: 8, payload: Buffer.from([3]) }],
        expect: closes(1002),
      }),
      () => ({
        name: 'close with an invalid UTF-8 reason',
        frames: [{ opcode: 8, payload: Buffer.from([0x03, 0xe8, 0xc0, 0xaf]) }],
        expect: closes(1007),
      }),
      () => ({
        name: 'garbage bytes',
        frames: [
          { opcode: 1, payload: Buffer.from(nastyString(rng, 50)) },
          { opcode: rng.int(16), length: BigInt(rng.int(200)) },
        ],
        expect: () => true,
      }),
    ];
    return rng.pick(cases)();
  }

  test(`raw WebSocket frames: protocol errors close with their code, never 1011 (${RAW_CASES} connections)`, async () => {
    const rng = new Rng(FUZZ_SEED + 3);
    const findings: Finding[] = [];
    const path = `/v1/events/${target}/ws`;
    for (let i = 0; i < RAW_CASES; i++) {
      const c = rawCase(rng);
      const outcome = await rawExchange(node.port, upgradeRequest(path), c.frames.map(encodeFrame), 3000, (o) =>
        c.expect(o.closeCode, o.texts),
      );
      if (outcome.status !== 101 || !c.expect(outcome.closeCode, outcome.texts) || outcome.closeCode === 1011) {
        findings.push({
          route: `raw WS: ${c.name}`,
          input: c.frames
            .map((f) => `op${f.opcode}${f.fin === false ? '' : ' fin'} ${f.payload?.length ?? 0}B`)
            .join(', '),
          answer: `status ${outcome.status}, close ${outcome.closeCode}, texts ${clip(outcome.texts.join(' | '), 200)}`,
        });
      }
    }
    await assertHealthy();
    assertNone(findings, 'raw frame outcomes');
  });

  test('hostile upgrade requests: never a 5xx', async () => {
    const rng = new Rng(FUZZ_SEED + 4);
    const findings: Finding[] = [];
    for (let i = 0; i < 60; i++) {
      const path = rng.pick([
        `/v1/events/${nastyId(rng, [target])}/ws${nastyQuery(rng, { after: () => String(rng.int(60)), token: () => alice.token })}`,
        `/v1/events/${target}/ws?after=${rng.pick(['-1', '1e9', '9999999999999999', '%ff', ''])}`,
        '/v1/events//ws',
        `/${'a'.repeat(rng.int(9000))}`,
      ]);
      const extra = rng.pick([
        [],
        ['Sec-WebSocket-Version: 8'],
        ['Sec-WebSocket-Protocol: \u0000x'],
        ['Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'],
        [`Authorization: ${rng.pick(['Bearer', 'Bearer x', `Bearer ${alice.token}`, 'Basic x'])}`],
        ['X-Forwarded-For: ::1, 10.0.0.1, \u00ff'],
      ]);
      const outcome = await rawExchange(node.port, upgradeRequest(path, extra), [], 2000, (o) => o.status > 0);
      if (outcome.status >= 500 || (outcome.status === 0 && !outcome.ended)) {
        findings.push({
          route: 'WS upgrade',
          input: `${clip(path, 120)} ${extra.join(' ')}`,
          answer: `status ${outcome.status}`,
        });
      }
    }
    await assertHealthy();
    assertNone(findings, 'upgrade answers');
  });

  // Found by this suite (fixed): an upgrade that ws refused after the slot was taken
  // (`Sec-WebSocket-Version: 8`, answered 400) never gave its slot back.
  test('every connection slot comes back once the fuzz sockets are closed', async () => {
    // The limiter's table by address: empty when no real-time connection is open.
    const open = (node.services.connections as unknown as { open: Map<string, number> }).open;
    await waitFor(() => open.size === 0, `slots back (held: ${JSON.stringify([...open])})`, 5000).catch(() => {
      assert.deepEqual([...open], [], 'slots still held after every fuzz socket closed');
    });
  });

  test('after the fuzz, a normal post reaches a viewer', () => assertServesAPost(base));
});
