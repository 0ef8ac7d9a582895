import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnswerCache, type LookUp } from './cache.js';

/** A cache on a clock the test moves, with every look-up's result recorded. */
function cacheOf(maxSize: number) {
  const clock = { now: 1_000 };
  const seen: LookUp[] = [];
  const cache = new AnswerCache<string>(maxSize, () => clock.now);
  let calls = 0;
  function look(key: string, value = key, ttlMs = 1_000): Promise<string> {
    return cache.get(
      key,
      async () => {
        calls++;
        return { value, ttlMs };
      },
      (r) => seen.push(r),
    );
  }
  return { cache, clock, seen, look, calls: () => calls };
}

test('an answer is kept for its own lifetime, then asked for again', async () => {
  const { clock, seen, look, calls } = cacheOf(10);
  assert.equal(await look('a', 'A', 1_000), 'A');
  assert.equal(await look('b', 'B', 5_000), 'B');
  clock.now += 999;
  assert.equal(await look('a', 'changed'), 'A', 'still kept');
  clock.now += 1;
  assert.equal(await look('a', 'A2'), 'A2', 'expired: asked again');
  assert.equal(await look('b', 'changed'), 'B', 'b lives longer');
  assert.deepEqual(seen, ['miss', 'miss', 'hit', 'miss', 'hit']);
  assert.equal(calls(), 3);
});

test('a lifetime of 0 is not kept', async () => {
  const { look, calls } = cacheOf(10);
  await look('a', 'A', 0);
  await look('a', 'A', 0);
  assert.equal(calls(), 2);
});

test('bounded: past its size the least recently used answer goes first', async () => {
  const { cache, look, seen } = cacheOf(3);
  await look('a');
  await look('b');
  await look('c');
  await look('a'); // a is now the most recent
  await look('d'); // b goes
  assert.equal(cache.size, 3);
  seen.length = 0;
  await look('a');
  await look('c');
  await look('d');
  await look('b');
  assert.deepEqual(seen, ['hit', 'hit', 'hit', 'miss']);
});

test('look-ups while a call is in flight share it; a failure is shared and not kept', async () => {
  const cache = new AnswerCache<string>(10);
  const seen: LookUp[] = [];
  let calls = 0;
  let fail!: (error: Error) => void;
  const failing = () => {
    calls++;
    return new Promise<{ value: string; ttlMs: number }>((_, reject) => {
      fail = reject;
    });
  };
  const record = (r: LookUp) => seen.push(r);
  const first = cache.get('k', failing, record);
  const second = cache.get('k', failing, record);
  fail(new Error('down'));
  await assert.rejects(first, /down/);
  await assert.rejects(second, /down/);
  assert.equal(calls, 1);
  assert.equal(await cache.get('k', async () => ({ value: 'up', ttlMs: 1000 }), record), 'up');
  assert.deepEqual(seen, ['miss', 'shared', 'miss']);
});

test('a loader that throws at once leaves nothing in flight', async () => {
  const cache = new AnswerCache<string>(10);
  assert.throws(() => {
    throw new Error('x');
  });
  await assert.rejects(
    cache.get('k', () => {
      throw new Error('at once');
    }),
    /at once/,
  );
  assert.equal(await cache.get('k', async () => ({ value: 'fine', ttlMs: 10 })), 'fine');
});
