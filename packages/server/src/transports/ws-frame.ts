// Pre-framed WebSocket text frames. The hub hands every viewer of an event the same payload
// Buffer; its frame (header + payload, one Buffer) is built once and written as is to every
// socket, so a delivery is one socket write with no per-viewer framing (ws's Sender would build
// a header and issue a two-buffer writev per viewer).

const framed = new WeakMap<Buffer, Buffer>();

/** The unmasked, unfragmented text frame of `payload` (RFC 6455 section 5.2), built once per payload. */
export function textFrame(payload: Buffer): Buffer {
  const known = framed.get(payload);
  if (known) return known;
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = 0x81; // FIN + text
  if (head === 2) frame[1] = n;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    frame.writeUInt32BE(n >>> 0, 6);
  }
  payload.copy(frame, head);
  framed.set(payload, frame);
  return frame;
}
