import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fold } from './fold.js';

test('folding keeps ligatures readable but expands no character past four letters', () => {
  assert.equal(fold('ﬁnal ①Ⓑ ＦＵＬＬ'), 'final 1b full');
  // U+FDFA expands to 18 letters under NFKD: 2,000 of them would be 36,000 letters for every
  // later stage to read; it stays one character.
  const heavy = '\ufdfa'.repeat(2000);
  assert.equal(fold(heavy).length, 2000);
  assert.equal(fold(`idiot \ufdfa café`), `idiot \ufdfa cafe`);
});

test('fold keeps the last result only for the same text, never a stale one', () => {
  assert.equal(fold('ÀBC'), 'abc');
  assert.equal(fold('ÀBC'), 'abc');
  assert.equal(fold('Été'), 'ete');
  assert.equal(fold(''), '');
  assert.equal(fold('ÀBC'), 'abc');
  assert.equal(fold(`${'À'}BC`), 'abc');
});
