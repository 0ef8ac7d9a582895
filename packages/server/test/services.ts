// Test access to the machine's PostgreSQL and Redis: a fresh schema or key prefix per run, so
// runs never see each other's data. Override the addresses with LC_TEST_DATABASE_URL and
// LC_TEST_REDIS_URL.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import pg from 'pg';

/** The PostgreSQL database tests use. */
export const TEST_DATABASE_URL = process.env.LC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The Redis server tests use. */
export const TEST_REDIS_URL = process.env.LC_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A short random name part. */
export function runId(): string {
  return `${process.pid.toString(36)}${randomBytes(4).toString('hex')}`;
}

/** A schema of its own in the test database, with pools whose search_path points at it. */
export interface TestSchema {
  name: string;
  /** A connection string that selects the schema (for child processes). */
  url: string;
  /** A new pool on the schema; closed by `drop`. */
  pool(max?: number): pg.Pool;
  /** Ends the pools and drops the schema. */
  drop(): Promise<void>;
}

/** Creates a fresh schema for one test run. */
export async function createTestSchema(prefix = 'lc_test'): Promise<TestSchema> {
  const name = `${prefix}_${runId()}`;
  const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  await admin.query(`CREATE SCHEMA ${name}`);
  const url = withSearchPath(TEST_DATABASE_URL, name);
  const pools: pg.Pool[] = [];
  return {
    name,
    url,
    pool(max = 4) {
      const p = new pg.Pool({ connectionString: url, max });
      pools.push(p);
      return p;
    },
    async drop() {
      await Promise.all(pools.map((p) => p.end().catch(() => {})));
      await admin.query(`DROP SCHEMA ${name} CASCADE`).catch(() => {});
      await admin.end();
    },
  };
}

/** Adds `options=-c search_path=<schema>` to a PostgreSQL connection string. */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** A Redis client for tests. */
export function testRedis(url = TEST_REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2 });
}

/** Resolves once the client is connected and ready. */
export async function redisReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return;
  await once(client, 'ready');
}
