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
