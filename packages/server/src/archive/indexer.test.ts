// The search indexer over a real SQLite store: entries committed while no indexer ran (another
// node, a restart) are found by its first sweep; live ones as they are delivered.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import { parseQuery } from '../engines/search.js';
import { SqliteStore } from '../engines/store.sqlite.js';
import { SearchIndexer } from './indexer.js';

const SETTINGS = {
  slowModeMs: 0,
  maxCommentChars: 500,
  uniqueChat: false,
  blockedTerms: [],
  linksAllowed: true,
  rateLimitPerMinute: 30,
  moderation: { spamBlock: 0.95, spamHold: 0.8, toxicityBlock: 0.95, toxicityHold: 0.8, shadow: false },
};

test('the indexer catches up on what was committed without it, then follows live entries and deletes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lc-indexer-'));
  const store = new SqliteStore(join(dir, 'test.db'));
  const failures: unknown[] = [];
  const indexer = new SearchIndexer(store, { sweepMs: 0, failed: (e) => failures.push(e) });
  try {
    await store.migrate();
    const eventId = 'ev';
    await store.createEvent({
      id: eventId,
      title: 't',
      status: 'live',
      ownerId: 'o',
      createdAt: 1,
      lastSeq: 0,
      settings: SETTINGS,
    });
    const comment = (id: string, text: string) => ({
      eventId,
      entry: {
        type: 'comment' as const,
        comment: { id, eventId, seq: 0, user: { id: 'u', name: 'u' }, text, createdAt: 1 },
      },
    });
    // 1,200 comments before the indexer starts: more than one batch.
    await store.append(
      Array.from({ length: 1200 }, (_, i) => comment(`old${i}`, i === 7 ? 'needle in history' : 'hay')),
    );
    const found = async (q: string) =>
      (await store.search({ eventId, query: parseQuery(q), statuses: ['published'], limit: 10 })).items.map(
        (h) => h.comment.id,
      );
    assert.deepEqual(await found('needle'), [], 'nothing indexed yet');
    indexer.start();
    await indexer.idle();
    await indexer.sweep();
    assert.deepEqual(await found('needle'), ['old7']);
    assert.deepEqual(await store.eventsBehind(10), []);
    // Live: the follower gets the committed entries and the store reads them from the log.
    const [live] = await store.append([comment('live1', 'fresh needle')]);
    indexer.entries(eventId, [(live as { entry: Entry }).entry]);
    await indexer.idle();
    assert.deepEqual(await found('needle'), ['live1', 'old7']);
    const [del] = await store.append([{ eventId, entry: { type: 'delete', commentId: 'old7' } }]);
    indexer.entries(eventId, [(del as { entry: Entry }).entry]);
    await indexer.idle();
    assert.deepEqual(await found('needle'), ['live1']);
    assert.deepEqual(failures, []);
  } finally {
    await indexer.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('live entries gather: several comments in a row are indexed by one store call, and found after it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lc-indexer-'));
  const store = new SqliteStore(join(dir, 'test.db'));
  const calls: string[] = [];
  const counted = {
    indexLog: (eventId: string, limit: number) => {
      calls.push(eventId);
      return store.indexLog(eventId, limit);
    },
    eventsBehind: (limit: number) => store.eventsBehind(limit),
  };
  // A gathering of a minute: only `idle()` (or the timer) ends it.
  const indexer = new SearchIndexer(counted, { sweepMs: 0, failed: (e) => assert.fail(String(e)), gatherMs: 60_000 });
  try {
    await store.migrate();
    const eventId = 'ev';
    await store.createEvent({
      id: eventId,
      title: 't',
      status: 'live',
      ownerId: 'o',
      createdAt: 1,
      lastSeq: 0,
      settings: SETTINGS,
    });
    await indexer.sweep();
    calls.length = 0;
    for (let i = 0; i < 5; i++) {
      const [r] = await store.append([
        {
          eventId,
          entry: {
            type: 'comment',
            comment: { id: `c${i}`, eventId, seq: 0, user: { id: 'u', name: 'u' }, text: `needle ${i}`, createdAt: 1 },
          },
        },
      ]);
      indexer.entries(eventId, [(r as { entry: Entry }).entry]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(calls, [], 'nothing indexed while the gathering lasts');
    await indexer.idle();
    assert.deepEqual(calls, [eventId], 'the five comments in one store call');
    const hits = await store.search({ eventId, query: parseQuery('needle'), statuses: ['published'], limit: 10 });
    assert.equal(hits.items.length, 5);
  } finally {
    await indexer.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
