import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import { Sequencer } from './sequencer.js';

const entry = (seq: number): Entry => ({ seq, type: 'delete', commentId: `c${seq}` });

test('delivers in order, once, whatever the arrival order', () => {
  const seen: number[] = [];
  const s = new Sequencer(0, (e) => seen.push(e.seq));
  s.push([entry(1), entry(2)]);
  s.push([entry(2), entry(4)]);
  assert.deepEqual(seen, [1, 2]);
  assert.equal(s.waiting, 1);
  s.push([entry(3), entry(1)]);
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.equal(s.waiting, 0);
  assert.equal(s.cursor, 4);
});

test('jump moves the resume point and drops what it passes', () => {
  const seen: number[] = [];
  const s = new Sequencer(0, (e) => seen.push(e.seq));
  s.push([entry(5), entry(9)]);
  s.jump(8);
  assert.equal(s.waiting, 1);
  s.push([entry(8)]);
  assert.deepEqual(seen, [9]);
});
