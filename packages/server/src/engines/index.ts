// Engine selection: the one place that knows which engines run. Embedded (SQLite and in-process
// engines) by default; PostgreSQL when DATABASE_URL is set, Redis for the bus, presence, rate
// limits and duplicate detection when REDIS_URL is set. In a worker process of LC_WORKERS, what
// would be embedded lives in the primary process and is reached over the IPC link (ipc-link.ts).
// Everything else sees the interfaces only.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';
import { IpcBus } from './bus.ipc.js';
import type { Bus } from './bus.js';
import { MemoryBus } from './bus.memory.js';
import { createRedisBus } from './bus.redis.js';
import { type EngineLog, silentLog } from './engine-log.js';
import type { WorkerLink } from './ipc-link.js';
import { IpcPresence } from './presence.ipc.js';
import type { Presence } from './presence.js';
import { MemoryPresence } from './presence.memory.js';
import { createRedisPresence } from './presence.redis.js';
import { IpcRateLimiter } from './rate-limiter.ipc.js';
import type { RateLimiter } from './rate-limiter.js';
import { MemoryRateLimiter } from './rate-limiter.memory.js';
import { createRedisRateLimiter } from './rate-limiter.redis.js';
import { IpcRecentSet } from './recent-set.ipc.js';
import type { RecentSet } from './recent-set.js';
import { MemoryRecentSet } from './recent-set.memory.js';
import { createRedisRecentSet } from './recent-set.redis.js';
import type { Store } from './store.js';
import { createPostgresStore } from './store.postgres.js';
import { IpcWrites } from './store.sqlite.ipc.js';
import { SqliteStore } from './store.sqlite.js';

/** The engines a node runs on. */
export interface Engines {
  store: Store;
  bus: Bus;
  presence: Presence;
  limiter: RateLimiter;
  recent: RecentSet;
}

/** What engine selection reads of the configuration. */
export interface EngineConfig {
  dataDir: string;
  /** One Redis URL, or a Redis Cluster's seed nodes (comma-separated) when `redisCluster`. */
  redisUrl?: string;
  redisCluster?: boolean;
  databaseUrl?: string;
  /** The node's own webhooks (LC_WEBHOOK_URL): with any, every change goes to the webhook outbox. */
  webhookUrls?: string[];
}

/** Options of `createEngines`. */
export interface EngineOptions {
  log?: EngineLog;
  /** This node's id in cluster-wide state (presence); random by default. */
  nodeId?: string;
  /** Connections to PostgreSQL per node. Default 10. */
  poolSize?: number;
  /**
   * Engines the caller brings (tests, embedders), ready to use: they are not built, migrated or
   * closed here (their owner closes them), and no connection is opened for them.
   */
  given?: Partial<Engines>;
  /**
   * In a worker process of LC_WORKERS: the link to the primary, which writes the SQLite file and
   * holds the bus, presence, rate limits and duplicate keys when Redis is not configured.
   */
  link?: WorkerLink;
}

/** Which implementation runs each engine, for the start-up log. */
export type EngineKinds = { [K in keyof Engines]: 'sqlite' | 'postgres' | 'memory' | 'redis' | 'ipc' | 'given' };

/** Engines plus what it takes to release the ones built here and their connections. */
export interface BuiltEngines extends Engines {
  readonly kinds: EngineKinds;
  /** Background work of the networked engines (e.g. `bus_resyncs`, `bus_errors`), for /metrics. */
  counters(): Record<string, number>;
  /** Closes the engines built here, then the connections they were built on (not the given ones). */
  close(): Promise<void>;
}

/** The engines shared by the nodes of a cluster (everything but the store). */
type Shared = Omit<Engines, 'store'>;
type SharedName = keyof Shared;
const SHARED: readonly SharedName[] = ['bus', 'presence', 'limiter', 'recent'];
type Closers = (() => Promise<void>)[];

/**
 * Builds the engines the configuration asks for, except the given ones, migrating a built store.
 * Nothing is built to be thrown away: with every engine given, no file or connection is opened.
 */
