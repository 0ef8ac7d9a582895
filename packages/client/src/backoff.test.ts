import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from './backoff.js';

test('backoff doubles from 1 s to 30 s without jitter', () => {
  const b = new Backoff({ jitter: 0 });
  const delays = Array.from({ length: 8 }, () => b.next());
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  b.reset();
  assert.equal(b.next(), 1000);
});

test('jitter keeps each delay between half and all of its step', () => {
  const low = new Backoff({}, () => 0.999);
  const high = new Backoff({}, () => 0);
  assert.equal(high.next(), 1000);
  assert.ok(low.next() >= 500);
  for (let i = 0; i < 10; i++) {
    const d = new Backoff().next();
    assert.ok(d >= 500 && d <= 1000, `delay ${d}`);
  }
});
