// The compositional rules against wordings of each category that no rule spells out, their
// evasions, and the innocent look-alikes of live chat; the levels; and the matcher's work.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rulesOnlyCheck } from './automod-check.test-support.js';
import { readChat } from './chat-reading.js';
import { findCompositional, RULES } from './compositional-rules.js';
import { WORDS } from './word-classes.js';
import { Lexicon, SequenceRules } from './word-sequences.js';

const check = rulesOnlyCheck('/tmp/lc-compositional-test');
const categories = (text: string) => [
  ...new Set(
    findCompositional(readChat(text))
      .filter((f) => f.strength >= 2)
      .map((f) => f.category),
  ),
];

test('threats without a listed sentence: kin and home, doxxing, conditional menace, evasions', () => {
  for (const text of [
    'your kids wont be safe after what you said',
    'keep it up and your car is getting torched',
    'one more ban and your family pays',
    'i know what school your kid goes to',
    'I have your IP, see you soon',
    'we found your h0me addr3ss',
    'posting your address in 10 minutes',
    'imma put u in the ground',
    '@mod say that again and i\u2019ll smash your face in',
    'someones going to run you over one day',
    'nice house, would be a shame if it burned down',
    'keep talking and you\u2019ll end up in a ditch',
    'we know where your studio is',
  ])
    assert.ok(categories(text).includes('hostility'), text);
});

test('game, sport and everyday talk with the same words is no threat', () => {
  for (const text of [
    "i'm going to kill you in the next round lol",
    'the fall damage will kill you',
    'careful you\u2019ll break your legs jumping from there',
    'i will destroy you at chess tomorrow',
    'ill find you in the lobby',
    'did your house burn down in the storm? hope everyone is ok',
    'watch your back, there\u2019s a sniper',
    'you\u2019ll regret not buying the armor upgrade',
    'i know where you live is a great song',
    'do you know your ip changes every day?',
    'your car build is insane',
    'my kids love your streams',
  ])
    assert.ok(!categories(text).includes('hostility'), text);
});

test('sexual remarks aimed at a person without explicit words, and leetspeak', () => {
  for (const text of [
    'are you wearing anything under that hoodie?',
    'that top is too modest, pull it down a bit',
    'bet you moan loud, streamer',
    'r8 my d1ck',
    'you\u2019d look good tied to my bed',
    'zoom in on her chest pls',
    'send me a pic of your body',
    'i want to see you in a bikini',
    'sh0w us ur f33t',
  ])
    assert.ok(categories(text).includes('sexual'), text);
  for (const text of [
    'show us your setup',
    'open the chest behind you',
    'zoom in on the map',
    'your hoodie is sick where did you get it',
    'what are you wearing in the game, is that the new skin?',
    'nice legs on that spider lol',
    'the crowd screamed when he scored',
  ])
    assert.ok(!categories(text).includes('sexual'), text);
});

test('group hate without the listed verbs; neutral mentions and people of the group pass', () => {
  for (const text of [
    'women dont belong in esports',
    'asians don\u2019t belong in our league',
    'muslims are all the same',
    'black people can\u2019t be trusted',
    'girls shouldn\u2019t be allowed to play ranked',
    'all muslims should be kicked out of this country',
    'nobody should ever hire a black guy as a coach',
    'trans people are a mental illness',
  ])
    assert.ok(categories(text).includes('discrimination'), text);
  for (const text of [
    'women belong in every esports league',
    'immigrants built this city',
    'as a gay guy i loved this episode',
    'i\u2019m muslim and we fast during ramadan',
    'the chinese team is stupid good',
    'women are not inferior, stop it',
    'the French team should go back to their old roster',
  ])
    assert.ok(!categories(text).includes('discrimination'), text);
});

test('insults through any words between the target and the insult; praise and self-talk pass', () => {
  for (const text of [
    'this mod is a spineless loser',
    'you play like a braindead monkey',
    'you have the brain of a potato',
  ])
    assert.ok(categories(text).includes('hostility'), text);
  for (const text of [
    'you are a legend',
    'that was a dumb play by me',
    'stop camping, you coward lol',
    'love you idiots',
  ])
    assert.ok(!categories(text).includes('hostility'), text);
});

test('levels change the outcome of a compositional finding', () => {
  const threat = 'your kids wont be safe after what you said';
  assert.equal(check(threat).verdict, 'block');
  assert.equal(check(threat, { hostility: 'low' }).verdict, 'hold');
  assert.equal(check(threat, { hostility: 'off' }).verdict, 'approve');
  const hate = 'women dont belong in esports';
  assert.equal(check(hate).verdict, 'hold');
  assert.equal(check(hate, { discrimination: 'high' }).verdict, 'block');
  assert.equal(check(hate, { discrimination: 'low' }).verdict, 'approve');
});

test('a sequence rule: gaps are bounded, a "not" between breaks it, a unit serves one step', () => {
  const lexicon = new Lexicon().add('A', ['a', 'a a']).add('B', ['b']).add('N', ['not']);
  const rules = new SequenceRules(lexicon).add('hostility', 'x', 3, 'A ~1 B', { notBetween: 'N' });
  const found = (text: string) => rules.find(lexicon.units(text.split(' '))).length > 0;
  assert.ok(found('a b'));
  assert.ok(found('a x b'));
  assert.ok(!found('a x x b'), 'gap of two');
  assert.ok(!found('a not b'));
  assert.ok(found('a not a b'), 'a start after the "not"');
  assert.ok(!found('b a'), 'order');
  const twice = new SequenceRules(lexicon).add('hostility', 'x', 3, 'A A');
  assert.equal(twice.find(lexicon.units(['a'])).length, 0);
});

test('the matching work grows linearly with the text, whatever it repeats', () => {
  // Work is counted, not timed: a text twice as long costs at most twice the work (plus a constant).
  for (const unit of [
    'you ',
    'i will kill ',
    'your kids wont be ',
    'women are all the ',
    'a.',
    'show us your ',
    'not ',
  ]) {
    const work = (words: number) => {
      RULES.work = 0;
      RULES.find(WORDS.units(readChat(unit.repeat(words)).words));
      return RULES.work;
    };
    const small = work(250);
    const large = work(500);
    assert.ok(large <= 2 * small + 100, `${unit}: ${small} then ${large}`);
    // A bounded number of candidate steps per word: the rules' size, not the text's.
    const words = readChat(unit.repeat(500)).words.length;
    assert.ok(large / words <= 60, `${unit}: ${(large / words).toFixed(1)} per word`);
  }
});