export async function createEngines(config: EngineConfig, opts: EngineOptions = {}): Promise<BuiltEngines> {
  const log = opts.log ?? silentLog;
  const given = opts.given ?? {};
  const closers: Closers = [];
  // A given store keeps the outbox choice its owner made when building it.
  const notifyAll = (config.webhookUrls?.length ?? 0) > 0;
  let store = given.store;
  if (!store) {
    store = config.databaseUrl
      ? openPostgres(config.databaseUrl, opts.poolSize ?? 10, log, closers, notifyAll)
      : openSqlite(config.dataDir, closers, notifyAll, opts.link);
    await store.migrate();
  }
  const missing = SHARED.filter((name) => !given[name]);
  let built: Partial<Shared> = {};
  if (missing.length > 0) {
    built = config.redisUrl
      ? await openRedis(config.redisUrl, config.redisCluster ?? false, missing, opts, log, closers)
      : opts.link
        ? openIpc(opts.link, missing, log, closers)
        : openMemory(missing, closers);
  }
  const shared: Shared = {
    bus: given.bus ?? built.bus!,
    presence: given.presence ?? built.presence!,
    limiter: given.limiter ?? built.limiter!,
    recent: given.recent ?? built.recent!,
  };
  const sharedKind = config.redisUrl ? 'redis' : opts.link ? 'ipc' : 'memory';
  return {
    store,
    ...shared,
    kinds: {
      store: given.store ? 'given' : config.databaseUrl ? 'postgres' : 'sqlite',
      bus: given.bus ? 'given' : sharedKind,
      presence: given.presence ? 'given' : sharedKind,
      limiter: given.limiter ? 'given' : sharedKind,
      recent: given.recent ? 'given' : sharedKind,
    },
    counters() {
      const out: Record<string, number> = {};
      for (const [engine, value] of Object.entries(shared)) {
        const counters = (value as { counters?: Record<string, number> }).counters;
        if (counters) for (const [name, n] of Object.entries(counters)) out[`${engine}_${name}`] = n;
      }
      return out;
    },
    async close() {
      // Engines first (they may still talk to their connections), then the connections.
      for (const close of closers.reverse()) {
        await close().catch((err: unknown) => log.warn({ err }, 'closing an engine failed'));
      }
    },
  };
}

/** The SQLite file of a data folder. */
export function sqlitePath(dataDir: string): string {
  return join(dataDir, 'livecomments.db');
}

function openSqlite(dataDir: string, closers: Closers, notifyAll: boolean, link?: WorkerLink): Store {
  mkdirSync(dataDir, { recursive: true });
  const store = new SqliteStore(sqlitePath(dataDir), { notifyAll, ...(link ? { writes: new IpcWrites(link) } : {}) });
  closers.push(() => store.close());
  return store;
}

function openPostgres(url: string, max: number, log: EngineLog, closers: Closers, notifyAll: boolean): Store {
  // A short connect timeout: with the database down, posts fail fast with 503 instead of queueing.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 3000, idleTimeoutMillis: 30_000 });
  const store = createPostgresStore(pool, {
    onError: (err) => log.warn({ err }, 'postgres connection lost; the next query reconnects'),
    notifyAll,
  });
  closers.push(() => pool.end());
  closers.push(() => store.close());
  return store;
}

function openMemory(wanted: readonly SharedName[], closers: Closers): Partial<Shared> {
  const engines: Partial<Shared> = {};
  if (wanted.includes('bus')) engines.bus = new MemoryBus();
  if (wanted.includes('presence')) engines.presence = new MemoryPresence();
  if (wanted.includes('limiter')) engines.limiter = new MemoryRateLimiter();
  if (wanted.includes('recent')) engines.recent = new MemoryRecentSet();
  closers.push(() => closeAll(engines));
  return engines;
}

