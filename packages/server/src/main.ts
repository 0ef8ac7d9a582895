#!/usr/bin/env node
// Starts a node from the environment (docs/API.md "Configuration") and stops it on SIGTERM. With
// LC_WORKERS above 1 this process becomes the primary of that many worker processes, each a node
// (cluster/primary.ts), and the same file runs in each worker.
import cluster from 'node:cluster';
import { hostname } from 'node:os';
import pino from 'pino';
import { startPrimary } from './cluster/primary.js';
import { ConfigError, loadConfig } from './config/config.js';
import { type IpcEnd, WorkerLink } from './engines/ipc-link.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`livecomments: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (config.workers > 1 && cluster.isPrimary) return primary(config);
  // Before the node, so its first post is traced; without an OTLP endpoint the SDK is not even loaded.
  const tracing = config.otlpTracesUrl
    ? (await import('./telemetry/otel.js')).startTracing({
        url: config.otlpTracesUrl,
        sample: config.traceSample,
        serviceName: config.serviceName,
        instanceId: `${hostname()}:${process.pid}`,
      })
    : undefined;
  const id = cluster.worker?.id;
  // Loaded here, not on top: the primary of the workers never runs a node and keeps its memory small.
  const { createNode } = await import('./node.js');
  const node = await createNode(
    config,
    id === undefined
      ? {}
      : { worker: { id, link: workerLink() }, logger: pino({ level: config.logLevel }).child({ worker: id }) },
  );
  const { logger } = node.services;
  logger.info(
    { url: node.url, dataDir: config.dataDir, devTokens: config.devTokens },
    `livecomments listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${node.port}`,
  );
  if (config.devTokens && !/^(localhost|127\.[0-9.]+|::1)$/.test(config.host)) {
    logger.warn(
      { host: config.host },
      'development tokens are on and the server is reachable from other machines: anyone can sign in ' +
        'as a viewer (privileged roles only from this machine); set LC_JWT_SECRET or LC_JWKS_URL for real use',
    );
  }

  let stopping = false;
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // node.close() keeps to LC_DRAIN_MS; this is the last resort if something hangs past it.
    const force = setTimeout(() => process.exit(1), config.drainMs + 5_000);
    force.unref();
    await node.close();
    await tracing?.shutdown().catch((err: unknown) => logger.warn({ err }, 'flushing traces failed'));
    logger.info('stopped');
    process.exit(0);
  }
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** The primary of the workers: starts them, restarts a dead one, stops them all on a signal. */
async function primary(config: ReturnType<typeof loadConfig>): Promise<void> {
  const logger = pino({ level: config.logLevel }).child({ primary: true });
  const running = await startPrimary(config, logger);
  async function stop(signal: string): Promise<void> {
    await running.stop(signal);
    logger.info('stopped');
    process.exit(0);
  }
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** A worker's link to its primary, over the process's IPC channel. */
function workerLink(): WorkerLink {
  const end: IpcEnd = {
    send: (message) => process.send!(message),
    on: (event, handler) => process.on(event, handler),
    off: (event, handler) => process.off(event, handler),
  };
  const link = new WorkerLink(end);
  // The primary is gone: node:cluster ends this worker; what waits on the link fails first.
  process.once('disconnect', () => link.lost());
  return link;
}

main().catch((error: unknown) => {
  process.stderr.write(`livecomments: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
