import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Ban, Store } from '../engines/store.js';
import { BanCache } from './bans.js';

/** A store whose bans the test sets, counting reads. */
function fakeStore(bans: Ban[]): Store & { reads: number } {
  const store = {
    reads: 0,
    async listBans(eventId: string) {
      store.reads++;
      return bans.filter((b) => b.eventId === eventId);
    },
  };
  return store as unknown as Store & { reads: number };
}

const ban = (userId: string, until: number | null): Ban => ({ eventId: 'e', userId, until, by: 'm', createdAt: 1 });

test('bans are read once per event and then answered from memory until stale', async () => {
  const store = fakeStore([ban('troll', null), ban('past', 500)]);
  const cache = new BanCache(store, 1_000);
  assert.equal(await cache.until('e', 'troll', 1000), null);
  assert.equal(await cache.until('e', 'past', 1000), false, 'an ended ban does not count');
  assert.equal(await cache.until('e', 'nice', 1000), false);
  assert.equal(store.reads, 1);
  await Promise.all([cache.until('e', 'x', Date.now() + 5_000), cache.until('e', 'y', Date.now() + 5_000)]);
  assert.equal(store.reads, 2, 'a stale event is read again, once for concurrent posts');
});

test('a ban entry applies to the next post; a later lift ends it; an older entry is ignored', async () => {
  const cache = new BanCache(fakeStore([]), 60_000);
  const now = Date.now();
  assert.equal(await cache.until('e', 'u', now), false);
  cache.note('e', { seq: 7, type: 'ban', userId: 'u', until: null });
  assert.equal(await cache.until('e', 'u', now), null);
  cache.note('e', { seq: 8, type: 'ban', userId: 'u', until: now - 1 });
  assert.equal(await cache.until('e', 'u', now), false, 'lifted');
  cache.note('e', { seq: 7, type: 'ban', userId: 'u', until: null });
  assert.equal(await cache.until('e', 'u', now), false, 'the late copy of seq 7 changes nothing');
  cache.note('e', { seq: 9, type: 'ban', userId: 'u', until: now + 60_000 });
  assert.equal(await cache.until('e', 'u', now), now + 60_000);
});

test('cached answers from memory only: undefined until the event is read, then each ban without a read', async () => {
  const store = fakeStore([ban('troll', null), ban('short', 5_000), ban('past', 500)]);
  const cache = new BanCache(store, 1_000);
  assert.equal(cache.cached('e', 'troll', 1000), undefined, 'not read yet');
  assert.equal(store.reads, 0, 'cached never reads the store');
  await cache.until('e', 'nice', 1000);
  assert.equal(cache.cached('e', 'troll', 1000), null, 'a permanent ban');
  assert.equal(cache.cached('e', 'short', 1000), 5_000);
  assert.equal(cache.cached('e', 'past', 1000), false, 'an ended ban');
  assert.equal(cache.cached('e', 'nice', 1000), false);
  assert.equal(cache.cached('e', 'troll', Date.now() + 5_000), undefined, 'stale: read again first');
  assert.equal(store.reads, 1);
});

test('a ban seen while the store is read is kept', async () => {
  let release: (bans: Ban[]) => void = () => {};
  const store = {
    listBans: () => new Promise<Ban[]>((resolve) => (release = resolve)),
  } as unknown as Store;
  const cache = new BanCache(store, 60_000);
  const pending = cache.until('e', 'u');
  cache.note('e', { seq: 3, type: 'ban', userId: 'u', until: null });
  release([]);
  assert.equal(await pending, null);
});
