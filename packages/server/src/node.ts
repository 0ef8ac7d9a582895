// The composition root: builds the engines from the configuration and wires the modules.
import { mkdirSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { Gauge } from 'prom-client';
import { type Authenticator, createAuthenticator } from './auth/auth.js';
import type { Config } from './config/config.js';
import { createEngines, type Engines } from './engines/index.js';
import { Events } from './events/events.js';
import { buildApp, clientIp } from './http/app.js';
import { Metrics } from './http/metrics.js';
import { Hub } from './hub/hub.js';
import { BanCache } from './ingest/bans.js';
import { GroupCommitter } from './ingest/committer.js';
import { Ingest } from './ingest/ingest.js';
import { LogWriter } from './ingest/log-writer.js';
import { ModerationActions } from './moderation/actions.js';
import { createModerator } from './moderation/index.js';
import type { Moderator } from './moderation/moderator.js';
import { ConnectionLimiter } from './transports/connections.js';
import { attachWebSocket } from './transports/websocket.js';
import { errors } from './util/errors.js';
import { watchStalls } from './util/stall-watch.js';

export type { Engines } from './engines/index.js';

/** Refuses new work once shutdown has begun. */
export class ShutdownGuard {
  closing = false;

  assertOpen(): void {
    if (this.closing) throw errors.unavailable('the server is shutting down; retry on another node');
  }
}

/** Everything the routes and transports use. */
export interface Services extends Engines {
  config: Config;
  logger: Logger;
  auth: Authenticator;
  events: Events;
  ingest: Ingest;
  actions: ModerationActions;
  hub: Hub;
  writer: LogWriter;
  metrics: Metrics;
  connections: ConnectionLimiter;
  guard: ShutdownGuard;
  clientIp(req: IncomingMessage): string;
}

/** A running node. */
export interface LiveNode {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly services: Services;
  /** Graceful stop: refuse new work, commit what is queued, close sockets (1012), release engines. */
  close(): Promise<void>;
}

/** Options beyond the configuration (tests and embedders pass their own parts). */
export interface NodeOptions {
  logger?: Logger;
  engines?: Partial<Engines>;
  moderator?: Moderator;
}

/** Builds the embedded engines: SQLite in the data folder and in-process everything else. */
export async function createEmbeddedEngines(config: Config): Promise<Engines> {
  return createEngines({ dataDir: config.dataDir });
}

/** Builds, wires and starts a node listening on `config.port` (0 for any free port). */
export async function createNode(config: Config, options: NodeOptions = {}): Promise<LiveNode> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  mkdirSync(config.dataDir, { recursive: true });
  // Embedded by default, Redis/PostgreSQL when REDIS_URL/DATABASE_URL are set (engines/index.ts).
  const built = await createEngines(config, { log: logger });
  logger.info({ engines: built.kinds }, 'engines ready');
  const engines: Engines = {
    store: built.store,
    bus: built.bus,
    presence: built.presence,
    limiter: built.limiter,
    recent: built.recent,
    ...options.engines,
  };
  const { store, bus, presence, limiter, recent } = engines;

  let hub: Hub | undefined;
  const metrics = new Metrics(() => hub?.counts() ?? { ws: 0, sse: 0, poll: 0 });
  new Gauge({
    name: 'lc_engine_background',
    help: 'Background work of the Redis engines so far (messages, errors, resyncs), by engine and counter',
    labelNames: ['counter'],
    registers: [metrics.registry],
    collect() {
      for (const [counter, n] of Object.entries(built.counters())) this.set({ counter }, n);
    },
  });
  const committer = new GroupCommitter(store, {
    windowMs: config.commitWindowMs,
    maxBatch: 500,
    maxInFlight: store.appendsInFlight ?? 1,
    onCommit(seconds, items) {
      metrics.commit.observe(seconds);
      metrics.commitSize.observe(items);
    },
  });
  const bans = new BanCache(store);
  const writer = new LogWriter(
    committer,
    bus,
    function publishFailed(error) {
      metrics.errors.inc({ where: 'publish' });
      logger.error({ err: error }, 'publishing to the bus failed');
    },
    (eventId, entry) => bans.note(eventId, entry),
  );
  const events = new Events(store, writer, presence);
  const moderator = options.moderator ?? createModerator({ dataDir: config.dataDir, recent, logger });
  const ingest = new Ingest(store, events, writer, limiter, moderator, bans, (outcome) =>
    metrics.comments.inc({ outcome }),
  );
  const actions = new ModerationActions(store, events, writer, moderator);
  hub = new Hub(store, bus, presence, config, {
    flushed(seconds, batch, frames) {
      metrics.flush.observe(seconds);
      metrics.batches.inc();
      metrics.frames.inc(frames);
      metrics.entries.inc(frames * batch.jsons.length);
      metrics.bytes.inc(batch.bytes);
    },
    slowCutoff: () => metrics.slow.inc(),
    error(error, where) {
      metrics.errors.inc({ where });
      logger.error({ err: error, where }, 'hub background failure');
    },
    entry(eventId, entry) {
      events.noteEntry(eventId, entry);
      bans.note(eventId, entry);
    },
  });

  const auth = createAuthenticator({
    ...(config.jwtSecret ? { jwtSecret: config.jwtSecret } : {}),
    ...(config.jwksUrl ? { jwksUrl: config.jwksUrl } : {}),
    devTokens: config.devTokens,
    dataDir: config.dataDir,
  });
  const guard = new ShutdownGuard();
  const services: Services = {
    ...engines,
    config,
    logger,
    auth,
    events,
    ingest,
    actions,
    hub,
    writer,
    metrics,
    connections: new ConnectionLimiter(config.maxConnectionsPerIp),
    guard,
    clientIp: (req) => clientIp(config.trustProxy, req),
  };
  const app = buildApp(services);
  const ws = attachWebSocket(app.server, services);
  await app.listen({ port: config.port, host: config.host });
  const stalls = watchStalls(logger);
  const port = (app.server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  let closing: Promise<void> | null = null;
  async function close(): Promise<void> {
    guard.closing = true;
    stalls.stop();
    await writer.drain().catch((error) => logger.error({ err: error }, 'final commit failed'));
    await hub!.close('shutdown');
    ws.close();
    await app.close();
    await moderator.close();
    // Engines passed in options are closed here; the built ones with their connections.
    for (const engine of Object.values(options.engines ?? {})) {
      await engine.close().catch((error) => logger.error({ err: error }, 'closing an engine failed'));
    }
    await built.close();
  }

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    app,
    services,
    close: () => (closing ??= close()),
  };
}
