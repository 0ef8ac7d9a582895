// What an uploaded emote picture is, read from its bytes (never from what the uploader says):
// PNG, GIF or WebP, with its size in pixels from the header. Anything else, SVG included (it
// can carry scripts), is refused.

/** A picture's type and size as its header gives them. */
export interface ImageInfo {
  contentType: 'image/png' | 'image/gif' | 'image/webp';
  width: number;
  height: number;
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, at: number, expected: readonly number[] | string): boolean {
  const codes = typeof expected === 'string' ? [...expected].map((c) => c.charCodeAt(0)) : expected;
  if (bytes.length < at + codes.length) return false;
  return codes.every((c, i) => bytes[at + i] === c);
}

/** The picture's type and size, or null when it is not a PNG, GIF or WebP we can read. */
export function sniffImage(bytes: Uint8Array): ImageInfo | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(bytes, 0, PNG) && startsWith(bytes, 12, 'IHDR') && bytes.length >= 24) {
    return { contentType: 'image/png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if ((startsWith(bytes, 0, 'GIF87a') || startsWith(bytes, 0, 'GIF89a')) && bytes.length >= 10) {
    return { contentType: 'image/gif', width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (startsWith(bytes, 0, 'RIFF') && startsWith(bytes, 8, 'WEBP')) return webpSize(bytes, view);
  return null;
}

/** A WebP's size from its first chunk: lossy (`VP8 `), lossless (`VP8L`) or extended (`VP8X`). */
function webpSize(bytes: Uint8Array, view: DataView): ImageInfo | null {
  const webp = (width: number, height: number): ImageInfo => ({ contentType: 'image/webp', width, height });
  if (startsWith(bytes, 12, 'VP8 ') && bytes.length >= 30 && startsWith(bytes, 23, [0x9d, 0x01, 0x2a])) {
    return webp(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  }
  if (startsWith(bytes, 12, 'VP8L') && bytes.length >= 25 && bytes[20] === 0x2f) {
    const bits = view.getUint32(21, true);
    return webp((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (startsWith(bytes, 12, 'VP8X') && bytes.length >= 30) {
    const width = (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16)) + 1;
    const height = (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16)) + 1;
    return webp(width, height);
  }
  return null;
}

/**
 * Why a GIF may not be an emote, or null: its blocks walked to the trailer (linear in its bytes,
 * which the caller has capped), each frame counted and checked to lie inside the picture's own
 * size, as a decoder would allocate for it. Too many frames, a frame larger than the picture (a
 * small header over a huge decoded frame), or blocks that run past the end are refused.
 */
export function gifProblem(bytes: Uint8Array, maxFrames: number): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 13) return 'the GIF is truncated';
  const width = view.getUint16(6, true);
  const height = view.getUint16(8, true);
  let at = 13 + colorTable(bytes[10]!);
  let frames = 0;
  /** Skips data sub-blocks (a length byte, then that many bytes) up to the empty one; false when they run out. */
  const skipBlocks = (): boolean => {
    while (at < bytes.length) {
      const size = bytes[at]!;
      at += 1 + size;
      if (size === 0) return true;
    }
    return false;
  };
  while (at < bytes.length) {
    const block = bytes[at]!;
    if (block === 0x3b) return null;
    if (block === 0x21) {
      // Extension: its label, then its sub-blocks.
      at += 2;
      if (!skipBlocks()) return 'the GIF is truncated';
    } else if (block === 0x2c) {
      if (at + 10 > bytes.length) return 'the GIF is truncated';
      const left = view.getUint16(at + 1, true);
      const top = view.getUint16(at + 3, true);
      const w = view.getUint16(at + 5, true);
      const h = view.getUint16(at + 7, true);
      if (left + w > width || top + h > height) return 'a GIF frame is larger than the picture';
      frames += 1;
      if (frames > maxFrames) return `an animated emote has at most ${maxFrames} frames`;
      // The descriptor, its local color table, the LZW code size, then the image data.
      at += 10 + colorTable(bytes[at + 9]!) + 1;
      if (!skipBlocks()) return 'the GIF is truncated';
    } else return 'the GIF has an unknown block';
  }
  return 'the GIF is truncated';
}

/** The bytes of the color table a GIF's packed field announces (0 without one). */
function colorTable(packed: number): number {
  return packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0;
}
