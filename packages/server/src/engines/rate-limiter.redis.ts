// Redis rate limits: for scale-out, so a user's budget is one across all nodes. The GCRA step
// runs as one Lua script, atomic per key, on Redis server time. A key expires when its bucket is
// full again, so idle users cost nothing.
import type { Cluster, Redis } from 'ioredis';
import { type EngineCounters, type EngineLog, silentLog } from './engine-log.js';
import type { RateDecision, RateLimiter, RateRule } from './rate-limiter.js';

/** Options of the Redis rate limiter. */
export interface RedisRateLimiterOptions {
  /** Key prefix. Default `lc:rl:`. */
  prefix?: string;
  /** Allow (logged and counted) instead of throwing when Redis cannot answer. Default false. */
  failOpen?: boolean;
  log?: EngineLog;
}

// KEYS[1] the key's theoretical arrival time; ARGV: intervalMs, burst. Returns 0 when allowed,
// else the milliseconds until the next token. Same arithmetic as the memory limiter.
const TAKE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + t[2] / 1000
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local nxt = tat + interval
local over = nxt - now - burst * interval
if over > 0 then return math.ceil(over) end
redis.call('SET', KEYS[1], string.format('%.3f', nxt), 'PX', math.max(1, math.ceil(nxt - now)))
return 0
`;

type LimiterClient = Redis & { lcRateTake(key: string, intervalMs: number, burst: number): Promise<number> };

/** Builds a Redis rate limiter on a connection the caller owns. */
export function createRedisRateLimiter(redis: Redis | Cluster, opts: RedisRateLimiterOptions = {}): RedisRateLimiter {
  return new RedisRateLimiter(redis as Redis, opts);
}

/** A `RateLimiter` shared by all nodes through Redis. */
export class RedisRateLimiter implements RateLimiter {
  /** Takes let through because Redis could not answer, for /metrics. */
  readonly counters: EngineCounters<'errors'> = { errors: 0 };
  private readonly redis: LimiterClient;
  private readonly prefix: string;
  private readonly failOpen: boolean;
  private readonly log: EngineLog;

  constructor(redis: Redis, opts: RedisRateLimiterOptions = {}) {
    this.prefix = opts.prefix ?? 'lc:rl:';
    this.failOpen = opts.failOpen ?? false;
    this.log = opts.log ?? silentLog;
    if (!('lcRateTake' in redis)) redis.defineCommand('lcRateTake', { numberOfKeys: 1, lua: TAKE });
    this.redis = redis as LimiterClient;
  }

  async take(key: string, rule: RateRule): Promise<RateDecision> {
    let wait: number;
    try {
      wait = Number(await this.redis.lcRateTake(this.prefix + key, rule.intervalMs, rule.burst));
    } catch (err) {
      if (!this.failOpen) throw err;
      this.counters.errors += 1;
      this.log.warn({ err, key }, 'rate limit unavailable; allowed');
      return { ok: true };
    }
    return wait > 0 ? { ok: false, retryAfterMs: wait } : { ok: true };
  }

  async close(): Promise<void> {}
}
