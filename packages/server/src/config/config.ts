/** Server configuration, read from the environment and validated at start (docs/API.md). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** HS256 secret for tokens; with it (or a JWKS URL) dev tokens are off. */
  jwtSecret?: string;
  jwksUrl?: string;
  redisUrl?: string;
  databaseUrl?: string;
  /** Whether `POST /v1/dev/tokens` works; on unless a secret or JWKS URL is set. */
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
  /** Whether to trust X-Forwarded-For (behind a load balancer). */
  trustProxy: boolean;
  /** The longest graceful stop: viewers and requests still open after it are cut. */
  drainMs: number;
}

/** Defaults for everything but the required values. */
export const DEFAULTS: Config = {
  port: 8080,
  host: '0.0.0.0',
  dataDir: './data',
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
  trustProxy: false,
  drainMs: 5_000,
};

/** A configuration problem, reported at start with the variable's name. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Parses one variable's text; throws a ConfigError naming it. */
type Parse = (name: string, value: string) => string | number | boolean;

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
  LC_TRUST_PROXY: ['trustProxy', boolean],
  LC_DRAIN_MS: ['drainMs', int(0, 600_000)],
};

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
    } else if (name.startsWith('LC_')) throw new ConfigError(`unknown setting ${name}`);
  }
  if (config.jwtSecret || config.jwksUrl) {
    if (env.LC_DEV_TOKENS === undefined || env.LC_DEV_TOKENS === '') config.devTokens = false;
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
