import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { SEARCH_SCAN_ROWS } from '../engines/search.js';
import { canonicalOrigin } from '../util/origins.js';

/** Server configuration, read from the environment and validated at start (docs/API.md). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /**
   * Worker processes behind the one port (LC_WORKERS; `auto`: one per available core). 1 runs
   * the node in this process, as always; more start a primary that holds the SQLite writer and
   * the machine's shared state, with the workers as nodes (cluster/primary.ts).
   */
  workers: number;
  /** HS256 secret for tokens; with it (or a JWKS URL) dev tokens are off. */
  jwtSecret?: string;
  jwksUrl?: string;
  /** When set, a token's `iss` must equal it. */
  jwtIssuer?: string;
  /** When set, a token's `aud` must include it. */
  jwtAudience?: string;
  /** Refuse tokens without `exp` (on by default: a token without one would be good forever). */
  jwtRequireExp: boolean;
  /** One Redis URL, or a Redis Cluster's seed nodes as comma-separated URLs. */
  redisUrl?: string;
  /** Treat REDIS_URL as a Redis Cluster (sharded pub/sub); on by default when it lists several nodes. */
  redisCluster?: boolean;
  databaseUrl?: string;
  /** Whether `POST /v1/dev/tokens` works; on unless a secret or JWKS URL is set, never beside one. */
  devTokens: boolean;
  logLevel: string;
  /** The shortest flush window of a busy event: the hub gathers new entries at least this long. */
  flushMs: number;
  /** The longest flush window: under load the window grows with the time flushes take, up to this. */
  maxFlushMs: number;
  /** How long the store gathers appends into one transaction while another commit is in flight (an idle store commits at once). */
  commitWindowMs: number;
  /** A subscriber whose unsent bytes pass this is cut off (it resumes). */
  maxBufferedBytes: number;
  /**
   * A live subscriber past `maxBufferedBytes` is first stepped down to the sampled tier of
   * `SLOW_TIER_RATE` comments a second (docs/API.md "Sampled tier"), and cut off only if it
   * stays slow there.
   */
  slowStepDown: boolean;
  /** Connections (WebSocket, SSE, long polls) per client address; 0 for no limit. */
  maxConnectionsPerIp: number;
  /** The largest resume distance served; further back gets a reset. */
  maxCatchUp: number;
  /** Recent entries kept in memory per active event. */
  ringSize: number;
  wsPingMs: number;
  /**
   * permessage-deflate on WebSockets (docs/API.md "Compression"): offered to clients that ask,
   * each batch compressed once and the same bytes sent to every connection that negotiated it.
   */
  wsDeflate: boolean;
  /** Frames shorter than this go out uncompressed even on a connection that negotiated deflate. */
  wsDeflateMinBytes: number;
  sseHeartbeatMs: number;
  /** Presence pushes happen at most this often. */
  presenceMs: number;
  /** Reactions and like counts are pushed once per window of this length (docs/ARCHITECTURE.md). */
  aggregateWindowMs: number;
  /** Reaction totals are written to the store this often. */
  reactionSaveMs: number;
  /** The analytics follower writes its per-minute counts this often. */
  analyticsFlushMs: number;
  /**
   * Which proxies' X-Forwarded-For to believe: a hop count (0: none, 1: the right-most entry) or
   * the proxies' addresses and CIDRs (http/client-address.ts).
   */
  trustProxy: TrustProxy;
  /** How long a client may take to send a request's headers. */
  headersTimeoutMs: number;
  /** How long a client may take to send a whole request (body included); 0 for no bound. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number;
  /** Comments per minute of one user across all events (on top of each event's limit); 0 for off. */
  userRatePerMinute: number;
  /** Events one user may create per hour (all at once, then one every hour / n); 0 for no limit. */
  eventsPerHour: number;
  /** OTLP/HTTP traces URL; tracing is off without one (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT). */
  otlpTracesUrl?: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); `/v1/traces` is added. */
  otlpUrl?: string;
  /** The share of new traces kept (LC_TRACE_SAMPLE, 0 to 1). */
  traceSample: number;
  /** `service.name` of the traces (OTEL_SERVICE_NAME). */
  serviceName: string;
  /** The longest graceful stop: viewers and requests still open after it are cut. */
  drainMs: number;
  /** On SIGTERM, viewers stay connected this long (while /ready answers 503) before 1012 (LC_DRAIN_CLOSE_DELAY_MS). */
  drainCloseDelayMs: number;
  /** Request log lines a second at most (LC_REQUEST_LOG_PER_SECOND; 0: off); server errors are logged apart. */
  requestLogPerSecond: number;
  /** Security log lines a second at most (LC_SECURITY_LOG_PER_SECOND; 0: off), the rest counted. */
  securityLogPerSecond: number;
  /** The node's own webhooks (LC_WEBHOOK_URL, comma-separated): every notification of every event. */
  webhookUrls: string[];
  /** The key that signs deliveries to `webhookUrls` (required with them). */
  webhookSecret?: string;
  /** Whether events' own webhooks may target private and loopback addresses (off: SSRF). */
  webhookAllowPrivate: boolean;
  /** The first retry's delay; each further one doubles it (with jitter), up to an hour. */
  webhookRetryMs: number;
  /** Attempts before a delivery is dead (kept for the dead-letter view). */
  webhookMaxAttempts: number;
  /** How often the sender looks for new notifications and due retries. */
  webhookPollMs: number;
  /** How long one attempt may take (a slow receiver counts as failed and is retried). */
  webhookTimeoutMs: number;
  /** Days comment text is kept when the event sets no `retentionDays`; 0 keeps it for ever. */
  retentionDays: number;
  /** How often the retention sweep runs. */
  retentionSweepMs: number;
  /** How often the search index looks for events it is behind on (other nodes' entries, restarts). */
  searchSweepMs: number;
  /** The most index rows one search page examines before it answers with a `next` cursor. */
  searchScanRows: number;
  /** Searches per minute per user (per address without a token), across events; 0: no limit. */
  searchPerMinute: number;
  /**
   * Web origins allowed on every event (CORS, framing `/embed/:eventId`, WebSocket Origin);
   * empty: the node's own origin only.
   */
  allowedOrigins: string[];
  /** Hosts whose https pictures owners may use as emotes (LC_EMOTE_HOSTS); empty: uploads only. */
  emoteHosts: string[];
  /** A team's own classifier, asked about each comment the rules let through (moderation/hook.ts); off when absent. */
  moderationUrl?: string;
  /** How long the classifier may take to answer one request, in ms (past it: fail-open or fail-closed per event). */
  moderationTimeoutMs: number;
  /** How long comments are gathered into one classifier request, in ms. */
  moderationBatchMs: number;
  /** Most comments in one classifier request. */
  moderationMaxBatch: number;
  /** The app's connect proxy (proxy/connect.ts): asked who a request without a token is; off when absent. */
  proxyConnectUrl?: string;
  /** The app's post proxy (proxy/post.ts): asked whether a comment may be posted; off when absent. */
  proxyPostUrl?: string;
  /** Budget of one proxy request, from sending to the parsed answer. */
  proxyTimeoutMs: number;
  /** How long a connect answer is kept (an answer's `cacheMs` may shorten it); 0: not kept. */
  proxyCacheMs: number;
  /** Most connect answers kept at once. */
  proxyCacheSize: number;
  /** Request headers (lower case) sent to the connect proxy; never `cookie` or `authorization`. */
  proxyHeaders: string[];
  /** Cookies (by name) sent to the connect proxy. */
  proxyCookies: string[];
  /** Ask the connect proxy even when the request carries a token (sent along, not checked as a JWT). */
  proxyConnectAlways: boolean;
  /** Roles beyond `viewer` the connect proxy may grant (`moderator`, `admin`, `service`); none by default. */
  proxyRoles: string[];
  /** When the connect proxy fails: refuse (`closed`, 503 `proxy_unavailable`) or go on without a user (`open`). */
  proxyConnectFail: 'closed' | 'open';
  /** When the post proxy fails: refuse the post (`closed`) or accept it as if allowed (`open`). */
  proxyPostFail: 'closed' | 'open';
  /** Signs proxy requests (`X-Livecomments-Signature`, as webhooks) so the app knows they come from the node. */
  proxySecret?: string;
}

