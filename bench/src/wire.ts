// Lean clients for the load generator, straight on `node:net`: a WebSocket viewer that parses
// frame headers and nothing more, an SSE viewer over chunked HTTP/1.1, a long-poll loop and a
// pipelining HTTP/1.1 client for posting. No per-frame JSON, no per-frame allocation beyond the
// socket's own reads (a partial frame is the exception: it is joined with the next read).
import { connect, type Socket } from 'node:net';
import { constants, inflateRawSync } from 'node:zlib';

/** Where the server listens. */
export interface Target {
  host: string;
  port: number;
  /**
   * The client's own address (a 127.x.y.z on loopback): one address has about 28,000 ephemeral
   * ports towards one server port, so tens of thousands of connections need several.
   */
  localAddress?: string;
}

/** Receives what one viewer connection delivers. */
export interface FrameSink {
  /** One frame (a WebSocket message, an SSE event, a poll answer body) in `buf[start, end)`. */
  frame(buf: Buffer, start: number, end: number): void;
  opened(): void;
  closed(why: string): void;
}

const CRLF2 = Buffer.from('\r\n\r\n');
const LF2 = Buffer.from('\n\n');
const WS_KEY = 'dGhlIHNhbXBsZSBub25jZQ=='; // any 16 bytes in base64

/** Base of the raw clients: one socket, header parsing, partial reads joined. */
abstract class RawClient {
  readonly socket: Socket;
  protected pending: Buffer | null = null;
  protected headersDone = false;
  protected done = false;

  constructor(
    target: Target,
    protected readonly sink: FrameSink,
  ) {
    this.socket = connect({
      port: target.port,
      host: target.host,
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
    });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => this.socket.write(this.request()));
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.finish(`error: ${error.message}`));
    this.socket.on('close', () => this.finish('closed'));
  }

  protected abstract request(): string;
  protected abstract body(buf: Buffer, pos: number): number;

  close(): void {
    this.done = true;
    this.socket.destroy();
  }

  protected finish(why: string): void {
    if (this.done) return;
    this.done = true;
    this.socket.destroy();
    this.sink.closed(why);
  }

  private onData(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let pos = 0;
    if (!this.headersDone) {
      const end = buf.indexOf(CRLF2);
      if (end < 0) {
        this.pending = buf;
        return;
      }
      const head = buf.toString('latin1', 0, end);
      if (!this.headers(head)) return;
      this.headersDone = true;
      pos = end + 4;
      this.sink.opened();
    }
    pos = this.body(buf, pos);
    if (pos < buf.length && !this.done) this.pending = buf.subarray(pos);
  }

  /** Checks the answer's head; false (after reporting) when it is not the expected one. */
  protected headers(head: string): boolean {
    const status = head.slice(9, 12);
    if (status !== this.expectedStatus()) {
      this.finish(`refused: ${head.split('\r\n')[0]}`);
      return false;
    }
    return true;
  }

  protected expectedStatus(): string {
    return '200';
  }
}

/**
 * Compressed frames (permessage-deflate without context takeover) inflated once per process:
 * every viewer of an event gets the same compressed bytes, so one inflation serves them all, as
 * the frame cache does for parsing. Keyed by length and a few words, confirmed by comparing bytes.
 */
class InflateCache {
  private young = new Map<string, { packed: Buffer; plain: Buffer }>();
  private old = new Map<string, { packed: Buffer; plain: Buffer }>();
  compressed = 0;

  inflate(buf: Buffer, start: number, end: number): Buffer {
    this.compressed++;
    const n = end - start;
    const word = (at: number) => (n >= 4 ? buf.readUInt32LE(start + at) : 0);
    const key = `${n}:${word(0)}:${word((n >> 1) & ~3)}:${word(Math.max(0, n - 4))}`;
    const known = this.young.get(key) ?? this.old.get(key);
    const packed = buf.subarray(start, end);
    if (known?.packed.equals(packed)) return known.plain;
    const plain = inflateRawSync(Buffer.concat([packed, SYNC_TAIL]), { finishFlush: constants.Z_SYNC_FLUSH });
    if (this.young.size >= 10_000) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, { packed: Buffer.from(packed), plain });
    return plain;
  }
}

const SYNC_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
/** The compressed frames of this process's viewers. */
export const inflateCache = new InflateCache();

