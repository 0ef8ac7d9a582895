// permessage-deflate over real sockets (docs/API.md "Compression"): each batch is compressed once
// and the same bytes reach every connection that negotiated it; connections without it get the
// plain frames of the same batch; compressed client frames inflate, and a bomb is refused (1009).
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import WebSocket from 'ws';
import { encodeFrame, upgradeRequest } from './fuzz-raw-ws.js';
import { createEvent, devToken, post, startNode, type TestNode, WsViewer, waitFor } from './support.js';

const DEFLATE_OFFER = 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits';
const SYNC_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** A server frame as it came off the wire. */
interface WireFrame {
  compressed: boolean;
  opcode: number;
  payload: Buffer;
}

/** A WebSocket client on a bare socket: it sees each frame's RSV1 bit and inflates by itself. */
class RawViewer {
  readonly frames: WireFrame[] = [];
  head = '';
  closeCode: number | null = null;
  private buffer = Buffer.alloc(0);
  private upgraded = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => {});
  }

  static open(port: number, path: string, extra: string[]): Promise<RawViewer> {
    const socket = connect(port, '127.0.0.1');
    const viewer = new RawViewer(socket);
    socket.on('connect', () => socket.write(upgradeRequest(path, extra)));
    return waitFor(() => viewer.head !== '', 'the handshake answer').then(() => viewer);
  }

  /** The texts of its text frames, inflated where compressed (RFC 7692 section 7.2.2). */
  texts(): string[] {
    return this.frames.filter((f) => f.opcode === 1).map(textOf);
  }

  send(frame: Buffer): void {
    this.socket.write(frame);
  }

  close(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.upgraded) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.head = this.buffer.subarray(0, end).toString('latin1');
      this.buffer = this.buffer.subarray(end + 4);
      this.upgraded = true;
    }
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      let length = b[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      if (b.length < at + length) return;
      const frame = { compressed: (b[0]! & 0x40) !== 0, opcode: b[0]! & 0x0f, payload: b.subarray(at, at + length) };
      this.frames.push(frame);
      if (frame.opcode === 8) this.closeCode = length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
      this.buffer = b.subarray(at + length);
    }
  }
}

/** A text frame's text, inflated when compressed (RFC 7692 section 7.2.2). */
function textOf(frame: WireFrame): string {
  return (
    frame.compressed
      ? inflateRawSync(Buffer.concat([frame.payload, SYNC_TAIL]), { finishFlush: constants.Z_SYNC_FLUSH })
      : frame.payload
  ).toString();
}

/** The entries frames' texts (comment texts in order) of a list of frame texts. */
function commentTexts(frames: string[]): string[] {
  return frames
    .map((t) => JSON.parse(t))
    .filter((f) => f.type === 'entries')
    .flatMap((f) => f.items.map((e: { comment?: { text: string } }) => e.comment?.text));
}

/** Chat-like comment texts, about 100 characters each. */
function chatTexts(n: number): string[] {
  const words = ['what', 'a', 'goal', 'no way', 'that was', 'offside', 'lol', 'ref', 'come on', 'amazing', 'save'];
  return Array.from({ length: n }, (_, i) => {
    let text = `#${i}`;
    for (let k = i; text.length < 100; k = (k * 7 + 3) % 97) text += ` ${words[k % words.length]}`;
    return text;
  });
}

