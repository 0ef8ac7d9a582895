// The composition root: builds the engines from the configuration and wires the modules.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { Gauge } from 'prom-client';
import { AnalyticsFollower } from './analytics/follower.js';
import { AnalyticsReports } from './analytics/report.js';
import { UserErasure } from './archive/erasure.js';
import { ChatExport } from './archive/export.js';
import { SearchIndexer } from './archive/indexer.js';
import { RetentionSweeper } from './archive/retention.js';
import { ChatSearch } from './archive/search.js';
import { type Authenticator, createAuthenticator } from './auth/auth.js';
import type { Config } from './config/config.js';
import { type BuiltEngines, createEngines, type Engines } from './engines/index.js';
import type { WorkerLink } from './engines/ipc-link.js';
import { Events } from './events/events.js';
import { Replay } from './events/replay.js';
import { Replies } from './events/replies.js';
import { EventRoles } from './events/roles.js';
import { buildApp } from './http/app.js';
import { clientAddress, trustFunction } from './http/client-address.js';
import { engineMetrics, Metrics } from './http/metrics.js';
import type { HttpServices } from './http/services.js';
import { SocketTracker } from './http/sockets.js';
import { Hub } from './hub/hub.js';
import { BanCache } from './ingest/bans.js';
import { Ingest } from './ingest/ingest.js';
import { Emotes } from './interactions/emotes.js';
import {
  AggregateWindow,
  type InteractionServices,
  interactionServices,
  Likes,
  Reactions,
  topComments,
  topRanker,
} from './interactions/index.js';
import { Pins } from './interactions/pins.js';
import { Polls } from './interactions/polls.js';
import { GroupCommitter } from './log/committer.js';
import { LogFollowers } from './log/followers.js';
import { LogWriter } from './log/writer.js';
import { ModerationActions } from './moderation/actions.js';
import { createModerator, type HookOptions } from './moderation/index.js';
import type { Moderator } from './moderation/moderator.js';
import { Reports } from './moderation/reports.js';
import type { ProxyObserver } from './proxy/call.js';
import { ConnectProxy } from './proxy/connect.js';
import { PostProxy } from './proxy/post.js';
import { BanWatch } from './transports/ban-watch.js';
import { ConnectionLimiter } from './transports/connections.js';
import { attachWebSocket, type WebSocketEndpoint } from './transports/websocket.js';
import { AppError } from './util/errors.js';
import { LogLimit } from './util/log-limit.js';
import { OriginPolicy } from './util/origins.js';
import { SecurityLog } from './util/security-log.js';
import { ShutdownGuard } from './util/shutdown-guard.js';
import { watchStalls } from './util/stall-watch.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import { webhookMetrics } from './webhooks/metrics.js';

export type { Engines } from './engines/index.js';

/**
 * What a node wired: the engines and modules, for tests and embedders. The modules take only
 * their part (http/services.ts, transports/services.ts); nothing below imports this file.
 */
export interface Services extends HttpServices, Engines {
  logger: Logger;
  store: Engines['store'];
  bus: Engines['bus'];
  ingest: Ingest;
  hub: Hub;
  interactions: InteractionServices;
  guard: ShutdownGuard;
  writer: LogWriter;
  webhooks: WebhookDispatcher;
  /** Keeps the search index in step with the log. */
  indexer: SearchIndexer;
  /** Removes comment text past its retention. */
  retention: RetentionSweeper;
}

/** A running node. */
export interface LiveNode {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly services: Services;
  /**
   * Graceful stop within `config.drainMs`: /ready answers 503 and new work is refused at once,
   * long polls are answered, WebSockets closed with 1012, streams ended, what is queued committed;
   * connections still open at the bound are cut, then the engines are released.
   */
  close(): Promise<void>;
}

