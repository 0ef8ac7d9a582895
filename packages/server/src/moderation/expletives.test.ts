import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutExpletives } from './expletives.js';
import { findProfanity } from './profanity.js';

const clean = (text: string) => withoutExpletives(text, findProfanity(text));

test('swearing for emphasis is taken out of what the toxicity model reads', () => {
  assert.equal(clean('this is fucking awesome'), 'this is awesome');
  assert.equal(clean('holy sh1t what a goal'), 'holy what a goal');
  assert.equal(clean('fuck yeah!!'), 'yeah!!');
  assert.equal(clean('damn that was close'), 'that was close');
  assert.equal(clean('what a goal'), 'what a goal');
});

test('swearing aimed at someone, insult nouns and slurs stay', () => {
  for (const text of [
    'fuck you',
    'fuck off mate',
    'you fucking idiot',
    'fuck those people',
    'shut up bitch',
    'you motherfucker',
    'what a shithead',
  ])
    assert.equal(clean(text), text);
});