/** Trusted proxies: a hop count, or addresses, CIDRs and the names `loopback`, `linklocal`, `uniquelocal`. */
export type TrustProxy = number | string[];

/** Defaults for everything but the required values. */
export const DEFAULTS: Config = {
  port: 8080,
  // Loopback while development tokens are on; `0.0.0.0` once a secret or JWKS URL is set.
  host: 'localhost',
  dataDir: './data',
  workers: 1,
  jwtRequireExp: true,
  devTokens: true,
  logLevel: 'info',
  flushMs: 5,
  maxFlushMs: 40,
  commitWindowMs: 2,
  maxBufferedBytes: 1024 * 1024,
  slowStepDown: true,
  maxConnectionsPerIp: 1000,
  maxCatchUp: 10_000,
  ringSize: 1024,
  wsPingMs: 30_000,
  wsDeflate: true,
  wsDeflateMinBytes: 256,
  sseHeartbeatMs: 15_000,
  presenceMs: 2_000,
  aggregateWindowMs: 250,
  reactionSaveMs: 5_000,
  analyticsFlushMs: 1_000,
  trustProxy: 0,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 72_000,
  userRatePerMinute: 120,
  eventsPerHour: 30,
  drainMs: 5_000,
  traceSample: 0.01,
  serviceName: 'livecomments',
  drainCloseDelayMs: 0,
  requestLogPerSecond: 20,
  securityLogPerSecond: 50,
  webhookUrls: [],
  webhookAllowPrivate: false,
  webhookRetryMs: 1_000,
  webhookMaxAttempts: 15,
  webhookPollMs: 500,
  webhookTimeoutMs: 10_000,
  retentionDays: 0,
  retentionSweepMs: 3_600_000,
  searchSweepMs: 30_000,
  searchScanRows: SEARCH_SCAN_ROWS,
  searchPerMinute: 120,
  allowedOrigins: [],
  emoteHosts: [],
  moderationTimeoutMs: 50,
  moderationBatchMs: 2,
  moderationMaxBatch: 32,
  proxyTimeoutMs: 500,
  proxyCacheMs: 30_000,
  proxyCacheSize: 10_000,
  proxyHeaders: [],
  proxyCookies: [],
  proxyConnectAlways: false,
  proxyRoles: [],
  proxyConnectFail: 'closed',
  proxyPostFail: 'closed',
};