/** A WebSocket viewer (or poster): server frames are parsed by header only. */
export class WsClient extends RawClient {
  closeCode: number | null = null;
  /** Whether the server agreed to permessage-deflate. */
  deflating = false;

  constructor(
    target: Target,
    private readonly path: string,
    sink: FrameSink,
    /** Offer permessage-deflate (no context takeover, so each compressed frame inflates alone). */
    private readonly deflate = false,
  ) {
    super(target, sink);
  }

  protected request(): string {
    const offer = this.deflate
      ? 'Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; server_no_context_takeover\r\n'
      : '';
    return (
      `GET ${this.path} HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${WS_KEY}\r\nSec-WebSocket-Version: 13\r\n${offer}\r\n`
    );
  }

  protected override expectedStatus(): string {
    return '101';
  }

  protected override headers(head: string): boolean {
    if (!super.headers(head)) return false;
    this.deflating = /\r\nsec-websocket-extensions: *permessage-deflate/i.test(head);
    return true;
  }

  /** Sends a text frame, masked with a zero key (valid, and no copy needed to mask). */
  send(text: string): void {
    const payload = Buffer.from(text);
    const n = payload.length;
    const head = n < 126 ? Buffer.alloc(6) : Buffer.alloc(8);
    head[0] = 0x81;
    if (n < 126) head[1] = 0x80 | n;
    else {
      head[1] = 0x80 | 126;
      head.writeUInt16BE(n, 2);
    }
    this.socket.cork();
    this.socket.write(head);
    this.socket.write(payload);
    this.socket.uncork();
  }

  protected body(buf: Buffer, start: number): number {
    let pos = start;
    const len = buf.length;
    while (pos + 2 <= len) {
      const b0 = buf[pos]!;
      let n = buf[pos + 1]! & 127;
      let h = 2;
      if (n === 126) {
        if (pos + 4 > len) break;
        n = buf.readUInt16BE(pos + 2);
        h = 4;
      } else if (n === 127) {
        if (pos + 10 > len) break;
        n = buf.readUInt32BE(pos + 6);
        h = 10;
      }
      if (pos + h + n > len) break;
      const s = pos + h;
      const e = s + n;
      const op = b0 & 15;
      if (op <= 2) {
        if (b0 & 0x40) {
          const plain = inflateCache.inflate(buf, s, e);
          this.sink.frame(plain, 0, plain.length);
        } else this.sink.frame(buf, s, e);
      } else if (op === 8) {
        this.closeCode = n >= 2 ? buf.readUInt16BE(s) : 1005;
        this.finish(`close ${this.closeCode}`);
        return len;
      } else if (op === 9) {
        // A pong with the ping's payload, masked with a zero key.
        const pong = Buffer.alloc(6 + n);
        pong[0] = 0x8a;
        pong[1] = 0x80 | n;
        buf.copy(pong, 6, s, e);
        this.socket.write(pong);
      }
      pos = e;
    }
    return pos;
  }
}

/** An SSE viewer: HTTP/1.1, chunked or delimited by the connection's end; events split at blank lines. */
export class SseClient extends RawClient {
  /** Bytes left in the current chunk; -1 while reading a size line, -2 while skipping its CRLF. */
  private chunkLeft = -1;
  private chunked = true;
  private partial: Buffer | null = null;

  constructor(
    target: Target,
    private readonly path: string,
    sink: FrameSink,
  ) {
    super(target, sink);
  }

  protected request(): string {
    return `GET ${this.path} HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n`;
  }

  protected override headers(head: string): boolean {
    if (!super.headers(head)) return false;
    this.chunked = /\r\ntransfer-encoding: *chunked/i.test(head);
    return true;
  }

  protected body(buf: Buffer, start: number): number {
    if (!this.chunked) {
      this.events(buf, start, buf.length);
      return buf.length;
    }
    let pos = start;
    const len = buf.length;
    while (pos < len) {
      if (this.chunkLeft === -1) {
        const eol = buf.indexOf(13, pos);
        if (eol < 0 || eol + 1 >= len) return pos;
        const size = Number.parseInt(buf.toString('latin1', pos, eol), 16);
        pos = eol + 2;
        if (size === 0) {
          this.finish('ended');
          return len;
        }
        this.chunkLeft = size;
      } else if (this.chunkLeft === -2) {
        if (pos + 2 > len) return pos;
        pos += 2;
        this.chunkLeft = -1;
      } else {
        const take = Math.min(this.chunkLeft, len - pos);
        this.events(buf, pos, pos + take);
        pos += take;
        this.chunkLeft -= take;
        if (this.chunkLeft === 0) this.chunkLeft = -2;
      }
    }
    return pos;
  }

