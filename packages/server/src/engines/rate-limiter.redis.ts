// Redis rate limits: for scale-out, so a user's budget is one across all nodes. The GCRA step
// runs as one Lua script, atomic per key, on Redis server time. A key expires when its bucket is
// full again, so idle users cost nothing.
import type { Cluster, Redis } from 'ioredis';
import { type EngineCounters, type EngineLog, silentLog } from './engine-log.js';
import type { RateDecision, RateLimiter, RateRule, RateTake } from './rate-limiter.js';

/** Options of the Redis rate limiter. */
export interface RedisRateLimiterOptions {
  /** Key prefix. Default `lc:rl:`. */
  prefix?: string;
  /** Allow (logged and counted) instead of throwing when Redis cannot answer. Default false. */
  failOpen?: boolean;
  log?: EngineLog;
}

// KEYS the buckets' theoretical arrival times; ARGV: intervalMs and burst of each, in turn.
// Returns 0 when every bucket has a token (and takes one from each), else the milliseconds until
// all do (taking nothing). Same arithmetic as the memory limiter.
const TAKE_ALL = `
local t = redis.call('TIME')
local now = t[1] * 1000 + t[2] / 1000
local nxt = {}
local wait = 0
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  nxt[i] = tat + interval
  local over = nxt[i] - now - burst * interval
  if over > wait then wait = over end
end
if wait > 0 then return math.ceil(wait) end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, string.format('%.3f', nxt[i]), 'PX', math.max(1, math.ceil(nxt[i] - now)))
end
return 0
`;

type LimiterClient = Redis & { lcRateTakeAll(count: number, ...keysThenArgs: (string | number)[]): Promise<number> };

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
    // The key count varies per call, so it is passed first (numberOfKeys left out).
    if (!('lcRateTakeAll' in redis)) redis.defineCommand('lcRateTakeAll', { lua: TAKE_ALL });
    this.redis = redis as LimiterClient;
  }

  async take(key: string, rule: RateRule): Promise<RateDecision> {
    return this.takeAll([{ key, rule }]);
  }

  async takeAll(takes: readonly RateTake[]): Promise<RateDecision> {
    const keys = takes.map((t) => this.prefix + t.key);
    const args = takes.flatMap((t) => [t.rule.intervalMs, t.rule.burst]);
    let wait: number;
    try {
      wait = Number(await this.redis.lcRateTakeAll(keys.length, ...keys, ...args));
    } catch (err) {
      if (!this.failOpen) throw err;
      this.counters.errors += 1;
      this.log.warn({ err, key: takes[0]?.key }, 'rate limit unavailable; allowed');
      return { ok: true };
    }
    return wait > 0 ? { ok: false, retryAfterMs: wait } : { ok: true };
  }

  async close(): Promise<void> {}
}
