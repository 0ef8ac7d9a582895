import assert from 'node:assert/strict';
import { test } from 'node:test';
import { framedGif, solidPng } from '../testing.js';
import { gifProblem, sniffImage } from './emote-image.js';

const riff = (chunk: string, body: number[]) =>
  Uint8Array.from([...Buffer.from('RIFF\0\0\0\0WEBP'), ...Buffer.from(chunk), 0, 0, 0, 0, ...body]);

test('PNG, GIF and the three WebP kinds are read with their size; anything else is not an image', () => {
  assert.deepEqual(sniffImage(solidPng(20, 30, [0, 0, 0, 0])), { contentType: 'image/png', width: 20, height: 30 });
  assert.deepEqual(sniffImage(Buffer.from('GIF89a\x20\x00\x10\x00', 'latin1')), {
    contentType: 'image/gif',
    width: 32,
    height: 16,
  });
  // Lossy: a key frame's start code, then 14-bit width and height.
  assert.deepEqual(sniffImage(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 64, 0, 48, 0])), {
    contentType: 'image/webp',
    width: 64,
    height: 48,
  });
  // Lossless: 0x2f, then width-1 and height-1 in 14 bits each (here 28 and 28).
  const bits = 27 | (27 << 14);
  assert.deepEqual(sniffImage(riff('VP8L', [0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, bits >>> 24])), {
    contentType: 'image/webp',
    width: 28,
    height: 28,
  });
  // Extended: the canvas, each side minus one in 24 bits.
  assert.deepEqual(sniffImage(riff('VP8X', [0, 0, 0, 0, 99, 0, 0, 1, 0, 0])), {
    contentType: 'image/webp',
    width: 100,
    height: 2,
  });
  for (const other of ['<svg/>', 'GIF8', '\x89PNG\r\n\x1a\n', 'RIFF\0\0\0\0WAVE', '']) {
    assert.equal(sniffImage(Buffer.from(other, 'latin1')), null, JSON.stringify(other));
  }
});

test('GIF frames are walked: at most the allowed number, each inside the picture, the blocks whole', () => {
  const frame = (i: number): [number, number, number, number] => [i % 4, 0, 28, 32];
  assert.equal(gifProblem(framedGif(32, 32, [[0, 0, 32, 32]]), 60), null);
  assert.equal(
    gifProblem(
      framedGif(
        32,
        32,
        Array.from({ length: 60 }, (_, i) => frame(i)),
      ),
      60,
    ),
    null,
  );
  assert.match(
    gifProblem(
      framedGif(
        32,
        32,
        Array.from({ length: 61 }, (_, i) => frame(i)),
      ),
      60,
    ) ?? '',
    /at most 60 frames/,
  );
  // A small picture whose frame decodes to 65535 x 65535.
  assert.match(gifProblem(framedGif(16, 16, [[0, 0, 65_535, 65_535]]), 60) ?? '', /larger than the picture/);
  assert.match(gifProblem(framedGif(16, 16, [[10, 10, 8, 8]]), 60) ?? '', /larger than the picture/);
  assert.match(gifProblem(framedGif(16, 16, [[0, 0, 16, 16]], false), 60) ?? '', /truncated/);
  assert.match(gifProblem(framedGif(16, 16, [[0, 0, 16, 16]]).subarray(0, 40), 60) ?? '', /truncated/);
  assert.match(gifProblem(Buffer.from('GIF89a\x20\x00\x10\x00', 'latin1'), 60) ?? '', /truncated/);
});