/** A configuration problem, reported at start with the variable's name. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Parses one variable's text; throws a ConfigError naming it. */
type Parse = (name: string, value: string) => string | number | boolean | string[];

const text: Parse = (_name, value) => value;
const int =
  (min: number, max: number): Parse =>
  (name, value) =>
    integer(name, value, min, max);
const urlWith =
  (...protocols: string[]): Parse =>
  (name, value) =>
    url(name, value, protocols);
const secret: Parse = (name, value) => {
  if (value.length < 32) throw new ConfigError(`${name} must be at least 32 characters`);
  return value;
};
/** One redis(s) URL or several, comma-separated (a cluster's seed nodes, at most 10). */
const redisUrls: Parse = (name, value) => {
  const urls = value.split(',').map((u) => u.trim());
  if (urls.length > 10) throw new ConfigError(`${name} takes at most 10 URLs`);
  for (const u of urls) url(name, u, ['redis:', 'rediss:']);
  return urls.join(',');
};
/** A share between 0 and 1. */
const ratio: Parse = (name, value) => {
  const n = Number(value);
  if (!/^(0|1|0?\.[0-9]+|1\.0*)$/.test(value.trim()) || !(n >= 0 && n <= 1)) {
    throw new ConfigError(`${name} must be a number from 0 to 1`);
  }
  return n;
};
/** A comma-separated list of http(s) URLs (at most 10). */
const urlList: Parse = (name, value) => {
  const urls = value.split(',').map((u) => u.trim());
  if (urls.length > 10) throw new ConfigError(`${name} takes at most 10 URLs`);
  for (const u of urls) url(name, u, ['http:', 'https:']);
  return urls;
};
/** One host name: lower-case letters, digits, dots and dashes (no scheme, port or path). */
const HOST = /^[a-z0-9][a-z0-9.-]{0,252}$/;
/** A comma-separated list of host names (at most 20). */
const hostList: Parse = (name, value) => {
  const hosts = value
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h.length > 0);
  if (hosts.length > 20) throw new ConfigError(`${name} takes at most 20 hosts`);
  for (const h of hosts) {
    if (!HOST.test(h)) throw new ConfigError(`${name}: "${h}" is not a host name (lower case, no scheme or path)`);
  }
  return hosts;
};
/** A number of worker processes, or `auto` for one per available core. */
const workerCount: Parse = (name, value) => {
  if (value.trim() === 'auto') return availableParallelism();
  if (!/^[0-9]+$/.test(value)) throw new ConfigError(`${name} must be a whole number or auto, got "${value}"`);
  return integer(name, value, 1, 256);
};
const level: Parse = (name, value) => {
  if (!LEVELS.has(value)) throw new ConfigError(`${name} must be one of ${[...LEVELS].join(', ')}`);
  return value;
};

