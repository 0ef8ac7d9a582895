// How fast the analytics follower counts a log, and a read of a day of minutes, on SQLite and
// PostgreSQL. Not a test (no assertion on time): `npm run build --silent && node
// packages/server/dist/test/analytics-bench.js [comments] [users]` prints the median of 3 runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AnalyticsFollower } from '../src/analytics/follower.js';
import type { Store } from '../src/engines/store.js';
import { createPostgresStore } from '../src/engines/store.postgres.js';
import { SqliteStore } from '../src/engines/store.sqlite.js';
import { DEFAULT_SETTINGS } from '../src/events/settings.js';
import { createTestSchema } from './services.js';

const COMMENTS = Number(process.argv[2] ?? 20_000);
const USERS = Number(process.argv[3] ?? 2_000);
const T0 = Date.UTC(2026, 0, 1);

async function fill(store: Store, eventId: string): Promise<void> {
  await store.createEvent({
    id: eventId,
    title: 'bench',
    status: 'live',
    ownerId: 'o',
    createdAt: T0,
    lastSeq: 0,
    settings: DEFAULT_SETTINGS,
  });
  for (let i = 0; i < COMMENTS; i += 500) {
    const items = Array.from({ length: Math.min(500, COMMENTS - i) }, (_, k) => {
      const n = i + k;
      const user = `u${(n * 7919) % USERS}`;
      return {
        eventId,
        entry: {
          type: 'comment' as const,
          // Spread over a day of minutes.
          comment: {
            id: `c${n}`,
            eventId,
            seq: 0,
            user: { id: user, name: user },
            text: 'hi',
            createdAt: T0 + n * 4_000,
          },
        },
      };
    });
    await store.append(items);
  }
}

/** Seconds to count the whole log (a catch-up, as after a restart) and to read a day of minutes. */
async function once(store: Store, run: number): Promise<{ count: number; read: number }> {
  const eventId = `bench-${run}-${Date.now()}`;
  await fill(store, eventId);
  const follower = new AnalyticsFollower(
    { store, error: (e) => console.error(e) },
    { flushMs: 3_600_000, maxPerFlush: 5_000 },
  );
  const start = performance.now();
  while ((await store.analyticsCursor(eventId)) < COMMENTS) await follower.catchUp(eventId, COMMENTS);
  const count = (performance.now() - start) / 1000;
  const before = performance.now();
  const read = await store.readAnalytics(eventId, { from: T0, to: T0 + 1440 * 60_000, top: 10 });
  const readS = (performance.now() - before) / 1000;
  if (read.totals.comments !== COMMENTS) throw new Error(`counted ${read.totals.comments} of ${COMMENTS}`);
  await follower.close();
  return { count, read: readS };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

async function bench(name: string, store: Store): Promise<void> {
  const runs = [];
  for (let r = 0; r < 3; r++) runs.push(await once(store, r));
  const count = median(runs.map((r) => r.count));
  const read = median(runs.map((r) => r.read));
  console.log(
    `${name}: ${COMMENTS} comments by ${USERS} users counted in ${count.toFixed(2)} s ` +
      `(${Math.round(COMMENTS / count)} entries/s); a day of minutes read in ${(read * 1000).toFixed(1)} ms (median of 3)`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'lc-analytics-bench-'));
const sqlite = new SqliteStore(join(dir, 'bench.db'));
await sqlite.migrate();
await bench('sqlite', sqlite);
await sqlite.close();
rmSync(dir, { recursive: true, force: true });

const schema = await createTestSchema('lc_analytics_bench');
try {
  const pg = createPostgresStore(schema.pool(4));
  await pg.migrate();
  await bench('postgres', pg);
} finally {
  await schema.drop();
}
