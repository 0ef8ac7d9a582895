// A node for tests of code that talks to the server (the SDK, the pages, embedders' own suites):
// a real server on a free port with a fresh data folder, that can stop and start again on the
// same port and folder (to test reconnects).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