  /** Splits chunk data into events; one write of the server is usually one whole event. */
  private events(buf: Buffer, start: number, end: number): void {
    let data = buf;
    let pos = start;
    let stop = end;
    if (this.partial) {
      data = Buffer.concat([this.partial, buf.subarray(start, end)]);
      this.partial = null;
      pos = 0;
      stop = data.length;
    }
    for (;;) {
      const blank = data.indexOf(LF2, pos);
      if (blank < 0 || blank + 2 > stop) break;
      this.sink.frame(data, pos, blank);
      pos = blank + 2;
    }
    if (pos < stop) this.partial = Buffer.from(data.subarray(pos, stop));
  }
}

/** A long-poll viewer: one keep-alive connection, the next poll as soon as an answer arrives. */
export class PollClient extends RawClient {
  private bodyLeft = -1;

  constructor(
    target: Target,
    private readonly path: (after: number) => string,
    private readonly after: () => number,
    sink: FrameSink,
  ) {
    super(target, sink);
    // A poll is answered only when there is news: the viewer counts as open once connected.
    this.socket.once('connect', () => sink.opened());
  }

  protected request(): string {
    return `GET ${this.path(this.after())} HTTP/1.1\r\nHost: bench\r\n\r\n`;
  }

  protected override headers(head: string): boolean {
    if (!super.headers(head)) return false;
    const m = /content-length: *(\d+)/i.exec(head);
    if (!m) {
      this.finish('poll answer without content-length');
      return false;
    }
    this.bodyLeft = Number(m[1]);
    return true;
  }

  protected body(buf: Buffer, start: number): number {
    if (this.bodyLeft < 0 || buf.length - start < this.bodyLeft) return start;
    const end = start + this.bodyLeft;
    this.sink.frame(buf, start, end);
    this.bodyLeft = -1;
    this.headersDone = false;
    if (!this.done) this.socket.write(this.request());
    return end;
  }
}

/** One answer of the pipelining HTTP client. */
export interface HttpAnswer {
  status: number;
  body: Buffer;
}

/**
 * A keep-alive HTTP/1.1 connection that pipelines requests and matches answers in order
 * (answers carry a content-length: fastify and node:http both send one for a JSON body).
 */
export class HttpConn {
  readonly socket: Socket;
  private readonly waiting: ((answer: HttpAnswer | Error) => void)[] = [];
  private pending: Buffer | null = null;
  private ready: Promise<void>;

  constructor(target: Target) {
    this.socket = connect({
      port: target.port,
      host: target.host,
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
    });
    this.socket.setNoDelay(true);
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** In flight on this connection. */
  get inFlight(): number {
    return this.waiting.length;
  }

  opened(): Promise<void> {
    return this.ready;
  }

  /** Sends a ready-made request; calls back with its answer. */
  send(request: string, done: (answer: HttpAnswer | Error) => void): void {
    this.waiting.push(done);
    this.socket.write(request);
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(error: Error): void {
    for (const done of this.waiting.splice(0)) done(error);
  }

  private onData(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let pos = 0;
    for (;;) {
      const end = buf.indexOf(CRLF2, pos);
      if (end < 0) break;
      const head = buf.toString('latin1', pos, end);
      const m = /content-length: *(\d+)/i.exec(head);
      const length = m ? Number(m[1]) : 0;
      if (end + 4 + length > buf.length) break;
      const status = Number(head.slice(9, 12));
      const body = buf.subarray(end + 4, end + 4 + length);
      pos = end + 4 + length;
      this.waiting.shift()?.({ status, body });
    }
    if (pos < buf.length) this.pending = buf.subarray(pos);
  }
}

/** Builds a JSON POST request (without an Authorization header when `token` is empty). */
export function postRequest(path: string, token: string, body: string): string {
  const auth = token ? `Authorization: Bearer ${token}\r\n` : '';
  return (
    `POST ${path} HTTP/1.1\r\nHost: bench\r\n${auth}` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}