describe('permessage-deflate', () => {
  let node: TestNode;
  let port: number;
  let bot: { token: string; id: string };
  let owner: { token: string; id: string };

  before(async () => {
    node = await startNode({ wsDeflate: true, wsDeflateMinBytes: 64 });
    port = Number(new URL(node.url).port);
    owner = await devToken(node.url, 'owner');
    bot = await devToken(node.url, 'bot', 'service');
  });
  after(() => node.stop());

  test('one batch: the same compressed bytes to every deflate viewer, plain frames to the others', async () => {
    const eventId = await createEvent(node.url, owner.token);
    const path = `/v1/events/${eventId}/ws`;
    const raw = [await RawViewer.open(port, path, [DEFLATE_OFFER]), await RawViewer.open(port, path, [DEFLATE_OFFER])];
    const plainRaw = await RawViewer.open(port, path, []);
    const library = await WsViewer.open(node.url, eventId);
    const plainLibrary = await new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${node.url.replace('http', 'ws')}${path}`, { perMessageDeflate: false });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
    const plainTexts: string[] = [];
    plainLibrary.on('message', (data) => plainTexts.push(data.toString()));

    for (const viewer of raw) {
      assert.match(viewer.head, /^HTTP\/1\.1 101/);
      assert.match(viewer.head, /sec-websocket-extensions: permessage-deflate; server_no_context_takeover/i);
      assert.match(viewer.head, /client_no_context_takeover/);
    }
    assert.doesNotMatch(plainRaw.head, /sec-websocket-extensions/i);
    assert.match(library.ws.extensions, /permessage-deflate/);

    const texts = chatTexts(30);
    await Promise.all(texts.map((text) => post(node.url, bot.token, eventId, text)));
    const all = [...raw, plainRaw];
    await waitFor(() => all.every((v) => commentTexts(v.texts()).length === texts.length), 'every raw viewer');
    await waitFor(() => library.entries.length === texts.length, 'the ws viewer with deflate');
    await waitFor(() => commentTexts(plainTexts).length === texts.length, 'the ws viewer without deflate');

    const sorted = [...texts].sort();
    for (const viewer of all) assert.deepEqual(commentTexts(viewer.texts()).sort(), sorted);
    assert.deepEqual(library.entries.map((e) => (e as { comment: { text: string } }).comment.text).sort(), sorted);
    assert.deepEqual(commentTexts(plainTexts).sort(), sorted);

    // The deflate viewers got compressed entries frames, byte for byte the same; the plain one none.
    const entryFrames = (v: RawViewer) =>
      v.frames.filter((f) => f.opcode === 1 && textOf(f).startsWith('{"type":"entries"'));
    const [a, b] = raw.map(entryFrames);
    assert.ok(
      a!.some((f) => f.compressed),
      'entries frames go out compressed',
    );
    assert.deepEqual(
      a!.map((f) => f.payload.toString('hex')),
      b!.map((f) => f.payload.toString('hex')),
    );
    assert.ok(
      plainRaw.frames.every((f) => !f.compressed),
      'no RSV1 without the extension',
    );
    const wire = (v: RawViewer) => entryFrames(v).reduce((n, f) => n + f.payload.length, 0);
    assert.ok(wire(raw[0]!) < wire(plainRaw) / 2, `compressed ${wire(raw[0]!)} B vs plain ${wire(plainRaw)} B`);

    // A frame under the minimum size (the viewer count) goes out plain on a deflate connection.
    const small = raw[0]!.frames.filter((f) => f.opcode === 1 && f.payload.length < 64);
    assert.ok(small.length > 0 && small.every((f) => !f.compressed), 'small frames are sent as they are');

    for (const viewer of all) viewer.close();
    plainLibrary.close();
    await library.close();
  });

  test('a client that limits the server window is served plain frames, not refused', async () => {
    const eventId = await createEvent(node.url, owner.token);
    const viewer = await RawViewer.open(port, `/v1/events/${eventId}/ws`, [
      `${DEFLATE_OFFER}; server_max_window_bits=10`,
    ]);
    assert.match(viewer.head, /^HTTP\/1\.1 101/);
    await post(node.url, bot.token, eventId, chatTexts(1)[0]!);
    await waitFor(() => commentTexts(viewer.texts()).length === 1, 'the comment');
    assert.ok(viewer.frames.every((f) => !f.compressed));
    viewer.close();
  });

  test('compressed client frames inflate; one that inflates past the frame limit is refused with 1009', async () => {
    const eventId = await createEvent(node.url, owner.token);
    const poster = new WebSocket(`${node.url.replace('http', 'ws')}/v1/events/${eventId}/ws?token=${bot.token}`, {
      perMessageDeflate: { threshold: 0 },
    });
    const acks: { clientId: string; status: string }[] = [];
    poster.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'ack') acks.push(frame);
    });
    await new Promise((resolve, reject) => {
      poster.once('open', resolve);
      poster.once('error', reject);
    });
    assert.match(poster.extensions, /permessage-deflate/);
    poster.send(JSON.stringify({ type: 'comment', text: 'compressed on the way in', clientId: 'z1' }));
    await waitFor(() => acks.length === 1, 'the ack');
    assert.equal(acks[0]!.status, 'published');
    // The server lets go of its inflater after each message: the next one makes another.
    poster.send(JSON.stringify({ type: 'comment', text: 'and again, compressed', clientId: 'z2' }));
    await waitFor(() => acks.length === 2, 'the second ack');
    assert.equal(acks[1]!.status, 'published');
    poster.close();

    // 1 MB of spaces in a comment: about 1 KB compressed, within the 4 KB frame limit on the
    // wire, but the server stops inflating at 4 KB and closes.
    const bomb = deflateRawSync(Buffer.from(`{"type":"comment","text":"${' '.repeat(1 << 20)}"}`), {
      finishFlush: constants.Z_SYNC_FLUSH,
    }).subarray(0, -4);
    assert.ok(bomb.length < 4096);
    const viewer = await RawViewer.open(port, `/v1/events/${eventId}/ws?token=${bot.token}`, [DEFLATE_OFFER]);
    viewer.send(encodeFrame({ opcode: 1, rsv: 4, payload: bomb }));
    await waitFor(() => viewer.closeCode !== null, 'the close frame');
    assert.equal(viewer.closeCode, 1009);
    viewer.close();
  });
});

describe('permessage-deflate turned off', () => {
  let node: TestNode;

  before(async () => {
    node = await startNode({ wsDeflate: false });
  });
  after(() => node.stop());

  test('the offer is declined and frames go out plain', async () => {
    const owner = await devToken(node.url, 'owner');
    const eventId = await createEvent(node.url, owner.token);
    const port = Number(new URL(node.url).port);
    const viewer = await RawViewer.open(port, `/v1/events/${eventId}/ws`, [DEFLATE_OFFER]);
    assert.match(viewer.head, /^HTTP\/1\.1 101/);
    assert.doesNotMatch(viewer.head, /sec-websocket-extensions/i);
    const texts = chatTexts(5);
    for (const text of texts) await post(node.url, owner.token, eventId, text);
    await waitFor(() => commentTexts(viewer.texts()).length === texts.length, 'the comments');
    assert.ok(viewer.frames.every((f) => !f.compressed));
    viewer.close();
  });
});
