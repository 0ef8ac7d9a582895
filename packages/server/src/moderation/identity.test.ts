import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkIdentityAttack } from './identity.js';
import { readings } from './readings.js';

const check = (text: string) => checkIdentityAttack(readings(text));

test('attacks on a group without a slur are held for review', () => {
  for (const text of [
    'all muslims are terrorists',
    'Immigrants are vermin',
    'refugees are nothing but criminals',
    'black people are animals',
    'blacks are criminals',
    'women are stupid',
    'gays are not human',
    "muslims aren't human",
    'gays are an abomination',
    'every muslim is a terrorist',
    'go back to your country',
    'Go back to ur own country!!',
    'go back to where you came from',
    'go back to africa',
    'deport all immigrants',
    'immigrants must be removed',
    'jews should die',
    'trans people should not exist',
    'death to gays',
    'I hate muslims',
    'I hate gays with a passion',
    'i hate immigrants in this country',
    'muslims-are-terrorists',
  ]) {
    const r = check(text);
    assert.equal(r.verdict, 'hold', text);
    assert.deepEqual(r.reasons, ['identity_attack'], text);
  }
});

test('the evasions the readings undo do not get through', () => {
  for (const text of [
    'ALL MUSLIMS ARE TERRORISTS',
    'a11 mus1ims are terr0rists',
    'k1ll the mus1ims', // a "1" read as "i" in one word and "l" in another
    'k!ll all the jews',
    'muslims are +errorists',
    'Ιmmigrants are vermin', // a Greek capital iota for the I
    'go   back... to your COUNTRY',
    'müslims are térrorists',
    'muuuslims are terrorists',
    'jews shouldn’t exist', // a curly apostrophe
  ])
    assert.equal(check(text).verdict, 'hold', text);
});

test('teams, adjectives, game chat and look-alikes pass', () => {
  for (const text of [
    'the refs are animals tonight',
    'the All Blacks were lazy in the second half',
    'Mumbai Indians are trash this season',
    'the whites need to go back to basics',
    'our men need to leave it all on the pitch',
    'these men are animals, what a performance',
    'the girls need to leave at 5 for practice',
    'I hate chinese food',
    'I hate the chinese grand prix',
    "I hate women's football scheduling",
    'my poles are trash, need new skis',
    'kill the russians before they flank',
    'nuke the chinese cities first',
    "I don't hate muslims",
    'go back to your seat',
    'go home to your family',
    'immigrants are welcome here',
    'muslims are welcome',
    'women are crushing this tournament',
    'we are all immigrants',
    'kill the boss first',
    'I hate mondays',
    'I hate girls who spoil the ending',
    '2 muslims 1 jew walk into a bar',
    'hate speech is bad',
    'my dogs are animals lol',
  ])
    assert.deepEqual(check(text), { reasons: [] }, text);
});
