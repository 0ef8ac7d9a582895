import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameCache, scanFrame, stampedText } from './scan.js';

function entry(seq: number, sent: number | null): string {
  const text = sent === null ? 'plain' : stampedText(sent, 40, `p${seq}`);
  return JSON.stringify({
    seq,
    type: 'comment',
    comment: { id: `c${seq}`, eventId: 'ev', seq, user: { id: 'u', name: 'n' }, text, createdAt: 1 },
  });
}

test('a frame of entries: seqs, stamps, gaps inside', () => {
  const frame = Buffer.from(
    `{"type":"entries","items":[${entry(7, 1_000_000)},${entry(8, null)},${entry(9, 2_000_123)}]}`,
  );
  const info = scanFrame(frame, 0, frame.length)!;
  assert.equal(info.first, 7);
  assert.equal(info.last, 9);
  assert.equal(info.count, 3);
  assert.ok(info.consecutive);
  assert.deepEqual([...info.stamps], [1_000_000, Number.NaN, 2_000_123]);
  const gappy = Buffer.from(`{"type":"entries","items":[${entry(1, 5)},${entry(3, 6)}]}`);
  assert.equal(scanFrame(gappy, 0, gappy.length)!.consecutive, false);
  const presence = Buffer.from('{"type":"presence","viewers":3}');
  assert.equal(scanFrame(presence, 0, presence.length), null);
});

test('the cache reads a frame once per event and range, within a larger buffer', () => {
  const cache = new FrameCache();
  const body = `event: entries\nid: 2\ndata: {"items":[${entry(1, 10)},${entry(2, 20)}]}`;
  const buf = Buffer.from(`xx${body}\n\nyy`);
  const a = cache.get(0, buf, 2, 2 + Buffer.byteLength(body))!;
  const b = cache.get(0, buf, 2, 2 + Buffer.byteLength(body))!;
  assert.equal(a, b);
  assert.equal(cache.scans, 1);
  assert.equal(a.first, 1);
  assert.equal(a.last, 2);
  cache.get(1, buf, 2, 2 + Buffer.byteLength(body));
  assert.equal(cache.scans, 2, 'another event is another key');
});
