// Engines given to a node (tests, embedders) are used as they are: nothing is built in their place.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemoryBus } from '../src/engines/bus.memory.js';
import { createEngines } from '../src/engines/index.js';
import { MemoryPresence } from '../src/engines/presence.memory.js';
import { MemoryRateLimiter } from '../src/engines/rate-limiter.memory.js';
import { MemoryRecentSet } from '../src/engines/recent-set.memory.js';
import { SqliteStore } from '../src/engines/store.sqlite.js';
import { createEvent, devToken, post, startNode, tempDir } from './support.js';

/** A real SQLite store that counts its closes. */
class CountingStore extends SqliteStore {
  closes = 0;
  override async close(): Promise<void> {
    this.closes++;
    await super.close();
  }
}

test('a node given a store opens no SQLite file of its own, writes to the given one and closes it', async () => {
  const dir = tempDir();
  const store = new CountingStore(join(dir, 'given.db'));
  await store.migrate();
  const node = await startNode({}, { engines: { store } });
  try {
    const admin = await devToken(node.url, 'host', 'admin');
    const eventId = await createEvent(node.url, admin.token);
    assert.equal((await post(node.url, admin.token, eventId, 'into the given store')).status, 201);
    const entries = await store.readAfter(eventId, 0, 10);
    assert.ok(
      entries.some((e) => e.type === 'comment' && e.comment.text === 'into the given store'),
      'the comment is in the given store',
    );
    assert.equal(existsSync(join(node.dataDir, 'livecomments.db')), false, 'no store of its own');
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(store.closes, 1, 'the node closes the store it was given');
});

test('with every engine given, nothing is built: no database or Redis connection, and close() leaves them open', async () => {
  const dir = tempDir();
  const store = new CountingStore(join(dir, 'given.db'));
  await store.migrate();
  const given = {
    store,
    bus: new MemoryBus(),
    presence: new MemoryPresence(),
    limiter: new MemoryRateLimiter(),
    recent: new MemoryRecentSet(),
  };
  const warnings: string[] = [];
  // Nothing listens on port 1: building an engine there would fail or warn.
  const built = await createEngines(
    { dataDir: dir, databaseUrl: 'postgres://127.0.0.1:1/none', redisUrl: 'redis://127.0.0.1:1' },
    { log: { warn: (_obj, msg) => warnings.push(msg) }, given },
  );
  try {
    assert.deepEqual(built.kinds, {
      store: 'given',
      bus: 'given',
      presence: 'given',
      limiter: 'given',
      recent: 'given',
    });
    assert.equal(built.store, store);
    assert.equal(built.limiter, given.limiter);
    await built.close();
    assert.deepEqual(warnings, []);
    assert.equal(store.closes, 0, 'a given engine is closed by its owner');
    assert.equal(existsSync(join(dir, 'livecomments.db')), false);
  } finally {
    for (const engine of Object.values(given)) await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only the engines not given are built', async () => {
  const dir = tempDir();
  const bus = new MemoryBus();
  const built = await createEngines({ dataDir: dir }, { given: { bus } });
  try {
    assert.equal(built.bus, bus);
    assert.equal(built.kinds.bus, 'given');
    assert.equal(built.kinds.store, 'sqlite');
    assert.equal(built.kinds.limiter, 'memory');
    assert.ok(existsSync(join(dir, 'livecomments.db')), 'the store not given is built');
  } finally {
    await built.close();
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
