import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { test } from 'node:test';
import { deflatedFrame, textFrame } from './ws-frame.js';

// ws exports its Receiver and PerMessageDeflate, but @types/ws does not declare them.
const { Receiver, PerMessageDeflate } = createRequire(import.meta.url)('ws') as {
  Receiver: new (options: object) => Writable;
  PerMessageDeflate: new (options: object) => { accept(offers: object[]): void };
};

/** Decodes frames with ws's own client-side receiver (it accepts unmasked server frames). */
function decode(frame: Buffer, deflate = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const extensions: Record<string, unknown> = {};
    if (deflate) {
      // ws's client side of the extension, as negotiated with the server's terms.
      const inflater = new PerMessageDeflate({ isServer: false });
      inflater.accept([{ server_no_context_takeover: [true], client_no_context_takeover: [true] }]);
      extensions['permessage-deflate'] = inflater;
    }
    const receiver = new Receiver({ isServer: false, extensions });
    receiver.on('message', (data: Buffer) => resolve(data.toString()));
    receiver.on('error', reject);
    receiver.write(frame);
  });
}

test('text frames of every length class decode, and are built once per payload', async () => {
  for (const n of [0, 5, 125, 126, 65_535, 65_536, 200_000]) {
    const payload = Buffer.from('x'.repeat(n));
    const frame = textFrame(payload);
    assert.equal(await decode(frame), payload.toString(), `length ${n}`);
    assert.equal(textFrame(payload), frame, 'the same Buffer again');
  }
});

test('compressed frames: RSV1 set, inflate to the payload, built once; small or incompressible ones plain', async () => {
  const chat = (n: number) =>
    Buffer.from(
      `{"type":"entries","items":[${Array.from({ length: n }, (_, i) => `{"seq":${i},"text":"what a goal no way ${i}"}`).join(',')}]}`,
    );
  for (const payload of [chat(3), chat(40), chat(2000)]) {
    const frame = deflatedFrame(payload, 64);
    assert.equal(frame[0], 0xc1, 'FIN + RSV1 + text');
    assert.ok(frame.length < payload.length);
    assert.equal(await decode(frame, true), payload.toString(), `${payload.length} bytes`);
    assert.equal(deflatedFrame(payload, 64), frame, 'the same Buffer again');
  }
  const small = chat(1);
  assert.equal(deflatedFrame(small, small.length + 1), textFrame(small), 'under the minimum: the plain frame');
  const noise = randomBytes(300);
  assert.equal(deflatedFrame(noise, 64)[0], 0x81, 'not smaller when compressed: plain');
});
