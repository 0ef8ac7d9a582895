import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketOf, bucketValue, Histogram } from './histogram.js';

test('buckets are monotonic and within about 6% of the value', () => {
  let previous = -1;
  for (let v = 0; v < 5_000_000; v = Math.floor(v * 1.01) + 1) {
    const b = bucketOf(v);
    assert.ok(b >= previous, `bucket of ${v}`);
    previous = b;
    if (v >= 16) assert.ok(Math.abs(bucketValue(b) - v) / v < 0.07, `value of ${v}: ${bucketValue(b)}`);
  }
});

test('quantiles, merging and the sparse form', () => {
  const a = new Histogram();
  for (let i = 1; i <= 1000; i++) a.record(i * 100);
  assert.ok(Math.abs(a.quantile(0.5) - 50_000) / 50_000 < 0.07);
  assert.ok(Math.abs(a.quantile(0.99) - 99_000) / 99_000 < 0.07);
  const b = Histogram.fromSparse(a.toSparse(), a.max);
  b.add(a);
  assert.equal(b.total, 2000);
  assert.equal(b.max, 100_000);
  assert.ok(Number.isNaN(new Histogram().quantile(0.5)));
});
