// Redis recent keys: for scale-out, so duplicate detection sees the posts of every node.
// `SET key 1 NX PX ttl` is the atomic check-and-add.
import type { Cluster, Redis } from 'ioredis';
import { type EngineCounters, type EngineLog, silentLog } from './engine-log.js';
import type { RecentSet } from './recent-set.js';

/** Options of the Redis recent set. */
export interface RedisRecentSetOptions {
  /** Key prefix. Default `lc:rs:`. */
  prefix?: string;
  /** Answer "absent" (logged and counted) instead of throwing when Redis cannot answer. */
  failOpen?: boolean;
  log?: EngineLog;
}

/** Builds a Redis recent set on a connection the caller owns. */
export function createRedisRecentSet(redis: Redis | Cluster, opts: RedisRecentSetOptions = {}): RedisRecentSet {
  return new RedisRecentSet(redis as Redis, opts);
}

/** A `RecentSet` shared by all nodes through Redis. */
export class RedisRecentSet implements RecentSet {
  /** Checks answered "absent" because Redis could not answer, for /metrics. */
  readonly counters: EngineCounters<'errors'> = { errors: 0 };
  private readonly prefix: string;
  private readonly failOpen: boolean;
  private readonly log: EngineLog;

  constructor(
    private readonly redis: Redis,
    opts: RedisRecentSetOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'lc:rs:';
    this.failOpen = opts.failOpen ?? false;
    this.log = opts.log ?? silentLog;
  }

  async addIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    try {
      const res = await this.redis.set(this.prefix + key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
      return res === 'OK';
    } catch (err) {
      if (!this.failOpen) throw err;
      this.counters.errors += 1;
      this.log.warn({ err, key }, 'recent set unavailable; treated as absent');
      return true;
    }
  }

  async close(): Promise<void> {}
}
