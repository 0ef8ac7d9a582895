// Redis presence: for scale-out. Each event has a hash whose fields are node ids and whose values
// are "count:expiresAt" (Redis server time, so node clocks do not matter). A node re-reports its
// counts on a heartbeat; `count` sums the fields that have not expired and removes the rest, so a
// node that dies stops counting within `ttlMs` without anyone cleaning up after it.
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { type EngineCounters, type EngineLog, silentLog } from './engine-log.js';
import type { Presence } from './presence.js';

/** Options of Redis presence. */
export interface RedisPresenceOptions {
  /** This node's id; a random one by default. */
  nodeId?: string;
  /** How long a report counts without a heartbeat. Default 15 s; heartbeats every third of it. */
  ttlMs?: number;
  /** Key prefix, before the event id. Default `lc:p:`. */
  prefix?: string;
  log?: EngineLog;
}

// KEYS[1] hash; ARGV: node, count, ttlMs. A count of 0 removes the node's field.
const REPORT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local ttl = tonumber(ARGV[3])
if tonumber(ARGV[2]) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. (now + ttl))
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return 1
`;

// KEYS[1] hash. Sums live fields, removes expired ones.
const COUNT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local all = redis.call('HGETALL', KEYS[1])
local sum = 0
for i = 1, #all, 2 do
  local value = all[i + 1]
  local sep = string.find(value, ':', 1, true)
  local n = tonumber(string.sub(value, 1, sep - 1))
  local expires = tonumber(string.sub(value, sep + 1))
  if expires > now then sum = sum + n else redis.call('HDEL', KEYS[1], all[i]) end
end
return sum
`;

type PresenceClient = Redis & {
  lcPresenceReport(key: string, node: string, count: number, ttlMs: number): Promise<number>;
  lcPresenceCount(key: string): Promise<number>;
};

/** Builds Redis presence on a connection the caller owns. Call `close` to stop the heartbeat. */
export function createRedisPresence(redis: Redis | Cluster, opts: RedisPresenceOptions = {}): RedisPresence {
  return new RedisPresence(redis as Redis, opts);
}

/** A `Presence` shared by all nodes through Redis. */
export class RedisPresence implements Presence {
  /** Background failures, for /metrics. */
  readonly counters: EngineCounters<'errors'> = { errors: 0 };
  readonly nodeId: string;
  private readonly local = new Map<string, number>();
  private readonly redis: PresenceClient;
  private readonly ttlMs: number;
  private readonly prefix: string;
  private readonly log: EngineLog;
  private readonly timer: NodeJS.Timeout;

  constructor(redis: Redis, opts: RedisPresenceOptions = {}) {
    this.nodeId = opts.nodeId ?? randomUUID();
    this.ttlMs = opts.ttlMs ?? 15_000;
    this.prefix = opts.prefix ?? 'lc:p:';
    this.log = opts.log ?? silentLog;
    if (!('lcPresenceReport' in redis)) {
      redis.defineCommand('lcPresenceReport', { numberOfKeys: 1, lua: REPORT });
      redis.defineCommand('lcPresenceCount', { numberOfKeys: 1, lua: COUNT });
    }
    this.redis = redis as PresenceClient;
    this.timer = setInterval(this.heartbeat, Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  async report(eventId: string, viewers: number): Promise<void> {
    if (viewers > 0) this.local.set(eventId, viewers);
    else this.local.delete(eventId);
    await this.redis.lcPresenceReport(this.prefix + eventId, this.nodeId, viewers, this.ttlMs);
  }

  async count(eventId: string): Promise<number> {
    return Number(await this.redis.lcPresenceCount(this.prefix + eventId));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const events = [...this.local.keys()];
    this.local.clear();
    await Promise.all(events.map((id) => this.redis.hdel(this.prefix + id, this.nodeId))).catch((err: unknown) => {
      this.log.warn({ err }, 'presence cleanup failed; the counts expire on their own');
    });
  }

  /** Stops the heartbeat without removing this node's counts, as a crash would (for tests). */
  abandon(): void {
    clearInterval(this.timer);
  }

  private readonly heartbeat = (): void => {
    if (this.local.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [eventId, n] of this.local) {
      (pipeline as unknown as PresenceClient).lcPresenceReport(this.prefix + eventId, this.nodeId, n, this.ttlMs);
    }
    pipeline.exec().catch((err: unknown) => {
      this.counters.errors += 1;
      this.log.warn({ err }, 'presence heartbeat failed');
    });
  };
}
