import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkIdentityAttack, identityForms } from './identity.js';

test('attacks on a group without a slur are held for review', () => {
  for (const text of [
    'all muslims are terrorists',
    'Immigrants are vermin',
    'refugees are nothing but criminals',
    'black people are animals',
    'women are stupid',
    'gays are not human',
    'go back to your country',
    'Go back to ur own country!!',
    'deport all immigrants',
    'jews should die',
    'trans people should not exist',
    'death to gays',
    'I hate muslims',
  ]) {
    const r = checkIdentityAttack(text);
    assert.equal(r.verdict, 'hold', text);
    assert.deepEqual(r.reasons, ['identity_attack'], text);
  }
});

test('the usual evasions do not get through', () => {
  for (const text of [
    'ALL MUSLIMS ARE TERRORISTS',
    'a11 mus1ims are terr0rists',
    'k!ll all the jews',
    'Ιmmigrants are vermin', // a Greek capital iota for the I
    'go   back... to your COUNTRY',
    'müslims are térrorists',
  ])
    assert.equal(checkIdentityAttack(text).verdict, 'hold', text);
  assert.deepEqual(identityForms('a11 mus1ims'), ['aii musiims', 'all muslims']);
});

test('look-alikes that attack no group pass', () => {
  for (const text of [
    'the refs are animals tonight',
    'go back to your seat',
    'go home to your family',
    'immigrants are welcome here',
    'muslims are welcome',
    'women are crushing this tournament',
    'we are all immigrants',
    'kill the boss first',
    'I hate mondays',
    'I hate girls who spoil the ending', // some of a group, not the group
    'the chinese team is stupid good',
    '2 muslims 1 jew walk into a bar',
    'hate speech is bad',
    'girls are winning!!',
    'my dogs are animals lol',
  ])
    assert.deepEqual(checkIdentityAttack(text), { reasons: [] }, text);
});
