// Replay reads on a large event, in both SQL stores: N comments (default 100,000) at whole-second
// media times over two hours (so many share one), 1% deleted, 5 of 200 authors banned. Prints
// the time of one page read (`readReplay`, limit 100) from random media times, median and p95,
// and the time to page through the whole event by cursor.
// `npm run bench:replay -- --comments 20000 --reads 300` (PostgreSQL from LC_TEST_DATABASE_URL).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Comment } from '@livecomments/protocol';
import type { AppendItem, ReplayFrom, Store } from '../src/engines/store.js';
import { createPostgresStore } from '../src/engines/store.postgres.js';
import { SqliteStore } from '../src/engines/store.sqlite.js';
import { DEFAULT_SETTINGS } from '../src/events/settings.js';
import { createTestSchema } from './services.js';

const { values } = parseArgs({
  options: { comments: { type: 'string', default: '100000' }, reads: { type: 'string', default: '300' } },
});
const COMMENTS = Number(values.comments);
const READS = Number(values.reads);
const LIMIT = 100;
const AUTHORS = 200;
const TWO_HOURS_S = 7200;

/** A fixed pseudo-random sequence, so both stores get the same event. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

async function fill(store: Store, eventId: string): Promise<void> {
  await store.createEvent({
    id: eventId,
    title: 'bench',
    status: 'live',
    ownerId: 'o',
    createdAt: 0,
    lastSeq: 0,
    epoch: 'e',
    settings: DEFAULT_SETTINGS,
  });
  const rnd = random(42);
  const ids: string[] = [];
  for (let done = 0; done < COMMENTS; ) {
    const batch: AppendItem[] = [];
    for (let i = 0; i < 500 && done < COMMENTS; i++, done++) {
      const id = `c${done}`;
      ids.push(id);
      const user = `u${Math.floor(rnd() * AUTHORS)}`;
      const comment: Comment = {
        id,
        eventId,
        seq: 0,
        user: { id: user, name: user },
        text: `comment number ${done} about the match`,
        createdAt: done,
        mediaTimeMs: Math.floor(rnd() * TWO_HOURS_S) * 1000,
      };
      batch.push({ eventId, entry: { type: 'comment', comment } });
    }
    await store.append(batch);
  }
  const removals: AppendItem[] = [];
  for (let i = 0; i < COMMENTS / 100; i++) {
    removals.push({ eventId, entry: { type: 'delete', commentId: ids[Math.floor(rnd() * ids.length)]! } });
  }
  for (let u = 0; u < 5; u++) removals.push({ eventId, entry: { type: 'ban', userId: `u${u * 40}`, until: null } });
  await store.append(removals);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function measure(name: string, store: Store): Promise<Record<string, unknown>> {
  const eventId = 'bench-replay';
  const t0 = performance.now();
  await fill(store, eventId);
  const fillS = (performance.now() - t0) / 1000;
  const rnd = random(7);
  const reads: number[] = [];
  for (let i = 0; i < READS; i++) {
    const from: ReplayFrom = { ms: Math.floor(rnd() * TWO_HOURS_S) * 1000, afterSeq: 0 };
    const start = performance.now();
    await store.readReplay(eventId, from, LIMIT);
    reads.push(performance.now() - start);
  }
  reads.sort((a, b) => a - b);
  const t1 = performance.now();
  let from: ReplayFrom = { ms: 0, afterSeq: 0 };
  let pages = 0;
  let seen = 0;
  for (;;) {
    const page = await store.readReplay(eventId, from, 500);
    pages++;
    seen += page.length;
    const last = page.at(-1);
    if (!last || page.length < 500) break;
    from = { ms: last.mediaTimeMs ?? 0, afterSeq: last.seq };
  }
  return {
    store: name,
    comments: COMMENTS,
    fillSeconds: Number(fillS.toFixed(1)),
    pageOf100: { medianMs: Number(quantile(reads, 0.5).toFixed(2)), p95Ms: Number(quantile(reads, 0.95).toFixed(2)) },
    wholeEvent: { pagesOf500: pages, comments: seen, seconds: Number(((performance.now() - t1) / 1000).toFixed(2)) },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'lc-bench-replay-'));
const sqlite = new SqliteStore(join(dir, 'bench.db'), { synchronous: 'NORMAL' });
const schema = await createTestSchema('lc_bench');
const pg = createPostgresStore(schema.pool(4));
try {
  await sqlite.migrate();
  process.stdout.write(`${JSON.stringify(await measure('sqlite', sqlite))}\n`);
  await pg.migrate();
  process.stdout.write(`${JSON.stringify(await measure('postgres', pg))}\n`);
} finally {
  await sqlite.close();
  await pg.close();
  await schema.drop();
  rmSync(dir, { recursive: true, force: true });
}