/** Known variables: name -> the config field it sets and how to parse it. */
const SETTINGS: Record<string, [keyof Config, Parse]> = {
  PORT: ['port', int(0, 65535)],
  HOST: ['host', text],
  LC_DATA_DIR: ['dataDir', text],
  LC_WORKERS: ['workers', workerCount],
  LC_JWT_SECRET: ['jwtSecret', secret],
  LC_JWKS_URL: ['jwksUrl', urlWith('http:', 'https:')],
  LC_JWT_ISSUER: ['jwtIssuer', text],
  LC_JWT_AUDIENCE: ['jwtAudience', text],
  LC_JWT_REQUIRE_EXP: ['jwtRequireExp', boolean],
  REDIS_URL: ['redisUrl', redisUrls],
  LC_REDIS_CLUSTER: ['redisCluster', boolean],
  DATABASE_URL: ['databaseUrl', urlWith('postgres:', 'postgresql:')],
  LC_DEV_TOKENS: ['devTokens', boolean],
  LC_LOG_LEVEL: ['logLevel', level],
  LC_FLUSH_MS: ['flushMs', int(0, 1000)],
  LC_MAX_FLUSH_MS: ['maxFlushMs', int(0, 1000)],
  LC_COMMIT_WINDOW_MS: ['commitWindowMs', int(0, 1000)],
  LC_MAX_BUFFERED_BYTES: ['maxBufferedBytes', int(1024, 1 << 30)],
  LC_SLOW_STEP_DOWN: ['slowStepDown', boolean],
  LC_MAX_CONNECTIONS_PER_IP: ['maxConnectionsPerIp', int(0, 10_000_000)],
  LC_MAX_CATCH_UP: ['maxCatchUp', int(1, 10_000_000)],
  LC_RING_SIZE: ['ringSize', int(16, 1_000_000)],
  LC_WS_PING_MS: ['wsPingMs', int(100, 3_600_000)],
  LC_WS_DEFLATE: ['wsDeflate', boolean],
  LC_WS_DEFLATE_MIN_BYTES: ['wsDeflateMinBytes', int(0, 1 << 20)],
  LC_SSE_HEARTBEAT_MS: ['sseHeartbeatMs', int(100, 15_000)],
  LC_PRESENCE_MS: ['presenceMs', int(50, 60_000)],
  LC_AGGREGATE_WINDOW_MS: ['aggregateWindowMs', int(20, 10_000)],
  LC_REACTION_SAVE_MS: ['reactionSaveMs', int(100, 600_000)],
  LC_ANALYTICS_FLUSH_MS: ['analyticsFlushMs', int(50, 600_000)],
  LC_TRUST_PROXY: ['trustProxy', trustProxy],
  LC_HEADERS_TIMEOUT_MS: ['headersTimeoutMs', int(100, 3_600_000)],
  LC_REQUEST_TIMEOUT_MS: ['requestTimeoutMs', int(0, 3_600_000)],
  LC_KEEP_ALIVE_TIMEOUT_MS: ['keepAliveTimeoutMs', int(100, 3_600_000)],
  LC_USER_RATE_PER_MINUTE: ['userRatePerMinute', int(0, 1_000_000)],
  LC_EVENTS_PER_HOUR: ['eventsPerHour', int(0, 1_000_000)],
  LC_DRAIN_MS: ['drainMs', int(0, 600_000)],
  LC_DRAIN_CLOSE_DELAY_MS: ['drainCloseDelayMs', int(0, 600_000)],
  LC_REQUEST_LOG_PER_SECOND: ['requestLogPerSecond', int(0, 100_000)],
  LC_SECURITY_LOG_PER_SECOND: ['securityLogPerSecond', int(0, 100_000)],
  LC_WEBHOOK_URL: ['webhookUrls', urlList],
  LC_WEBHOOK_SECRET: ['webhookSecret', secret],
  LC_WEBHOOK_ALLOW_PRIVATE: ['webhookAllowPrivate', boolean],
  LC_WEBHOOK_RETRY_MS: ['webhookRetryMs', int(10, 3_600_000)],
  LC_WEBHOOK_MAX_ATTEMPTS: ['webhookMaxAttempts', int(1, 100)],
  LC_WEBHOOK_POLL_MS: ['webhookPollMs', int(10, 60_000)],
  LC_WEBHOOK_TIMEOUT_MS: ['webhookTimeoutMs', int(100, 60_000)],
  LC_RETENTION_DAYS: ['retentionDays', int(0, 36_500)],
  LC_RETENTION_SWEEP_MS: ['retentionSweepMs', int(1_000, 86_400_000)],
  LC_SEARCH_SWEEP_MS: ['searchSweepMs', int(100, 3_600_000)],
  LC_SEARCH_SCAN_ROWS: ['searchScanRows', int(1, 1_000_000)],
  LC_SEARCH_PER_MINUTE: ['searchPerMinute', int(0, 1_000_000)],
  LC_ALLOWED_ORIGINS: ['allowedOrigins', origins],
  LC_EMOTE_HOSTS: ['emoteHosts', hostList],
  LC_MODERATION_URL: ['moderationUrl', urlWith('http:', 'https:')],
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ['otlpTracesUrl', urlWith('http:', 'https:')],
  OTEL_EXPORTER_OTLP_ENDPOINT: ['otlpUrl', urlWith('http:', 'https:')],
  OTEL_SERVICE_NAME: ['serviceName', text],
  LC_TRACE_SAMPLE: ['traceSample', ratio],
  LC_MODERATION_TIMEOUT_MS: ['moderationTimeoutMs', int(1, 10_000)],
  LC_MODERATION_BATCH_MS: ['moderationBatchMs', int(0, 100)],
  LC_MODERATION_MAX_BATCH: ['moderationMaxBatch', int(1, 1000)],
  LC_PROXY_CONNECT_URL: ['proxyConnectUrl', urlWith('http:', 'https:')],
  LC_PROXY_POST_URL: ['proxyPostUrl', urlWith('http:', 'https:')],
  LC_PROXY_TIMEOUT_MS: ['proxyTimeoutMs', int(10, 10_000)],
  LC_PROXY_CACHE_MS: ['proxyCacheMs', int(0, 3_600_000)],
  LC_PROXY_CACHE_SIZE: ['proxyCacheSize', int(1, 1_000_000)],
  LC_PROXY_HEADERS: ['proxyHeaders', headerNames],
  LC_PROXY_COOKIES: ['proxyCookies', cookieNames],
  LC_PROXY_CONNECT_ALWAYS: ['proxyConnectAlways', boolean],
  LC_PROXY_ROLES: ['proxyRoles', proxyRoles],
  LC_PROXY_CONNECT_FAIL: ['proxyConnectFail', failPolicy],
  LC_PROXY_POST_FAIL: ['proxyPostFail', failPolicy],
  LC_PROXY_SECRET: ['proxySecret', secret],
};

