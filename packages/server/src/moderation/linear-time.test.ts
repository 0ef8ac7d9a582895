import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findAbuse } from './abuse-rules.js';
import { readChat } from './chat-reading.js';
import { preprocess } from './classifier/features.js';
import { findCompositional } from './compositional-rules.js';
import { findDiscrimination } from './discrimination.js';
import { withoutExpletives } from './expletives.js';
import { findLinks, stripLinks } from './links.js';
import { findProfanity } from './profanity.js';
import { readings } from './readings.js';
import { checkBlockedTerms } from './rules.js';
import { findSpam } from './spam-rules.js';

/** `unit` repeated to `n` characters. */
const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/**
 * Texts far longer than a comment may be, so that a stage whose cost grows with the square of the
 * length takes seconds, while a linear one takes milliseconds: the bound is generous both ways.
 */
const N = 64_000;
const BOUND_MS = 1000;

function bounded(name: string, run: () => unknown): void {
  // The fastest of up to three runs: on a shared machine one run may wait for a core, while a
  // quadratic stage is slow every time. The work of the AutoMod sequence rules is also counted
  // (`compositional-rules.test.ts`), which no load disturbs.
  let ms = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 3 && ms >= BOUND_MS; k++) {
    const start = performance.now();
    run();
    ms = Math.min(ms, performance.now() - start);
  }
  assert.ok(ms < BOUND_MS, `${name}: ${ms.toFixed(0)} ms`);
}

test('links are found in time linear in the text', () => {
  bounded('dotted', () => findLinks(fill('a.b.', N)));
  bounded('hyphenated', () => findLinks(`${fill('a-', N)}.x`));
  bounded('spaces before "dot"', () => findLinks(`a${fill(' ', N)}x.`));
  bounded('strip', () => stripLinks(fill('a.b.', N)));
});

test('classifier preprocessing is linear in the text', () => {
  bounded('dotted', () => preprocess(fill('a.b.', N)));
  bounded('hyphenated', () => preprocess(`${fill('a-', N)}.x`));
  bounded('open anchors', () => preprocess(fill('<a ', N)));
});

test('readings are linear in the text', () => {
  bounded('capitals', () => readings(fill('Aé', N)));
});

test('expletives are removed in time linear in the text', () => {
  const text = `fuck${fill('*', N)}x`;
  bounded('stars', () => withoutExpletives(text, findProfanity(text)));
});

test('blocked terms are matched in time linear in the text, glued and reversed too', () => {
  // The longest list the settings allow: 100 terms of 32 characters, with leetspeak-heavy letters
  // (reversed: 200 terms, glued: two passes), on texts 8 times the longest comment.
  const n = N / 4;
  const terms = Array.from({ length: 100 }, (_, k) => `${'ilaoest'[k % 7]!.repeat(16)} ${'aeiou'[k % 5]!.repeat(15)}`);
  const options = { glued: true, reversed: true };
  bounded('stars', () => checkBlockedTerms(fill('*', n), terms, options));
  bounded('ones and spaces', () => checkBlockedTerms(fill('1 ', n), terms, options));
  bounded('letters and marks', () => checkBlockedTerms(fill('ia. ', n), terms, options));
  bounded('mixed', () => checkBlockedTerms(fill('il1!|*@ ao0.e3', n), terms, options));
});

test('the AutoMod reading and its rules are linear in the text', () => {
  for (const [name, text] of [
    ['spaced letters', fill('a ', N)],
    ['dots', fill('a.', N)],
    ['you words', fill('you ', N)],
    ['i will', fill('i will ', N)],
    ['digits', fill('1 ', N)],
    ['send', fill('send 1 btc ', N)],
    ['at signs', fill('@a ', N)],
    ['digits and signs', fill('1!|*', N)],
    ['long words', fill('y'.repeat(500) + ' ', N)],
    ['phrase starts', fill('i will a ', N)],
    ['kin and menace', fill('your kids wont be ', N)],
  ] as const)
    bounded(name, () => {
      const r = readChat(text);
      findSpam(text, r);
      findAbuse(r);
      findDiscrimination(r);
      findCompositional(r);
    });
});
