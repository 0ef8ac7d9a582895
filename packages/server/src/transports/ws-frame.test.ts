import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { test } from 'node:test';
import { textFrame } from './ws-frame.js';

// ws exports its Receiver, but @types/ws does not declare it.
const { Receiver } = createRequire(import.meta.url)('ws') as { Receiver: new (options: object) => Writable };

/** Decodes frames with ws's own client-side receiver (it accepts unmasked server frames). */
function decode(frame: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false });
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
