import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AppendItem } from '../engines/store.js';
import { SqliteStore } from '../engines/store.sqlite.js';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { GroupCommitter } from './committer.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-commit-'));
let store: SqliteStore;
const calls: number[] = [];

before(async () => {
  store = new SqliteStore(join(dir, 'db.sqlite'));
  await store.migrate();
  const append = store.append.bind(store);
  store.append = async (items: AppendItem[]) => {
    calls.push(items.length);
    return append(items);
  };
  for (const id of ['a', 'b']) {
    await store.createEvent({
      id,
      title: id,
      status: 'live',
      ownerId: 'u',
      createdAt: 1,
      lastSeq: 0,
      settings: DEFAULT_SETTINGS,
    });
  }
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const comment = (eventId: string, n: number): AppendItem => ({
  eventId,
  entry: {
    type: 'comment',
    comment: { id: `c${eventId}${n}`, eventId, seq: 0, user: { id: 'u', name: 'u' }, text: `t${n}`, createdAt: n },
  },
});

test('appends arriving together share one transaction and get gapless seqs per event', async () => {
  calls.length = 0;
  const committer = new GroupCommitter(store, { windowMs: 5, maxBatch: 500 });
  const results = await Promise.all([
    ...Array.from({ length: 40 }, (_, i) => committer.append(comment('a', i))),
    ...Array.from({ length: 10 }, (_, i) => committer.append(comment('b', i))),
  ]);
  assert.deepEqual(calls, [50], 'one store.append for the whole burst');
  const seqOf = (r: (typeof results)[number]) => ('entry' in r ? r.entry.seq : -1);
  assert.deepEqual(
    results.slice(0, 40).map(seqOf),
    Array.from({ length: 40 }, (_, i) => i + 1),
  );
  assert.deepEqual(
    results.slice(40).map(seqOf),
    Array.from({ length: 10 }, (_, i) => i + 1),
  );
  assert.equal((await store.getEvent('a'))!.lastSeq, 40);
});

test('a batch is capped; what arrives during a commit goes in the next one', async () => {
  calls.length = 0;
  const committer = new GroupCommitter(store, { windowMs: 0, maxBatch: 8 });
  await Promise.all(Array.from({ length: 20 }, (_, i) => committer.append(comment('b', 100 + i))));
  assert.deepEqual(calls, [8, 8, 4]);
  await committer.drain();
});

test('a failing commit rejects its waiters and the committer goes on', async () => {
  const committer = new GroupCommitter(store, { windowMs: 0, maxBatch: 10 });
  await assert.rejects(committer.append(comment('missing', 1)), /unknown event/);
  const ok = await committer.append(comment('a', 999));
  assert.ok('entry' in ok && ok.entry.seq === 41);
});

test('with several commits in flight, batches go on without waiting and keep their order', async () => {
  calls.length = 0;
  const committer = new GroupCommitter(store, { windowMs: 0, maxBatch: 4, maxInFlight: 3 });
  const before = (await store.getEvent('b'))!.lastSeq;
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => committer.append(comment('b', 200 + i))));
  assert.deepEqual(calls, [4, 4, 2]);
  assert.deepEqual(
    results.map((r) => ('entry' in r ? r.entry.seq : -1)),
    Array.from({ length: 10 }, (_, i) => before + i + 1),
  );
  await committer.drain();
});

test('an idle store commits at once, whatever the window; behind a commit in flight appends gather until it ends', async () => {
  calls.length = 0;
  // A window of a minute: were it waited, the test would time out.
  const committer = new GroupCommitter(store, { windowMs: 60_000, maxBatch: 100, maxInFlight: 4 });
  const first = await committer.append(comment('a', 300));
  assert.ok('entry' in first);
  assert.deepEqual(calls, [1], 'the lone append went in its own commit, without the window');

  // Hold the next commit in flight: what arrives meanwhile gathers, and goes once it ends.
  const append = store.append;
  const sent: number[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  store.append = async (items: AppendItem[]) => {
    sent.push(items.length);
    if (sent.length === 1) await held;
    return append(items);
  };
  try {
    const inFlight = committer.append(comment('a', 301));
    await new Promise((resolve) => setImmediate(resolve));
    const behind = [committer.append(comment('a', 302)), committer.append(comment('a', 303))];
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(sent, [1], 'nothing more went to the store while the first commit was in flight');
    release();
    await Promise.all([inFlight, ...behind]);
    assert.deepEqual(sent, [1, 2], 'the two that waited went in one commit as soon as it ended');
  } finally {
    store.append = append;
  }
  await committer.drain();
});
