// A node for tests of code that talks to the server (the SDK, the pages, embedders' own suites):
// a real server on a free port with a fresh data folder, that can stop and start again on the
// same port and folder (to test reconnects).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { type Config, DEFAULTS } from './config/config.js';
import { createNode, type LiveNode } from './node.js';

/** A running server that can stop and start again on the same port and data folder. */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  node: LiveNode;
  /** Stops the node (graceful, as on SIGTERM); the data folder stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>;
  /** Stops it if running and removes the data folder. */
  close(): Promise<void>;
}

/** Starts a node on 127.0.0.1, a free port and a fresh data folder, logging nothing. */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-server-'));
  const config: Config = { ...DEFAULTS, port: 0, host: '127.0.0.1', logLevel: 'silent', ...overrides, dataDir };
  let node = await createNode(config);
  let running = true;
  const port = node.port;
  const server: TestServer = {
    url: node.url,
    port,
    node,
    async stop() {
      running = false;
      await node.close();
    },
    async start() {
      node = await createNode({ ...config, port });
      server.node = node;
      running = true;
    },
    async close() {
      if (running) await node.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** CRC-32 of PNG chunks (zlib.crc32 is Node 22+ only). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A valid PNG of one colour (RGBA), for tests of emote uploads and their rendering. */
export function solidPng(width: number, height: number, rgba: [number, number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgba).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A GIF of the given size whose frames are the given rectangles ([left, top, width, height]),
 * each one pixel of LZW data: what decoders read of its structure, for the emote checks.
 * `trailer: false` leaves it truncated.
 */
export function framedGif(
  width: number,
  height: number,
  frames: [number, number, number, number][],
  trailer = true,
): Buffer {
  const u16 = (n: number) => [n & 255, n >> 8];
  const bytes = [...Buffer.from('GIF89a', 'latin1'), ...u16(width), ...u16(height), 0x80, 0, 0, 255, 255, 255, 0, 0, 0];
  // Loop for ever (the NETSCAPE2.0 application extension), as animated pictures say.
  bytes.push(0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'latin1'), 0x03, 0x01, 0x00, 0x00, 0x00);
  for (const [left, top, w, h] of frames) {
    bytes.push(0x21, 0xf9, 0x04, 0x00, 0x0a, 0x00, 0x00, 0x00);
    bytes.push(0x2c, ...u16(left), ...u16(top), ...u16(w), ...u16(h), 0x00, 0x02, 0x02, 0x44, 0x01, 0x00);
  }
  if (trailer) bytes.push(0x3b);
  return Buffer.from(bytes);
}
