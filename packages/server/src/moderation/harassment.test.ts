import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHarassment } from './harassment.js';

test('insults aimed at a person and death wishes are held for review', () => {
  for (const text of [
    'you are worthless trash',
    'you ugly piece of shit',
    'the ref is a fucking idiot',
    'your a loser',
    'ur mom is a whore',
    'kill yourself',
    'kys',
    'go die in a hole',
    'I hope you die',
    'go drink bleach',
  ]) {
    const r = checkHarassment(text);
    assert.equal(r.verdict, 'hold', text);
    assert.deepEqual(r.reasons, ['harassment'], text);
  }
});

test('the usual evasions do not get through', () => {
  for (const text of [
    'YOU ARE A L0SER',
    'k!ll yourself',
    'y0u 1diot',
    'yоu idiot' /* Cyrillic о */,
    'go  die... in a HOLE',
  ])
    assert.equal(checkHarassment(text).verdict, 'hold', text);
});

test('praise, banter about oneself, slang and quotes of a song pass', () => {
  for (const text of [
    'you are a legend',
    'you killed it tonight',
    'he is such a beast on defence',
    "I'm such an idiot I missed the start",
    'thank you so much',
    'you guys are trash at defending tonight', // about play, not a person
    'your bitch is calling', // "your" as a possessive
    'this song makes me want to drink bleach',
    'kill the boss yourself',
  ])
    assert.deepEqual(checkHarassment(text), { reasons: [] }, text);
});
