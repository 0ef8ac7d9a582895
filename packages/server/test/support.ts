// Test support: real nodes on free ports with temp data folders, and real clients of each transport.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '@livecomments/protocol';
import pino from 'pino';
import WebSocket from 'ws';
import { type Config, DEFAULTS } from '../src/config/config.js';
import { createNode, type LiveNode, type NodeOptions } from '../src/node.js';
import { waitFor } from './wait.js';

export { waitFor };

/** A node for one test, with its own data folder (removed on close unless kept). */
export interface TestNode extends LiveNode {
  dataDir: string;
  stop(keepData?: boolean): Promise<void>;
}

/** A fresh temp folder. */
export function tempDir(prefix = 'lc-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts a node on 127.0.0.1 and a free port. */
export async function startNode(overrides: Partial<Config> = {}, options: NodeOptions = {}): Promise<TestNode> {
  const dataDir = overrides.dataDir ?? tempDir();
  const config: Config = {
    ...DEFAULTS,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    presenceMs: 200,
    ...overrides,
    dataDir,
  };
  const node = await createNode(config, { logger: pino({ level: 'silent' }), ...options });
  return Object.assign(node, {
    dataDir,
    async stop(keepData = false) {
      await node.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** An HTTP answer with its parsed JSON body. */
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the API with fetch; `body` is sent as JSON unless `raw` is given. */
export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** A development token. */
export async function devToken(base: string, name: string, role?: string): Promise<{ token: string; id: string }> {
  const res = await api(base, 'POST', '/v1/dev/tokens', { body: role ? { name, role } : { name } });
  if (res.status !== 201) throw new Error(`dev token: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token, id: res.body.user.id };
}

/** A dev token's user. */
export type TestUser = { token: string; id: string };

/** A node with three users: alice and bob (viewers), mia (moderator). */
export async function startNodeWithUsers(overrides: Partial<Config> = {}): Promise<{
  node: TestNode;
  base: string;
  alice: TestUser;
  bob: TestUser;
  mod: TestUser;
}> {
  const node = await startNode(overrides);
  const base = node.url;
  const [alice, bob, mod] = await Promise.all([
    devToken(base, 'alice'),
    devToken(base, 'bob'),
    devToken(base, 'mia', 'moderator'),
  ]);
  return { node, base, alice, bob, mod };
}

/** Creates an event and returns its id. */
export async function createEvent(
  base: string,
  token: string,
  settings: Record<string, unknown> = {},
): Promise<string> {
  const res = await api(base, 'POST', '/v1/events', { token, body: { title: 'Test event', settings } });
  if (res.status !== 201) throw new Error(`create event: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** Posts a comment. */
export function post(base: string, token: string, eventId: string, text: string, clientId?: string) {
  return api(base, 'POST', `/v1/events/${eventId}/comments`, { token, body: clientId ? { text, clientId } : { text } });
}

/** Seqs of entries, for comparisons. */
export const seqs = (entries: Entry[]) => entries.map((e) => e.seq);

/** 1..n */
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A WebSocket viewer that records every frame. */
export class WsViewer {
  readonly entries: Entry[] = [];
  readonly frames: any[] = [];
  closeCode: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      this.frames.push(frame);
      if (frame.type === 'entries') this.entries.push(...frame.items);
    });
    ws.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static open(base: string, eventId: string, query = '', headers: Record<string, string> = {}): Promise<WsViewer> {
    const url = `${base.replace('http', 'ws')}/v1/events/${eventId}/ws${query ? `?${query}` : ''}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const viewer = new WsViewer(ws);
      ws.once('open', () => resolve(viewer));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`ws refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame matching `match` (already received or to come). */
  async next(match: (frame: any) => boolean, timeoutMs = 5000): Promise<any> {
    let found: any;
    await waitFor(
      () => {
        found = this.frames.find(match);
        return found !== undefined;
      },
      'a WebSocket frame',
      timeoutMs,
    );
    return found;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  /** Drops the TCP connection without a close handshake. */
  kill(): void {
    this.ws.terminate();
  }
}

/** An SSE viewer over a raw HTTP request, parsing events as they come. */
export class SseViewer {
  readonly entries: Entry[] = [];
  readonly events: { event: string; id?: string; data: any }[] = [];
  comments = 0;
  ended = false;
  private buffer = '';

  private constructor(private readonly res: IncomingMessage) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.parse(chunk));
    res.on('end', () => {
      this.ended = true;
    });
    res.on('close', () => {
      this.ended = true;
    });
  }

  static open(base: string, eventId: string, query = '', headers: Record<string, string> = {}): Promise<SseViewer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${base}/v1/events/${eventId}/stream${query ? `?${query}` : ''}`, { headers }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`sse refused: ${res.statusCode}`));
          return;
        }
        resolve(new SseViewer(res));
      });
      req.on('error', reject);
      req.end();
    });
  }

  get lastId(): string | undefined {
    return this.events.filter((e) => e.id !== undefined).at(-1)?.id;
  }

  close(): void {
    this.res.destroy();
  }

  private parse(chunk: string): void {
    this.buffer += chunk;
    let at = this.buffer.indexOf('\n\n');
    while (at >= 0) {
      const block = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      at = this.buffer.indexOf('\n\n');
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      let comment = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comment = true;
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (comment && data.length === 0) {
        this.comments++;
        continue;
      }
      if (data.length === 0) continue;
      const parsed = JSON.parse(data.join('\n'));
      this.events.push(id === undefined ? { event, data: parsed } : { event, id, data: parsed });
      if (event === 'entries') this.entries.push(...parsed.items);
    }
  }
}

/** Long-polls from `after` until `done` says stop; returns every entry received. */
export async function pollUntil(
  base: string,
  eventId: string,
  after: number,
  done: (entries: Entry[]) => boolean,
  timeoutMs = 10_000,
): Promise<Entry[]> {
  const entries: Entry[] = [];
  const until = Date.now() + timeoutMs;
  let cursor = after;
  while (!done(entries)) {
    if (Date.now() > until) throw new Error('timed out polling');
    const res = await api(base, 'GET', `/v1/events/${eventId}/poll?after=${cursor}&timeoutMs=2000`);
    if (res.status !== 200) throw new Error(`poll: ${res.status}`);
    entries.push(...res.body.items);
    if (res.body.items.length > 0) cursor = res.body.items.at(-1).seq;
  }
  return entries;
}
