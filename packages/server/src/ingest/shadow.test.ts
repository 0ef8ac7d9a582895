import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommentEntry, Entry } from '@livecomments/protocol';
import { withShadowed } from './shadow.js';

const entry = (seq: number, id = `c${seq}`): CommentEntry => ({
  seq,
  type: 'comment',
  comment: { id, eventId: 'e', seq, user: { id: 'u', name: 'u' }, text: id, createdAt: 0 },
});
const ids = (items: Entry[]) => items.map((e) => (e.type === 'comment' ? e.comment.id : e.seq));

test('shadowed comments go into the page they fall in, before a real entry of the same seq', () => {
  const page = [entry(1), entry(2), entry(3)];
  const shadows = [entry(2, 's2'), entry(5, 's5')];
  assert.deepEqual(ids(withShadowed(page, shadows, { after: 0 }, false)), ['c1', 's2', 'c2', 'c3', 's5']);
  assert.deepEqual(
    ids(withShadowed(page, shadows, { after: 0 }, true)),
    ['c1', 's2', 'c2', 'c3'],
    'a full page ends at 3',
  );
  assert.deepEqual(ids(withShadowed(page, shadows, { after: 2 }, false)), ['c1', 'c2', 'c3', 's5']);
  const newest = [entry(3), entry(2)];
  assert.deepEqual(ids(withShadowed(newest, shadows, { before: 4 }, true)), ['c3', 's2', 'c2']);
  assert.deepEqual(ids(withShadowed([], shadows, { after: 9 }, false)), []);
});