/**
 * POSIX and GNU locale variables: `LC_*` like ours but not ours (`LC_ALL=C.UTF-8` is common in
 * container images), so they are left alone.
 */
const LOCALE = new Set([
  'LC_ALL',
  'LC_CTYPE',
  'LC_COLLATE',
  'LC_MESSAGES',
  'LC_MONETARY',
  'LC_NUMERIC',
  'LC_TIME',
  'LC_ADDRESS',
  'LC_IDENTIFICATION',
  'LC_MEASUREMENT',
  'LC_NAME',
  'LC_PAPER',
  'LC_TELEPHONE',
  'LC_TERMINAL',
  'LC_TERMINAL_VERSION',
]);

/**
 * Reads the configuration from environment variables. Unknown `LC_*` variables and malformed
 * values throw a ConfigError naming the variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const config: Config = { ...DEFAULTS };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    const setting = SETTINGS[name];
    if (setting) {
      const [field, parse] = setting;
      (config as unknown as Record<string, unknown>)[field] = parse(name, value);
    } else if (name.startsWith('LC_') && !LOCALE.has(name) && !name.startsWith('LC_TEST_')) {
      // LC_TEST_* belong to the test suite (where its Redis and PostgreSQL are), not to a node.
      throw new ConfigError(`unknown setting ${name}`);
    }
  }
  if (config.jwtSecret || config.jwksUrl) {
    // Privileged tokens never come from a development endpoint beside a real secret.
    if (config.devTokens && env.LC_DEV_TOKENS) {
      throw new ConfigError(
        'LC_DEV_TOKENS cannot be on with LC_JWT_SECRET or LC_JWKS_URL; mint tokens with the secret',
      );
    }
    config.devTokens = false;
  }
  if (!config.devTokens && !env.HOST) config.host = '0.0.0.0';
  if (config.webhookUrls.length > 0 && !config.webhookSecret) {
    throw new ConfigError('LC_WEBHOOK_URL needs LC_WEBHOOK_SECRET (at least 32 characters) to sign deliveries');
  }
  if (config.redisCluster === undefined && config.redisUrl?.includes(',')) config.redisCluster = true;
  if (config.redisCluster === false && config.redisUrl?.includes(',')) {
    throw new ConfigError(
      'REDIS_URL lists several nodes: that is a Redis Cluster (LC_REDIS_CLUSTER must not be false)',
    );
  }
  if (config.redisCluster && !config.redisUrl)
    throw new ConfigError('LC_REDIS_CLUSTER needs REDIS_URL (its seed nodes)');
  if (!config.otlpTracesUrl && config.otlpUrl) config.otlpTracesUrl = `${config.otlpUrl.replace(/\/+$/, '')}/v1/traces`;
  if (config.drainCloseDelayMs > 0 && config.drainCloseDelayMs >= config.drainMs) {
    throw new ConfigError('LC_DRAIN_CLOSE_DELAY_MS must be less than LC_DRAIN_MS');
  }
  if (config.requestTimeoutMs > 0 && config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new ConfigError('LC_HEADERS_TIMEOUT_MS must not exceed LC_REQUEST_TIMEOUT_MS');
  }
  checkProxy(config, env);
  return config;
}

/** Settings of the connect proxy that mean nothing without it. */
const CONNECT_ONLY = [
  'LC_PROXY_HEADERS',
  'LC_PROXY_COOKIES',
  'LC_PROXY_CONNECT_ALWAYS',
  'LC_PROXY_ROLES',
  'LC_PROXY_CONNECT_FAIL',
  'LC_PROXY_CACHE_MS',
  'LC_PROXY_CACHE_SIZE',
];

