import { isIP } from 'node:net';
import { canonicalOrigin } from '../util/origins.js';

/** Server configuration, read from the environment and validated at start (docs/API.md). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** HS256 secret for tokens; with it (or a JWKS URL) dev tokens are off. */
  jwtSecret?: string;
  jwksUrl?: string;
  /** When set, a token's `iss` must equal it. */
  jwtIssuer?: string;
  /** When set, a token's `aud` must include it. */
  jwtAudience?: string;
  /** Refuse tokens without `exp` (on by default: a token without one would be good forever). */
  jwtRequireExp: boolean;
  redisUrl?: string;
  databaseUrl?: string;
  /** Whether `POST /v1/dev/tokens` works; on unless a secret or JWKS URL is set, never beside one. */
  devTokens: boolean;
  logLevel: string;
  /** The shortest flush window of a busy event: the hub gathers new entries at least this long. */
  flushMs: number;
  /** The longest flush window: under load the window grows with the time flushes take, up to this. */
  maxFlushMs: number;
  /** How long the store gathers appends into one transaction. */
  commitWindowMs: number;
  /** A subscriber whose unsent bytes pass this is cut off (it resumes). */
  maxBufferedBytes: number;
  /** Connections (WebSocket, SSE, long polls) per client address; 0 for no limit. */
  maxConnectionsPerIp: number;
  /** The largest resume distance served; further back gets a reset. */
  maxCatchUp: number;
  /** Recent entries kept in memory per active event. */
  ringSize: number;
  wsPingMs: number;
  sseHeartbeatMs: number;
  /** Presence pushes happen at most this often. */
  presenceMs: number;
  /** Reactions and like counts are pushed once per window of this length (docs/ARCHITECTURE.md). */
  aggregateWindowMs: number;
  /** Reaction totals are written to the store this often. */
  reactionSaveMs: number;
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
  /** The longest graceful stop: viewers and requests still open after it are cut. */
  drainMs: number;
  /** On SIGTERM, viewers stay connected this long (while /ready answers 503) before 1012 (LC_DRAIN_CLOSE_DELAY_MS). */
  drainCloseDelayMs: number;
  /** Request log lines a second at most (LC_REQUEST_LOG_PER_SECOND; 0: off); server errors are logged apart. */
  requestLogPerSecond: number;
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
  /**
   * Web origins allowed on every event (CORS, framing `/embed/:eventId`, WebSocket Origin);
   * empty: the node's own origin only.
   */
  allowedOrigins: string[];
  /** A team's own classifier, asked about each comment the rules let through (moderation/hook.ts); off when absent. */
  moderationUrl?: string;
  /** How long the classifier may take to answer one request, in ms (past it: fail-open or fail-closed per event). */
  moderationTimeoutMs: number;
  /** How long comments are gathered into one classifier request, in ms. */
  moderationBatchMs: number;
  /** Most comments in one classifier request. */
  moderationMaxBatch: number;
}

/** Trusted proxies: a hop count, or addresses, CIDRs and the names `loopback`, `linklocal`, `uniquelocal`. */
export type TrustProxy = number | string[];

