// The analytics follower over a real SQLite store: it counts each log entry once, whether entries
// come twice, late, out of order or not at all (then it reads them from the store), across a
// restart that hands it entries it counted before, and beside another node's follower.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import { SqliteStore } from '../engines/store.sqlite.js';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { AnalyticsFollower } from './follower.js';

let dir: string;
let store: SqliteStore;
const T0 = 1_700_000_040_000;
const failures: unknown[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lc-analytics-'));
  store = new SqliteStore(join(dir, 'a.db'), { writer: 'inline' });
  await store.migrate();
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A follower as a node makes one (its timer is far off: the test flushes). */
function follower(maxPerFlush?: number): AnalyticsFollower {
  return new AnalyticsFollower(
    { store, error: (e) => failures.push(e) },
    { flushMs: 3_600_000, standbyMs: 3_600_000, ...(maxPerFlush ? { maxPerFlush } : {}) },
  );
}

/** A new event with `n` comments by users u0..u2 in its log, one every 20 seconds; its entries. */
async function eventWith(n: number): Promise<{ eventId: string; log: Entry[] }> {
  const eventId = `ev-${Math.random().toString(36).slice(2)}`;
  await store.createEvent({
    id: eventId,
    title: 't',
    status: 'live',
    ownerId: 'o',
    createdAt: T0,
    lastSeq: 0,
    settings: DEFAULT_SETTINGS,
  });
  await appendComments(eventId, 0, n);
  return { eventId, log: await store.readAfter(eventId, 0, 10_000) };
}

async function appendComments(eventId: string, from: number, n: number): Promise<void> {
  const items = Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      eventId,
      entry: {
        type: 'comment' as const,
        comment: {
          id: `${eventId}-c${i}`,
          eventId,
          seq: 0,
          user: { id: `u${i % 3}`, name: `user ${i % 3}` },
          text: `c${i}`,
          createdAt: T0 + i * 20_000,
        },
      },
    };
  });
  if (items.length > 0) await store.append(items);
}

async function totals(eventId: string) {
  return (await store.readAnalytics(eventId, { from: T0, to: T0 + 3_600_000, top: 3 })).totals;
}

test('entries heard twice, out of order or with gaps count once; the gaps come from the store', async () => {
  const { eventId, log } = await eventWith(12);
  const f = follower();
  try {
    f.entries(eventId, log.slice(6, 9));
    f.entries(eventId, log.slice(0, 2));
    f.entries(eventId, log.slice(0, 2));
    f.entries(eventId, [log[11]!]);
    await f.flush();
    const t = await totals(eventId);
    assert.equal(t.comments, 12, 'seqs 3..6 and 10..11 read from the store');
    assert.equal(t.newChatters, 3);
    assert.equal(await store.analyticsCursor(eventId), 12);
    const read = await store.readAnalytics(eventId, { from: T0, to: T0 + 3_600_000, top: 3 });
    assert.deepEqual(
      read.minutes.map((m) => m.comments),
      [3, 3, 3, 3],
      'comments by the minute they were posted',
    );
    assert.deepEqual(failures, []);
  } finally {
    await f.close();
  }
});

test('a restarted follower resumes from the stored cursor: what it hears again is not counted twice', async () => {
  const { eventId, log } = await eventWith(6);
  const first = follower();
  first.entries(eventId, log.slice(0, 4));
  await first.close();
  assert.equal((await totals(eventId)).comments, 4);
  // The node restarts; the hub's catch-up and the bus hand the new follower old and new entries.
  await appendComments(eventId, 6, 3);
  const all = await store.readAfter(eventId, 0, 100);
  const second = follower();
  try {
    second.entries(eventId, all.slice(0, 7));
    second.entries(eventId, all.slice(2, 9));
    await second.flush();
    await second.flush();
    assert.equal((await totals(eventId)).comments, 9);
    // Flushing again, or a catch-up to the end, counts nothing more.
    await second.catchUp(eventId, 9);
    const t = await totals(eventId);
    assert.equal(t.comments, 9);
    assert.equal(t.newChatters, 3);
  } finally {
    await second.close();
  }
});

test('two nodes following one event: every entry counted once; the loser stands back', async () => {
  const { eventId, log } = await eventWith(10);
  const a = follower();
  const b = follower();
  try {
    a.entries(eventId, log.slice(0, 5));
    b.entries(eventId, log.slice(0, 5));
    await Promise.all([a.flush(), b.flush()]);
    assert.equal((await totals(eventId)).comments, 5);
    a.entries(eventId, log.slice(5));
    b.entries(eventId, log.slice(5));
    await Promise.all([a.flush(), b.flush()]);
    await Promise.all([a.flush(), b.flush()]);
    // The one that stood back still counts when asked to catch up (a reader on its node).
    await Promise.all([a.catchUp(eventId, 10), b.catchUp(eventId, 10)]);
    const t = await totals(eventId);
    assert.equal(t.comments, 10);
    assert.equal(t.newChatters, 3);
    assert.equal(await store.analyticsCursor(eventId), 10);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a catch-up counts an event it never heard of, from the store, a bounded run per flush', async () => {
  const { eventId } = await eventWith(25);
  const f = follower(10);
  try {
    await f.catchUp(eventId, 25);
    assert.equal((await totals(eventId)).comments, 10, 'one bounded run');
    await f.flush();
    await f.flush();
    assert.equal((await totals(eventId)).comments, 25);
    f.sampleViewers(eventId, 7, T0);
    f.sampleViewers(eventId, 3, T0 + 1);
    await f.flush();
    const t = await totals(eventId);
    assert.deepEqual([t.viewersPeak, t.viewersSum, t.viewersSamples], [7, 10, 2]);
  } finally {
    await f.close();
  }
});
