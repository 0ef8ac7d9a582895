import assert from 'node:assert/strict';
import { test } from 'node:test';
import { charCount, normaliseText } from './normalise.js';

test('NFC, one line, no controls or direction overrides, trimmed', () => {
  assert.equal(normaliseText('  e\u0301t\u00e9 \n\r\tici  '), '\u00e9t\u00e9 ici');
  assert.equal(normaliseText('a\u0000b\u0007c\u007fd\u0085e'), 'abcd e');
  assert.equal(normaliseText('\u202eevil\u202c \u200bzw'), 'evil zw');
  assert.equal(normaliseText('\ufeff\u200e \t'), '');
  assert.equal(normaliseText('bad \ud800 half'), 'bad \ufffd half');
  assert.equal(normaliseText('\u{1F469}\u200d\u{1F4BB}'), '\u{1F469}\u200d\u{1F4BB}', 'joiners in emoji stay');
});

test('length counts code points', () => {
  assert.equal(charCount('abc'), 3);
  assert.equal(charCount('\u{1F600}\u{1F600}'), 2);
});
