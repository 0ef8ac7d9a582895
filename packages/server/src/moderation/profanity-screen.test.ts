import assert from 'node:assert/strict';
import { test } from 'node:test';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import { findProfanity } from './profanity.js';
import { mayBeProfane } from './profanity-screen.js';

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/**
 * The screen may let innocent text through, never stop profane text, and the narrowed matcher
 * behind it finds exactly what the whole matcher finds. Returns how many texts passed the screen.
 */
function assertScreened(texts: string[]): number {
  let passed = 0;
  for (const text of texts) {
    const screened = mayBeProfane(text);
    const all = matcher.getAllMatches(text, true);
    if (all.length > 0) assert.ok(screened, `screen missed: ${text}`);
    assert.deepEqual(
      findProfanity(text).map((m) => m.payload),
      all,
      text,
    );
    if (screened) passed++;
  }
  return passed;
}

test('the screen never hides what obscenity finds, evasions included', () => {
  const evasions = [
    'fuck',
    'FUCK',
    'fuuuuuck',
    'f u c k',
    'fück',
    'ｆｕｃｋ',
    '𝐟𝐮𝐜𝐤 this',
    'sh1t',
    '$hit',
    'b1tch',
    'biiiitch',
    'boob',
    'abbo',
    'a$$hole',
    'what the fuck man',
    'c0ck',
    'n1gger',
    'tw@t',
    'doggy style',
    'double penetration',
  ];
  assertScreened(evasions);
  const innocent = ['what a goal!!', 'lol that was close', 'GG WP', 'Scunthorpe', 'assess', 'hello from Lisbon'];
  assert.ok(assertScreened(innocent) < innocent.length, 'the screen stops most innocent chat');
});