function openIpc(link: WorkerLink, wanted: readonly SharedName[], log: EngineLog, closers: Closers): Partial<Shared> {
  const engines: Partial<Shared> = {};
  if (wanted.includes('bus')) engines.bus = new IpcBus(link, log);
  if (wanted.includes('presence')) engines.presence = new IpcPresence(link);
  if (wanted.includes('limiter')) engines.limiter = new IpcRateLimiter(link);
  if (wanted.includes('recent')) engines.recent = new IpcRecentSet(link);
  closers.push(() => closeAll(engines));
  return engines;
}

/**
 * Up to three connections: the subscriber (pub/sub mode) and the publisher for the bus, and one
 * for shared state. State commands fail at once while Redis is unreachable (no offline queue),
 * and rate limits and duplicate checks then let posts through, counted and logged: PostgreSQL,
 * not Redis, decides whether a comment is accepted, so a Redis restart does not stop the chat.
 * On a Redis Cluster the bus uses sharded pub/sub (an event's messages stay on the shard that owns
 * its channel) and the state keys that are taken together share a hash tag (the user id).
 */
async function openRedis(
  url: string,
  cluster: boolean,
  wanted: readonly SharedName[],
  opts: EngineOptions,
  log: EngineLog,
  closers: Closers,
): Promise<Partial<Shared>> {
  const name = 'livecomments';
  const engines: Partial<Shared> = {};
  if (wanted.includes('bus')) {
    const sub = connectRedis(url, cluster, { connectionName: `${name}:sub` }, true);
    const pub = connectRedis(url, cluster, { connectionName: `${name}:pub` });
    closers.push(async () => {
      sub.disconnect();
      pub.disconnect();
    });
    engines.bus = createRedisBus(pub, sub, { log, sharded: cluster });
  }
  if (wanted.some((engine) => engine !== 'bus')) {
    const state = connectRedis(url, cluster, {
      connectionName: `${name}:state`,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    state.on('error', (err: Error) => log.warn({ err }, 'redis state connection error'));
    closers.push(async () => state.disconnect());
    await waitReady(state, 5000, log);
    if (wanted.includes('presence')) {
      engines.presence = createRedisPresence(state, { log, ...(opts.nodeId ? { nodeId: opts.nodeId } : {}) });
    }
    if (wanted.includes('limiter')) engines.limiter = createRedisRateLimiter(state, { failOpen: true, log });
    if (wanted.includes('recent')) engines.recent = createRedisRecentSet(state, { failOpen: true, log });
  }
  closers.push(() => closeAll(engines));
  return engines;
}

/**
 * A connection to one Redis, or to a Redis Cluster through its seed nodes (credentials and TLS
 * from the first URL). `subscriber`: the bus's sharded subscriptions go to each channel's shard.
 */
function connectRedis(url: string, cluster: boolean, options: RedisOptions, subscriber = false): Redis | Cluster {
  const urls = url.split(',');
  if (!cluster) return new Redis(urls[0]!, options);
  const first = new URL(urls[0]!);
  const nodes = urls.map((u) => {
    const parsed = new URL(u);
    return { host: parsed.hostname, port: Number(parsed.port || 6379) };
  });
  const { enableOfflineQueue, ...perNode } = options;
  return new Cluster(nodes, {
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    shardedSubscribers: subscriber,
    redisOptions: {
      ...perNode,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}

/** Closes engines one after the other, in the order they were built. */
async function closeAll(engines: Partial<Shared>): Promise<void> {
  for (const engine of Object.values(engines)) await engine.close();
}

/** Waits for a connection to be ready, at most `ms`; a node still starts (and reports not ready). */
async function waitReady(client: Redis | Cluster, ms: number, log: EngineLog): Promise<void> {
  if (client.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<boolean>((resolve) => {
    client.once('ready', () => resolve(true));
    timer = setTimeout(() => resolve(false), ms);
  });
  const ok = await ready;
  clearTimeout(timer);
  if (!ok) log.warn({ ms }, 'redis not reachable at start; continuing, /ready reports it');
}
