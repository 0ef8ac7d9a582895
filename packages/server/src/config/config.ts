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
};

/** A configuration problem, reported at start with the variable's name. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Known variables: name -> how to read it into the config. */
const READERS: Record<string, (value: string, config: Config) => void> = {
  PORT: (v, c) => {
    c.port = integer('PORT', v, 0, 65535);
  },
  HOST: (v, c) => {
    c.host = v;
  },
  LC_DATA_DIR: (v, c) => {
    c.dataDir = v;
  },
  LC_JWT_SECRET: (v, c) => {
    if (v.length < 32) throw new ConfigError('LC_JWT_SECRET must be at least 32 characters');
    c.jwtSecret = v;
  },
  LC_JWKS_URL: (v, c) => {
    c.jwksUrl = url('LC_JWKS_URL', v, ['http:', 'https:']);
  },
  REDIS_URL: (v, c) => {
    c.redisUrl = url('REDIS_URL', v, ['redis:', 'rediss:']);
  },
  DATABASE_URL: (v, c) => {
    c.databaseUrl = url('DATABASE_URL', v, ['postgres:', 'postgresql:']);
  },
  LC_DEV_TOKENS: (v, c) => {
    c.devTokens = boolean('LC_DEV_TOKENS', v);
  },
  LC_LOG_LEVEL: (v, c) => {
    if (!LEVELS.has(v)) throw new ConfigError(`LC_LOG_LEVEL must be one of ${[...LEVELS].join(', ')}`);
    c.logLevel = v;
  },
  LC_FLUSH_MS: (v, c) => {
    c.flushMs = integer('LC_FLUSH_MS', v, 0, 1000);
  },
  LC_MAX_FLUSH_MS: (v, c) => {
    c.maxFlushMs = integer('LC_MAX_FLUSH_MS', v, 0, 1000);
  },
  LC_COMMIT_WINDOW_MS: (v, c) => {
    c.commitWindowMs = integer('LC_COMMIT_WINDOW_MS', v, 0, 1000);
  },
  LC_MAX_BUFFERED_BYTES: (v, c) => {
    c.maxBufferedBytes = integer('LC_MAX_BUFFERED_BYTES', v, 1024, 1 << 30);
  },
  LC_MAX_CONNECTIONS_PER_IP: (v, c) => {
    c.maxConnectionsPerIp = integer('LC_MAX_CONNECTIONS_PER_IP', v, 0, 10_000_000);
  },
  LC_MAX_CATCH_UP: (v, c) => {
    c.maxCatchUp = integer('LC_MAX_CATCH_UP', v, 1, 10_000_000);
  },
  LC_RING_SIZE: (v, c) => {
    c.ringSize = integer('LC_RING_SIZE', v, 16, 1_000_000);
  },
  LC_WS_PING_MS: (v, c) => {
    c.wsPingMs = integer('LC_WS_PING_MS', v, 100, 3_600_000);
  },
  LC_SSE_HEARTBEAT_MS: (v, c) => {
    c.sseHeartbeatMs = integer('LC_SSE_HEARTBEAT_MS', v, 100, 15_000);
  },
  LC_PRESENCE_MS: (v, c) => {
    c.presenceMs = integer('LC_PRESENCE_MS', v, 50, 60_000);
  },
  LC_TRUST_PROXY: (v, c) => {
    c.trustProxy = boolean('LC_TRUST_PROXY', v);
  },
};

/**
 * Reads the configuration from environment variables. Unknown `LC_*` variables and malformed
 * values throw a ConfigError naming the variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const config: Config = { ...DEFAULTS };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    const read = READERS[name];
    if (read) read(value, config);
    else if (name.startsWith('LC_')) throw new ConfigError(`unknown setting ${name}`);
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
