// Pre-framed WebSocket text frames. The hub hands every viewer of an event the same payload
// Buffer; its frame (header + payload, one Buffer) is built once and written as is to every
// socket, so a delivery is one socket write with no per-viewer framing (ws's Sender would build
// a header and issue a two-buffer writev per viewer).
//
// The compressed frame (permessage-deflate, RFC 7692) is built once per payload too: every
// connection that negotiated the extension gets the same bytes. That holds because the server
// keeps no compression context between messages (`server_no_context_takeover`): each message is
// a deflate stream of its own, so one compression serves every socket.
import { constants, deflateRawSync } from 'node:zlib';

const framed = new WeakMap<Buffer, Buffer>();
const deflated = new WeakMap<Buffer, Buffer>();

/** The end of a sync flush, which RFC 7692 section 7.2.1 removes from each message. */
const SYNC_TAIL = 4;
/**
 * Compression settings by payload size. A window as large as the payload loses nothing, and a
 * small one (with a small hash table) makes zlib's set-up, most of the cost of compressing one
 * comment, several times cheaper than the full 32 KiB window's (256 KiB of state to clear).
 * Any window up to the negotiated 32 KiB is one the client can read.
 */
const SMALL_PAYLOAD = 4096;
const SMALL = { finishFlush: constants.Z_SYNC_FLUSH, windowBits: 12, memLevel: 5 };
const LARGE = { finishFlush: constants.Z_SYNC_FLUSH };
/** FIN + text, and FIN + RSV1 ("compressed", RFC 7692 section 6) + text. */
const TEXT = 0x81;
const TEXT_DEFLATED = 0xc1;

/** The unmasked, unfragmented text frame of `payload` (RFC 6455 section 5.2), built once per payload. */
export function textFrame(payload: Buffer): Buffer {
  const known = framed.get(payload);
  if (known) return known;
  const frame = frameOf(TEXT, payload);
  framed.set(payload, frame);
  return frame;
}

/**
 * The frame of `payload` for a connection that negotiated permessage-deflate: compressed (RSV1
 * set) when the payload has at least `minBytes` and compression makes it smaller, else the plain
 * text frame (the extension allows either, message by message). Built once per payload; a
 * process uses one `minBytes`.
 */
export function deflatedFrame(payload: Buffer, minBytes: number): Buffer {
  if (payload.length < minBytes) return textFrame(payload);
  const known = deflated.get(payload);
  if (known) return known;
  // A sync flush ends the stream on a byte boundary with an empty stored block (00 00 ff ff) and
  // no final block, so a client that keeps its inflater across messages reads it as well.
  const packed = deflateRawSync(payload, payload.length <= SMALL_PAYLOAD ? SMALL : LARGE);
  const body = packed.subarray(0, packed.length - SYNC_TAIL);
  const frame = body.length < payload.length ? frameOf(TEXT_DEFLATED, body) : textFrame(payload);
  deflated.set(payload, frame);
  return frame;
}

/** Header + payload in one Buffer. */
function frameOf(first: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = first;
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
  return frame;
}