/** The proxy settings together: each needs its URL, and a connect proxy needs something that identifies a user. */
function checkProxy(config: Config, env: Record<string, string | undefined>): void {
  if (!config.proxyConnectUrl) {
    const stray = CONNECT_ONLY.find((name) => env[name]);
    if (stray) throw new ConfigError(`${stray} needs LC_PROXY_CONNECT_URL`);
  } else if (config.proxyHeaders.length === 0 && config.proxyCookies.length === 0 && !config.proxyConnectAlways) {
    throw new ConfigError(
      'LC_PROXY_CONNECT_URL needs LC_PROXY_HEADERS or LC_PROXY_COOKIES (what identifies a user), or LC_PROXY_CONNECT_ALWAYS=true (the token)',
    );
  }
  if (!config.proxyPostUrl && env.LC_PROXY_POST_FAIL)
    throw new ConfigError('LC_PROXY_POST_FAIL needs LC_PROXY_POST_URL');
  if (!config.proxyConnectUrl && !config.proxyPostUrl) {
    for (const name of ['LC_PROXY_TIMEOUT_MS', 'LC_PROXY_SECRET']) {
      if (env[name]) throw new ConfigError(`${name} needs LC_PROXY_CONNECT_URL or LC_PROXY_POST_URL`);
    }
  }
}