/** Options beyond the configuration (tests and embedders pass their own parts). */
export interface NodeOptions {
  logger?: Logger;
  /** Engines to use instead of building them; the node closes them when it closes. */
  engines?: Partial<Engines>;
  moderator?: Moderator;
  /** In a worker process of LC_WORKERS: its id and its link to the primary (engines/ipc-link.ts). */
  worker?: { id: number; link: WorkerLink };
}

/** Builds, wires and starts a node listening on `config.port` (0 for any free port). */
export async function createNode(config: Config, options: NodeOptions = {}): Promise<LiveNode> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  mkdirSync(config.dataDir, { recursive: true });
  // Embedded by default, Redis/PostgreSQL when REDIS_URL/DATABASE_URL are set (engines/index.ts);
  // the engines given in the options are used as they are, and only the others are built.
  const built = await createEngines(config, {
    log: logger,
    given: options.engines ?? {},
    ...(options.worker ? { link: options.worker.link } : {}),
  });
  logger.info({ engines: built.kinds }, 'engines ready');
  const engines: Engines = {
    store: built.store,
    bus: built.bus,
    presence: built.presence,
    limiter: built.limiter,
    recent: built.recent,
  };
  const { store, bus, presence, limiter, recent } = engines;

  let hub: Hub | undefined;
  let ws: WebSocketEndpoint | undefined;
  const metrics = new Metrics(() => hub?.counts() ?? { ws: 0, sse: 0, poll: 0 });
  // Each worker answers /metrics for itself: its series carry its id.
  if (options.worker) metrics.registry.setDefaultLabels({ worker: String(options.worker.id) });
  countEngineWork(metrics, built);
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
  const followers = new LogFollowers(function followerFailed(follower, error) {
    metrics.errors.inc({ where: 'follower' });
    logger.error({ err: error, follower }, 'a log follower failed');
  });
  const interactionFailures = new LogLimit(logger, { intervalMs: 60_000, level: 'error', summarise: true });
  function aggregateFailed(error: unknown, where: string): void {
    metrics.errors.inc({ where });
    interactionFailures.log(where, { err: error, where }, 'interaction background failure');
  }
  // Reactions and like counts: one window per node, published on the bus, pushed per window.
  const window = new AggregateWindow(
    {
      publish: (eventId, counts) => bus.publishCounts(eventId, counts),
      push: (eventId, kind, counts) => hub?.pushCounts(eventId, kind, counts),
      error: aggregateFailed,
    },
    config.aggregateWindowMs,
    (eventId, counts) => reactions.published(eventId, counts),
  );
  // Entries of other nodes (and this node's own, back from the bus: the followers drop those).
  bus.listen({
    entries: (eventId, entries) => followers.deliver(eventId, entries),
    resync: () => hub?.resync(),
    counts: (eventId, counts) => window.received(eventId, counts),
  });
  const writer = new LogWriter(committer, bus, followers, function publishFailed(error) {
    metrics.errors.inc({ where: 'publish' });
    logger.error({ err: error }, 'publishing to the bus failed');
  });
  const events = new Events(store, writer, presence, limiter, config.eventsPerHour, config.webhookAllowPrivate);
  const roles = new EventRoles(store, limiter);
  const moderator =
    options.moderator ?? createModerator({ dataDir: config.dataDir, recent, logger, hook: hookFor(config, metrics) });
  const proxyObserver = proxyObserverFor(metrics, new LogLimit(logger, { intervalMs: 60_000, summarise: true }));
  const ingest = new Ingest(
    store,
    events,
    writer,
    limiter,
    moderator,
    bans,
    roles,
    (outcome) => metrics.comments.inc({ outcome }),
    {
      userRatePerMinute: config.userRatePerMinute,
      ...(config.proxyPostUrl ? { postCheck: postProxyFor(config, config.proxyPostUrl, proxyObserver) } : {}),
    },
  );
  const actions = new ModerationActions(store, events, writer, moderator, bans, roles);
  const webhookAttempts = webhookMetrics(metrics.registry, store);
  engineMetrics(metrics.registry, { store, bus });
  const webhookFailures = new LogLimit(logger, { intervalMs: 60_000, level: 'error', summarise: true });
  const webhooks = new WebhookDispatcher(
    store,
    async function eventWebhooks(eventId) {
      const event = await events.get(eventId).catch(() => null);
      return event?.settings.webhooks ?? [];
    },
    {
      nodeUrls: config.webhookUrls,
      ...(config.webhookSecret ? { nodeSecret: config.webhookSecret } : {}),
      allowPrivate: config.webhookAllowPrivate,
      retryMs: config.webhookRetryMs,
      maxAttempts: config.webhookMaxAttempts,
      pollMs: config.webhookPollMs,
      timeoutMs: config.webhookTimeoutMs,
    },
    {
      attempted: (outcome) => webhookAttempts.inc({ outcome }),
      error(error, where) {
        metrics.errors.inc({ where });
        webhookFailures.log(where, { err: error, where }, 'webhook sender failure');
      },
    },
  );
  function interactionFailed(error: unknown): void {
    metrics.errors.inc({ where: 'interactions' });
    logger.error({ err: error }, 'appending a pin or poll entry failed');
  }
  const pins = new Pins(store, events, roles, writer, limiter, bans, interactionFailed);
  const polls = new Polls(store, events, roles, writer, limiter, bans, interactionFailed);
  const reports = new Reports(store, events, limiter, bans);
  const reactions = new Reactions(
    { store, events, limiter, bans, window, error: aggregateFailed },
    config.reactionSaveMs,
  );
  const likes = new Likes({ store, events, limiter, bans, window });
  const interactions = interactionServices(reactions, likes, (eventId, limit) =>
    topComments({ store, events }, eventId, limit),
  );
  const archiveFailures = new LogLimit(logger, { intervalMs: 60_000, level: 'error', summarise: true });
  function archiveFailed(where: 'search-index' | 'retention') {
    return function failed(error: unknown): void {
      metrics.errors.inc({ where });
      archiveFailures.log(where, { err: error, where }, 'chat archive background failure');
    };
  }
  const indexer = new SearchIndexer(store, { sweepMs: config.searchSweepMs, failed: archiveFailed('search-index') });
  const retention = new RetentionSweeper(store, {
    defaultDays: config.retentionDays > 0 ? config.retentionDays : null,
    sweepMs: config.retentionSweepMs,
    failed: archiveFailed('retention'),
  });
  // The owner's analytics: a log follower counting into per-minute rows (analytics/follower.ts).
  const analyticsFailures = new LogLimit(logger, { intervalMs: 60_000, level: 'error', summarise: true });
  const analytics = new AnalyticsFollower(
    {
      store,
      error(error, where) {
        metrics.errors.inc({ where: 'analytics' });
        analyticsFailures.log(where, { err: error, where }, 'analytics background failure');
      },
    },
    { flushMs: config.analyticsFlushMs },
  );
  const analyticsReports = new AnalyticsReports({
    store,
    events,
    roles,
    bans,
    async catchUp(eventId, lastSeq) {
      // This node's reactions not yet saved, and the entries not yet counted.
      await reactions.save();
      await analytics.catchUp(eventId, lastSeq);
    },
  });
  // Cut-offs and background failures come in bursts (a slow network, a database outage).
  const slowCutoffs = new LogLimit(logger, { intervalMs: 60_000, summarise: true });
  const hubFailures = new LogLimit(logger, { intervalMs: 60_000, level: 'error', summarise: true });
  hub = new Hub(
    store,
    bus,
    presence,
    { ...config, ranker: topRanker, slowStepDown: config.slowStepDown },
    {
      flushed(seconds, batch, frames, ages) {
        metrics.flush.observe(seconds);
        for (const age of ages) metrics.latency.observe(age);
        metrics.batches.inc();
        metrics.frames.inc(frames);
        metrics.entries.inc(frames * batch.jsons.length);
        metrics.bytes.inc(batch.bytes);
      },
      steppedDown() {
        metrics.steppedDown.inc();
      },
      slowCutoff() {
        metrics.slow.inc();
        slowCutoffs.log('slow', {}, 'slow viewers cut off (their sockets did not drain)');
      },
      error(error, where) {
        metrics.errors.inc({ where });
        hubFailures.log(where, { err: error, where }, 'hub background failure');
      },
      filled: (eventId, entries) => followers.deliver(eventId, entries),
      viewers: (eventId, viewers) => analytics.sampleViewers(eventId, viewers),
    },
  );

  const auth = authenticatorFor(config);
  const guard = new ShutdownGuard();
  const security = new SecurityLog(logger, { perSecond: config.securityLogPerSecond });
  const trust = trustFunction(config.trustProxy);
  const banWatch = new BanWatch();
  const services: Services = {
    ...engines,
    config,
    logger,
    auth,
    proxy: config.proxyConnectUrl ? connectProxyFor(config, config.proxyConnectUrl, proxyObserver, events) : null,
    events,
    ingest,
    actions,
    roles,
    reports,
    replies: new Replies(store, events),
    replay: new Replay(store, events),
    search: new ChatSearch(store, roles, bans, limiter, {
      scanRows: config.searchScanRows,
      perMinute: config.searchPerMinute,
    }),
    exports: new ChatExport(store, roles, bans),
    erasure: new UserErasure({ store, append: (item) => writer.append(item) }),
    indexer,
    retention,
    pins,
    polls,
    emotes: new Emotes({ store, events, limiter, hosts: config.emoteHosts }),
    interactions,
    analytics: analyticsReports,
    hub,
    writer,
    webhooks,
    metrics,
    bans,
    banWatch,
    connections: new ConnectionLimiter(config.maxConnectionsPerIp, security),
    guard,
    security,
    clientIp: (req) => clientAddress(trust, req),
    origins: new OriginPolicy(config.allowedOrigins),
  };
  const app = buildApp(services);
  const sockets = new SocketTracker(app.server);
  ws = attachWebSocket(app.server, services);
  // The log followers, in one place (nothing is appended before the node listens): each sees
  // every entry once, committed here or on another node. The hub comes first, so this node's
  // viewers get its own posts at once, without the bus.
  followers.register(hub);
  followers.register(bans);
  followers.register(events);
  followers.register(banWatch);
  followers.register(pins);
  followers.register(polls);
  followers.register(indexer);
  followers.register(analytics);
  await app.listen({ port: config.port, host: config.host });
  webhooks.start();
  indexer.start();
  retention.start();
  const stalls = watchStalls(logger);
  const port = (app.server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  let closing: Promise<void> | null = null;
  async function close(): Promise<void> {
    const until = Date.now() + config.drainMs;
    guard.closing = true;
    // /ready answers 503 now; viewers stay live a while, until the load balancer has noticed.
    if (config.drainCloseDelayMs > 0) await new Promise((r) => setTimeout(r, config.drainCloseDelayMs));
    stalls.stop();
    pins.close();
    polls.close();
    // Every viewer is let go at once, where it stands, so it resumes on another node.
    await hub!.close('shutdown');
    ws!.close();
    await beforeBound(writer.drain(), until).catch((error) => logger.error({ err: error }, 'final commit failed'));
    // The last window goes out, and this node's reaction totals into the store.
    window.close();
    await beforeBound(reactions.close(), until).catch((error) =>
      logger.error({ err: error }, 'saving reaction totals failed'),
    );
    await beforeBound(analytics.close(), until).catch((error) =>
      logger.error({ err: error }, 'writing the analytics failed'),
    );
    if (!(await sockets.settle(until))) {
      logger.warn({ connections: sockets.size, drainMs: config.drainMs }, 'drain bound reached; cutting connections');
    }
    sockets.destroyAll();
    await app.close();
    await webhooks.stop();
    await indexer.stop();
    await retention.stop();
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

/** The authenticator the configuration asks for (a JWT secret, a JWKS URL or development tokens). */
function authenticatorFor(config: Config): Authenticator {
  return createAuthenticator({
    ...(config.jwtSecret ? { jwtSecret: config.jwtSecret } : {}),
    ...(config.jwksUrl ? { jwksUrl: config.jwksUrl } : {}),
    ...(config.jwtIssuer ? { issuer: config.jwtIssuer } : {}),
    ...(config.jwtAudience ? { audience: config.jwtAudience } : {}),
    requireExp: config.jwtRequireExp,
    devTokens: config.devTokens,
    dataDir: config.dataDir,
  });
}

/** The operator's classifier hook, counted on /metrics; none without `LC_MODERATION_URL`. */
function hookFor(config: Config, metrics: Metrics): HookOptions | undefined {
  if (!config.moderationUrl) return undefined;
  return {
    url: config.moderationUrl,
    timeoutMs: config.moderationTimeoutMs,
    batchMs: config.moderationBatchMs,
    maxBatch: config.moderationMaxBatch,
    observer: {
      answered(seconds, comments) {
        metrics.hookSeconds.observe(seconds);
        metrics.hookBatch.observe(comments);
      },
      failed(kind, comments) {
        metrics.hookFailures.inc({ kind }, comments);
      },
    },
  };
}

/** Where the app's proxies report: /metrics, and a log line per kind a minute (never request data). */
function proxyObserverFor(metrics: Metrics, log: LogLimit): ProxyObserver {
  return {
    called(proxy, seconds, outcome) {
      if (outcome !== 'overload') metrics.proxySeconds.observe({ proxy }, seconds);
      metrics.proxyCalls.inc({ proxy, outcome });
    },
    looked(result) {
      metrics.proxyLookups.inc({ result });
    },
    warn(kind, message, details = {}) {
      log.log(kind, details, message);
    },
  };
}

/** The app's connect proxy (`LC_PROXY_CONNECT_URL`); unknown events are refused before it is asked. */
function connectProxyFor(config: Config, url: string, observer: ProxyObserver, events: Events): ConnectProxy {
  return new ConnectProxy({
    url,
    timeoutMs: config.proxyTimeoutMs,
    ...(config.proxySecret ? { secret: config.proxySecret } : {}),
    cacheMs: config.proxyCacheMs,
    cacheSize: config.proxyCacheSize,
    headers: config.proxyHeaders,
    cookies: config.proxyCookies,
    always: config.proxyConnectAlways,
    roles: config.proxyRoles,
    failOpen: config.proxyConnectFail === 'open',
    observer,
    async eventExists(eventId) {
      try {
        await events.get(eventId);
        return true;
      } catch (error) {
        // Only a known absence refuses; a store that cannot answer leaves the decision to the app.
        return !(error instanceof AppError && error.code === 'not_found');
      }
    },
  });
}

/** The app's post proxy (`LC_PROXY_POST_URL`). */
function postProxyFor(config: Config, url: string, observer: ProxyObserver): PostProxy {
  return new PostProxy({
    url,
    timeoutMs: config.proxyTimeoutMs,
    ...(config.proxySecret ? { secret: config.proxySecret } : {}),
    failOpen: config.proxyPostFail === 'open',
    observer,
  });
}

/** Exports the engines' background counters on /metrics. */
function countEngineWork(metrics: Metrics, built: Pick<BuiltEngines, 'counters'>): void {
  new Gauge({
    name: 'lc_engine_background',
    help: 'Background work of the Redis engines so far (messages, errors, resyncs), by engine and counter',
    labelNames: ['counter'],
    registers: [metrics.registry],
    collect() {
      for (const [counter, n] of Object.entries(built.counters())) this.set({ counter }, n);
    },
  });
}

/** Waits for `work` until `until` (a Date.now() time); rejects if the bound comes first. */
async function beforeBound<T>(work: Promise<T>, until: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('not done within the drain bound')), Math.max(0, until - Date.now()));
  });
  try {
    return await Promise.race([work, bound]);
  } finally {
    clearTimeout(timer);
  }
}
