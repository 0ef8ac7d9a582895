// Redis recent keys: for scale-out, so duplicate detection sees the posts of every node.
// `SET key 1 NX PX ttl` is the atomic check-and-add.
import type { Cluster, Redis } from 'ioredis';
import type { RecentSet } from './recent-set.js';

/** Options of the Redis recent set. */
export interface RedisRecentSetOptions {
  /** Key prefix. Default `lc:rs:`. */
  prefix?: string;
}

/** Builds a Redis recent set on a connection the caller owns. */
export function createRedisRecentSet(redis: Redis | Cluster, opts: RedisRecentSetOptions = {}): RedisRecentSet {
  return new RedisRecentSet(redis as Redis, opts);
}

/** A `RecentSet` shared by all nodes through Redis. */
export class RedisRecentSet implements RecentSet {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    opts: RedisRecentSetOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'lc:rs:';
  }

  async addIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    const res = await this.redis.set(this.prefix + key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    return res === 'OK';
  }

  async close(): Promise<void> {}
}
