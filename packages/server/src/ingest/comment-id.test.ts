import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newCommentId } from './comment-id.js';

test('comment ids are unique, fit the id pattern and sort by time', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => newCommentId(1_700_000_000_000 + Math.floor(i / 10)));
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^c_[0-9a-z]{9}[0-9a-f]{16}$/);
  const times = ids.map((id) => id.slice(2, 11));
  assert.deepEqual(times, [...times].sort());
  assert.ok(newCommentId(1) < newCommentId(36 ** 8), 'fixed width keeps text order equal to time order');
});