/** Headers that carry the connection or the request, not the user: never forwarded. */
const UNFORWARDABLE = new Set([
  'host',
  'connection',
  'content-length',
  'content-type',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'expect',
]);

/** A comma list of request header names to forward to the connect proxy (at most 20). */
function headerNames(name: string, value: string): string[] {
  const names = nameList(name, value, /^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$/);
  for (const header of names) {
    if (header === 'cookie') throw new ConfigError(`${name} cannot name cookie: list the cookies in LC_PROXY_COOKIES`);
    if (header === 'authorization') {
      throw new ConfigError(`${name} cannot name authorization: with LC_PROXY_CONNECT_ALWAYS=true the token is sent`);
    }
    if (UNFORWARDABLE.has(header) || header.startsWith('sec-websocket-') || header.startsWith('proxy-')) {
      throw new ConfigError(`${name} cannot name ${header}: it describes the connection, not the user`);
    }
  }
  return names;
}

/** A comma list of cookie names to forward to the connect proxy (at most 20). */
function cookieNames(name: string, value: string): string[] {
  return nameList(name, value, /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, false);
}

/** A comma list of names matching `pattern` (case-folded when `lower`), at most 20, each once. */
function nameList(name: string, value: string, pattern: RegExp, lower = true): string[] {
  const names: string[] = [];
  for (const raw of value.split(',')) {
    const entry = lower ? raw.trim().toLowerCase() : raw.trim();
    if (entry === '') continue;
    if (!pattern.test(entry)) throw new ConfigError(`${name} lists a name that is not valid: "${entry}"`);
    if (!names.includes(entry)) names.push(entry);
  }
  if (names.length > 20) throw new ConfigError(`${name} takes at most 20 names`);
  return names;
}

/** The privileged roles an operator lets the connect proxy grant: a comma list of moderator, admin, service. */
function proxyRoles(name: string, value: string): string[] {
  const roles = nameList(name, value, /^[a-z]{1,16}$/);
  for (const role of roles) {
    if (!['moderator', 'admin', 'service'].includes(role)) {
      throw new ConfigError(`${name} takes moderator, admin and service (viewer is always allowed), got "${role}"`);
    }
  }
  return roles;
}

function failPolicy(name: string, value: string): 'closed' | 'open' {
  if (value === 'closed' || value === 'open') return value;
  throw new ConfigError(`${name} must be closed or open, got "${value}"`);
}

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(value)) throw new ConfigError(`${name} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function boolean(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

/** Proxy names Fastify's `trustProxy` (proxy-addr) accepts beside addresses. */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `1`/`true` (one hop), `0`/`false`, a hop count, or a comma list of addresses, CIDRs and names. */
function trustProxy(name: string, value: string): number | string[] {
  if (/^[0-9]{1,2}$/.test(value)) return Number(value);
  if (/^(true|yes|on)$/i.test(value)) return 1;
  if (/^(false|no|off)$/i.test(value)) return 0;
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (PROXY_NAMES.has(entry)) continue;
    const [address = '', prefix, extra] = entry.split('/');
    const kind = isIP(address);
    const bits = kind === 6 ? 128 : 32;
    const badPrefix = prefix !== undefined && (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > bits);
    if (kind === 0 || badPrefix || extra !== undefined) {
      throw new ConfigError(`${name} must be true, false, a hop count or proxy addresses/CIDRs, got "${entry}"`);
    }
  }
  return entries;
}

/** The most origins `LC_ALLOWED_ORIGINS` takes (each is a header-length string in a CSP). */
const MAX_ORIGINS = 100;

/** A comma list of exact origins (`https://host[:port]`), written as browsers send them. */
function origins(name: string, value: string): string[] {
  const entries = value.split(',').filter((entry) => entry.trim() !== '');
  if (entries.length > MAX_ORIGINS) throw new ConfigError(`${name} takes at most ${MAX_ORIGINS} origins`);
  const list: string[] = [];
  for (const entry of entries) {
    const origin = canonicalOrigin(entry);
    if (!origin) throw new ConfigError(`${name} must list origins such as https://example.com:8443, got "${entry}"`);
    if (!list.includes(origin)) list.push(origin);
  }
  return list;
}

function url(name: string, value: string, protocols: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${value}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return value;
}
