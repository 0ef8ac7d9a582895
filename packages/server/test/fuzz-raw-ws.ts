// Raw WebSocket over a net socket, for frames a well-behaved client library will not send:
// reserved opcodes and bits, unmasked or fragmented frames, lying lengths, invalid UTF-8.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** One frame's header fields; `length` overrides the real payload length in the header. */
export interface RawFrame {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  masked?: boolean;
  payload?: Buffer;
  length?: bigint;
}

/** Encodes a client frame (masked unless told otherwise), RFC 6455 section 5.2. */
export function encodeFrame(frame: RawFrame): Buffer {
  const payload = frame.payload ?? Buffer.alloc(0);
  const length = frame.length ?? BigInt(payload.length);
  const masked = frame.masked ?? true;
  const head: number[] = [((frame.fin ?? true) ? 0x80 : 0) | ((frame.rsv ?? 0) << 4) | (frame.opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65_536n) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), extended, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i & 3]!;
  return Buffer.concat([Buffer.from(head), extended, mask, body]);
}

/** What the server did with a raw connection. */
export interface RawOutcome {
  /** The HTTP status of the handshake answer (101 when upgraded). */
  status: number;
  /** Close code of the server's close frame, if it sent one. */
  closeCode: number | null;
  /** Text frames the server sent. */
  texts: string[];
  /** Whether the server ended the TCP connection before our deadline. */
  ended: boolean;
}

/** Sends a raw HTTP request (an upgrade, then `frames` once upgraded) and reads until close or `waitMs`. */
export function rawExchange(
  port: number,
  request: string | Buffer,
  frames: Buffer[],
  waitMs: number,
  until: (outcome: RawOutcome) => boolean = () => false,
): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const outcome: RawOutcome = { status: 0, closeCode: null, texts: [], ended: false };
    let buffer: Buffer = Buffer.alloc(0);
    let upgraded = false;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('error', () => {});
    socket.on('close', () => {
      outcome.ended = true;
      finish();
    });
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        outcome.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(buffer.subarray(0, end).toString('latin1'))?.[1] ?? 0);
        buffer = buffer.subarray(end + 4);
        if (outcome.status !== 101) return finish();
        upgraded = true;
        for (const frame of frames) socket.write(frame);
      }
      buffer = readServerFrames(buffer, outcome);
      if (until(outcome)) finish();
    });
  });
}

/** Parses complete unmasked server frames off `buffer`; returns what is left. */
function readServerFrames(buffer: Buffer, outcome: RawOutcome): Buffer {
  for (;;) {
    if (buffer.length < 2) return buffer;
    const opcode = buffer[0]! & 0x0f;
    let length = buffer[1]! & 0x7f;
    let at = 2;
    if (length === 126) {
      if (buffer.length < 4) return buffer;
      length = buffer.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      if (buffer.length < 10) return buffer;
      length = Number(buffer.readBigUInt64BE(2));
      at = 10;
    }
    if (buffer.length < at + length) return buffer;
    const payload = buffer.subarray(at, at + length);
    if (opcode === 0x1) outcome.texts.push(payload.toString('utf8'));
    if (opcode === 0x8) outcome.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    buffer = buffer.subarray(at + length);
  }
}

/** The HTTP upgrade request for `path`, with extra header lines. */
export function upgradeRequest(path: string, extra: string[] = []): string {
  return [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...extra,
    '',
    '',
  ].join('\r\n');
}
