import assert from 'node:assert/strict';
import { test } from 'node:test';
import { charCount, hasVisible, normaliseName, normaliseText, normaliseTitle, requireTitle } from './normalise.js';

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

test('a text of invisible characters only has nothing visible', () => {
  for (const text of [
    '',
    '\u3164',
    '\u3164\u3164 \u3164',
    '\u2800\u2800',
    '\u{E0041}\u{E0042}\u{E007F}',
    '\u2060\u2060\u2060',
    '\u115f\u1160\uffa0\u180e',
    '\u200c',
    '\u200d\u200d',
    '\ufe0f',
    '\u{E0100}',
    '\u034f\u061c\u17b4\u17b5',
    '\u2061\u2062\u2063\u2064',
    '\u0301',
    '\u00ad \u3000',
  ]) {
    assert.equal(hasVisible(normaliseText(text)), false, JSON.stringify(text));
  }
  for (const text of [
    'a',
    '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}',
    '\u2764\ufe0f',
    '.',
    '\u3164a',
    '\u{1F3F4}\u{E0067}\u{E0062}\u{E007F}',
  ]) {
    assert.equal(hasVisible(normaliseText(text)), true, JSON.stringify(text));
  }
  assert.equal(
    normaliseText('\u{1F468}\u200d\u{1F469}\u200d\u{1F467}'),
    '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}',
    'a family emoji survives',
  );
});

test('names and titles: one line, no controls or overrides, well-formed, NFC, trimmed', () => {
  assert.equal(normaliseTitle('  \u202eevil\u202c\u0000 title\nnext\r\n line\t '), 'evil title next line');
  assert.equal(normaliseName('Ann\u2066\u2069 \u061cB\u00adob'), 'Ann Bob');
  assert.equal(normaliseName('e\u0301mile'), '\u00e9mile');
  assert.equal(normaliseName('bad \ud800 half'), 'bad \ufffd half');
  assert.equal(
    normaliseName('\u{1F468}\u200d\u{1F469}\u200d\u{1F467} fan'),
    '\u{1F468}\u200d\u{1F469}\u200d\u{1F467} fan',
  );
  for (const blank of ['', '   ', '\u3164', '\u202e\u200b\u2060', '\n\t', '\u2800']) {
    assert.equal(normaliseTitle(blank), '', JSON.stringify(blank));
    assert.equal(normaliseName(blank), '', JSON.stringify(blank));
  }
  assert.throws(() => requireTitle('\u3164 '), { code: 'invalid_request' });
});

test('names and titles are cut by code points, never inside a surrogate pair or an emoji', () => {
  const name = normaliseName(`${'a'.repeat(63)}\u{1F600}b`);
  assert.equal(name, `${'a'.repeat(63)}\u{1F600}`, 'the 64th code point is the whole emoji');
  assert.equal(
    normaliseName(`${'a'.repeat(63)}\u{1F468}\u200d\u{1F469}`),
    'a'.repeat(63),
    'a joined emoji is not split',
  );
  assert.equal(normaliseName('\u{1F600}'.repeat(100)), '\u{1F600}'.repeat(64));
  assert.ok(normaliseName('\u{1F600}'.repeat(100)).isWellFormed());
  assert.equal(charCount(normaliseTitle('x'.repeat(500))), 200);
  assert.equal(normaliseName(`${'a'.repeat(60)}    ${'b'.repeat(10)}`), `${'a'.repeat(60)} bbb`);
});

test('a long run of spaces costs linear time', () => {
  // " *[breaks]+ *" tried from every space of the run: 13 s for 64,000 spaces.
  for (const text of [`${' '.repeat(64_000)}x`, `${' \t'.repeat(32_000)}x`]) {
    const start = performance.now();
    normaliseText(text);
    normaliseTitle(text);
    const ms = performance.now() - start;
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
  }
  assert.equal(normaliseText('a   \n \r\n  b  \t c   d'), 'a b c   d');
});
