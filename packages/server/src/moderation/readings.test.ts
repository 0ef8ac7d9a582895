import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readings } from './readings.js';

test('a text is read folded, with signs inside words as letters and other signs as spaces', () => {
  assert.deepEqual(readings('Müslims-are  $CUM!!'), ['muslims are scum']);
  assert.deepEqual(readings('he’s @bob’s friend'), ["he's you's friend"]);
  assert.deepEqual(readings('the All Blacks won'), ['the allblacks won']);
  assert.deepEqual(readings('2 + 2 = 4'), ['2 2 4'], 'numbers alone stay numbers');
});

test('each word with a "1" is read both ways, and stretched letters once and twice', () => {
  assert.deepEqual(readings('k1ll a11'), ['kill aii', 'klll aii', 'kill all', 'klll all']);
  assert.deepEqual(readings('alll gooo'), ['al go', 'all goo']);
  assert.equal(readings('1a 1b 1c 1d 1e').length, 2, 'past four ambiguous words, all one way or the other');
});
