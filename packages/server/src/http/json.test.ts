import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nestsDeeper } from './json.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

test('nestsDeeper counts objects and arrays, not brackets inside strings', () => {
  assert.equal(nestsDeeper(bytes('{"a":[1,{"b":[]}]}'), 4), false);
  assert.equal(nestsDeeper(bytes('{"a":[1,{"b":[]}]}'), 3), true);
  assert.equal(nestsDeeper(bytes('{"a":"[[[[{{{{"}'), 1), false);
  assert.equal(nestsDeeper(bytes('{"a":"\\"[[[[","b":"é{{"}'), 1), false);
  assert.equal(nestsDeeper(bytes('{"a":"\\\\","b":[[]]}'), 2), true, 'an escaped backslash ends before the quote');
  assert.equal(nestsDeeper(bytes('{"a":"\\\\\\"[[[[","b":1}'), 1), false, 'three backslashes escape the quote');
  assert.equal(nestsDeeper(bytes('{"a":"[[[[ unterminated'), 1), false);
  assert.equal(nestsDeeper(bytes(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 32), true);
});
