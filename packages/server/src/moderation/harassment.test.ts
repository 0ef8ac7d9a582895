import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHarassment } from './harassment.js';
import { readings } from './readings.js';

const check = (text: string) => checkHarassment(readings(text));

test('insults aimed at a person and death wishes are held for review', () => {
  for (const text of [
    'you are worthless trash',
    'you ugly piece of shit',
    'you are so stupid',
    "you're useless",
    'the ref is a fucking idiot',
    '@bob is a loser',
    'your a loser',
    'ur mom is a whore',
    'kill yourself',
    'kys',
    'go die in a hole',
    'just go die',
    'you should die',
    'I hope you die',
    'drop dead',
    'go drink bleach',
  ]) {
    const r = check(text);
    assert.equal(r.verdict, 'hold', text);
    assert.deepEqual(r.reasons, ['harassment'], text);
  }
});

test('the evasions the readings undo do not get through', () => {
  for (const text of [
    'YOU ARE A L0SER',
    'k!ll yourself',
    'y0u 1diot',
    'yоu idiot' /* Cyrillic о */,
    'he’s a loser',
    'you idiiiot',
  ])
    assert.equal(check(text).verdict, 'hold', text);
});

test('praise, idioms, game chat and banter about oneself pass', () => {
  for (const text of [
    'you are a legend',
    'you killed it tonight',
    'he is such a beast on defence',
    "he's a freak of nature",
    "you're disgusting at this game lol",
    'she was the loser of the bracket last year',
    'love you idiots',
    "don't kill yourself over it",
    "you'll shoot yourself in the foot",
    'time to go die to malenia again',
    'hope you burn the ribs again lol',
    "I'm such an idiot I missed the start",
    'thank you so much',
    'you guys are trash at defending tonight',
    'your bitch is calling', // "your" as a possessive
    'this song makes me want to drink bleach',
    'kill the boss yourself',
  ])
    assert.deepEqual(check(text), { reasons: [] }, text);
});