/** Defaults for everything but the required values. */
export const DEFAULTS: Config = {
  port: 8080,
  // Loopback while development tokens are on; `0.0.0.0` once a secret or JWKS URL is set.
  host: 'localhost',
  dataDir: './data',
  jwtRequireExp: true,
  devTokens: true,
  logLevel: 'info',
  flushMs: 5,
  maxFlushMs: 40,
  commitWindowMs: 2,
  maxBufferedBytes: 1024 * 1024,
  maxConnectionsPerIp: 1000,
  maxCatchUp: 10_000,
  ringSize: 1024,
  wsPingMs: 30_000,
  sseHeartbeatMs: 15_000,
  presenceMs: 2_000,
  aggregateWindowMs: 250,
  reactionSaveMs: 5_000,
  trustProxy: 0,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 72_000,
  userRatePerMinute: 120,
  eventsPerHour: 30,
  drainMs: 5_000,
  drainCloseDelayMs: 0,
  requestLogPerSecond: 20,
  webhookUrls: [],
  webhookAllowPrivate: false,
  webhookRetryMs: 1_000,
  webhookMaxAttempts: 15,
  webhookPollMs: 500,
  webhookTimeoutMs: 10_000,
  allowedOrigins: [],
  moderationTimeoutMs: 50,
  moderationBatchMs: 2,
  moderationMaxBatch: 32,
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
/** A comma-separated list of http(s) URLs (at most 10). */
const urlList: Parse = (name, value) => {
  const urls = value.split(',').map((u) => u.trim());
  if (urls.length > 10) throw new ConfigError(`${name} takes at most 10 URLs`);
  for (const u of urls) url(name, u, ['http:', 'https:']);
  return urls;
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
  LC_JWT_SECRET: ['jwtSecret', secret],
  LC_JWKS_URL: ['jwksUrl', urlWith('http:', 'https:')],
  LC_JWT_ISSUER: ['jwtIssuer', text],
  LC_JWT_AUDIENCE: ['jwtAudience', text],
  LC_JWT_REQUIRE_EXP: ['jwtRequireExp', boolean],
  REDIS_URL: ['redisUrl', urlWith('redis:', 'rediss:')],
  DATABASE_URL: ['databaseUrl', urlWith('postgres:', 'postgresql:')],
  LC_DEV_TOKENS: ['devTokens', boolean],
  LC_LOG_LEVEL: ['logLevel', level],
  LC_FLUSH_MS: ['flushMs', int(0, 1000)],
  LC_MAX_FLUSH_MS: ['maxFlushMs', int(0, 1000)],
  LC_COMMIT_WINDOW_MS: ['commitWindowMs', int(0, 1000)],
  LC_MAX_BUFFERED_BYTES: ['maxBufferedBytes', int(1024, 1 << 30)],
  LC_MAX_CONNECTIONS_PER_IP: ['maxConnectionsPerIp', int(0, 10_000_000)],
  LC_MAX_CATCH_UP: ['maxCatchUp', int(1, 10_000_000)],
  LC_RING_SIZE: ['ringSize', int(16, 1_000_000)],
  LC_WS_PING_MS: ['wsPingMs', int(100, 3_600_000)],
  LC_SSE_HEARTBEAT_MS: ['sseHeartbeatMs', int(100, 15_000)],
  LC_PRESENCE_MS: ['presenceMs', int(50, 60_000)],
  LC_AGGREGATE_WINDOW_MS: ['aggregateWindowMs', int(20, 10_000)],
  LC_REACTION_SAVE_MS: ['reactionSaveMs', int(100, 600_000)],
  LC_TRUST_PROXY: ['trustProxy', trustProxy],
  LC_HEADERS_TIMEOUT_MS: ['headersTimeoutMs', int(100, 3_600_000)],
  LC_REQUEST_TIMEOUT_MS: ['requestTimeoutMs', int(0, 3_600_000)],
  LC_KEEP_ALIVE_TIMEOUT_MS: ['keepAliveTimeoutMs', int(100, 3_600_000)],
  LC_USER_RATE_PER_MINUTE: ['userRatePerMinute', int(0, 1_000_000)],
  LC_EVENTS_PER_HOUR: ['eventsPerHour', int(0, 1_000_000)],
  LC_DRAIN_MS: ['drainMs', int(0, 600_000)],
  LC_DRAIN_CLOSE_DELAY_MS: ['drainCloseDelayMs', int(0, 600_000)],
  LC_REQUEST_LOG_PER_SECOND: ['requestLogPerSecond', int(0, 100_000)],
  LC_WEBHOOK_URL: ['webhookUrls', urlList],
  LC_WEBHOOK_SECRET: ['webhookSecret', secret],
  LC_WEBHOOK_ALLOW_PRIVATE: ['webhookAllowPrivate', boolean],
  LC_WEBHOOK_RETRY_MS: ['webhookRetryMs', int(10, 3_600_000)],
  LC_WEBHOOK_MAX_ATTEMPTS: ['webhookMaxAttempts', int(1, 100)],
  LC_WEBHOOK_POLL_MS: ['webhookPollMs', int(10, 60_000)],
  LC_WEBHOOK_TIMEOUT_MS: ['webhookTimeoutMs', int(100, 60_000)],
  LC_ALLOWED_ORIGINS: ['allowedOrigins', origins],
  LC_MODERATION_URL: ['moderationUrl', urlWith('http:', 'https:')],
  LC_MODERATION_TIMEOUT_MS: ['moderationTimeoutMs', int(1, 10_000)],
  LC_MODERATION_BATCH_MS: ['moderationBatchMs', int(0, 100)],
  LC_MODERATION_MAX_BATCH: ['moderationMaxBatch', int(1, 1000)],
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
  if (config.drainCloseDelayMs > 0 && config.drainCloseDelayMs >= config.drainMs) {
    throw new ConfigError('LC_DRAIN_CLOSE_DELAY_MS must be less than LC_DRAIN_MS');
  }
  if (config.requestTimeoutMs > 0 && config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new ConfigError('LC_HEADERS_TIMEOUT_MS must not exceed LC_REQUEST_TIMEOUT_MS');
  }
  return config;
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
