// A real server in-process for the SDK's tests: a node on a free port with its own data folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveEvent } from '@livecomments/protocol';
import { createNode, DEFAULTS, type LiveNode } from '@livecomments/server';

/** A running server that can stop and start again on the same port and data folder. */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  node: LiveNode;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a node on a free port with a fresh data folder. */
export async function startServer(): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-client-'));
  const config = { ...DEFAULTS, port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', presenceMs: 200 };
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

/** A development token for `name`. */
export async function token(baseUrl: string, name: string, role = 'viewer'): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/dev/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, role }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** Creates an event owned by the holder of `bearer`. */
export async function createEvent(baseUrl: string, bearer: string, settings = {}): Promise<LiveEvent> {
  const res = await fetch(`${baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ title: 'Test event', settings }),
  });
  return (await res.json()) as LiveEvent;
}

/** Posts a comment over REST. */
export async function postComment(baseUrl: string, bearer: string, eventId: string, text: string): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/events/${eventId}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ text, clientId: `${Date.now()}-${Math.random()}` }),
  });
  if (!res.ok) throw new Error(`post failed: ${res.status} ${await res.text()}`);
}

/** Resolves when `check` holds, polling; rejects after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
