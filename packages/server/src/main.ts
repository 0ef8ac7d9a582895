#!/usr/bin/env node
// Starts a node from the environment (docs/API.md "Configuration") and stops it on SIGTERM.
import { hostname } from 'node:os';
import { ConfigError, loadConfig } from './config/config.js';
import { createNode } from './node.js';

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
  // Before the node, so its first post is traced; without an OTLP endpoint the SDK is not even loaded.
  const tracing = config.otlpTracesUrl
    ? (await import('./telemetry/otel.js')).startTracing({
        url: config.otlpTracesUrl,
        sample: config.traceSample,
        serviceName: config.serviceName,
        instanceId: `${hostname()}:${process.pid}`,
      })
    : undefined;
  const node = await createNode(config);
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

main().catch((error: unknown) => {
  process.stderr.write(`livecomments: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
