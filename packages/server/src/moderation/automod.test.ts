// AutoMod categories against their evasions and their innocent look-alikes, and the levels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findAbuse } from './abuse-rules.js';
import { levelVerdict } from './automod.js';
import { rulesOnlyCheck } from './automod-check.test-support.js';
import { readChat } from './chat-reading.js';
import { findDiscrimination } from './discrimination.js';
import { findSpam } from './spam-rules.js';

const check = rulesOnlyCheck('/tmp/lc-automod-test');
const kinds = (text: string) =>
  [...findSpam(text, readChat(text)), ...findAbuse(readChat(text)), ...findDiscrimination(readChat(text))].map(
    (f) => `${f.category}:${f.kind}`,
  );

test('the reading folds look-alikes, leetspeak, separators, spacing and stretching', () => {
  assert.equal(readChat('ᴅᴍ ᴍᴇ 𝐅𝐑𝐄𝐄 ｎｉｃｅ').text, 'dm me free nice');
  assert.deepEqual(readChat('n i g g e r').glued, ['nigger']);
  assert.deepEqual(readChat('f.a.g.g.o.t').glued, ['faggot']);
  assert.equal(readChat('f4gg0t kill him!').text, 'faggot kill him');
  assert.equal(readChat('faaaaag 1997 3-1').text, 'faag 1997 3 1');
  assert.equal(readChat('ni\u200bgger').text, 'nigger');
});

test('spam and scams in disguise are found; their innocent look-alikes are not', () => {
  for (const spam of [
    'send 0.5 eth to my address and get 1 eth back',
    'ⓔⓐⓡⓝ 200 ⓓⓞⓛⓛⓐⓡⓢ ⓐ ⓓⓐⓨ from home',
    'text me on whatsapp',
    'my number: 6 1 2 - 5 5 5 - 0 1 4 2',
    'cheap viewers at boostme dot xyz',
    'bit . ly/abc free coins',
    'Twitch Staff: your account will be suspended, verify at twitch-safety.help',
  ])
    assert.ok(
      kinds(spam).some((k) => k.startsWith('spam:')),
      spam,
    );
  for (const ok of [
    'who won the giveaway?',
    'do you have a telegram channel?',
    'bitcoin price is crazy today',
    'the score is 3 - 1 after 90 minutes',
    'I was born in 1997',
  ])
    assert.deepEqual(
      kinds(ok).filter((k) => k.startsWith('spam:')),
      [],
      ok,
    );
});

test('threats, sexual harassment and self-harm incitement are found; game and sports talk is not', () => {
  for (const [text, kind] of [
    ['i will strangle you after the stream', 'hostility:threat'],
    ['@jo im gonna stab u', 'hostility:threat'],
    ['i know where u live', 'hostility:threat'],
    ['sh0w me ur b00bs', 'sexual:harassment'],
    ['take that top off', 'sexual:harassment'],
    ['k . y . s', 'selfHarm:kys'],
    ['KYYYS', 'selfHarm:kys'],
    ['go neck urself', 'selfHarm:kys'],
  ])
    assert.ok(kinds(text!).includes(kind!), `${text}: ${kinds(text!)}`);
  for (const ok of [
    'destroy them in the second half',
    'kill him, go for the headshot',
    'I will kill this boss tonight',
    "don't kill yourself over it, it's just a game",
    'shoot you a message later',
    'the boss is so hard',
  ])
    assert.deepEqual(kinds(ok), [], ok);
});

test('slurs in any disguise are found; words that contain them are not', () => {
  for (const slur of ['n1gg3r', 'ηigger', 'niggggger', 'f a g g o t', 'k-i-k-e', 'trannies', 'sandniggers'])
    assert.ok(kinds(slur).includes('discrimination:slur'), slur);
  for (const ok of [
    'Niger and Nigeria',
    'I love spicy food',
    'Scunthorpe',
    'a raccoon',
    'a chink in the armour',
    'sniggering',
  ])
    assert.deepEqual(kinds(ok), [], ok);
});

test('a slur is held or blocked, never only masked; an innocent word with a swear inside passes', () => {
  assert.notEqual(check('nigger').verdict, 'approve');
  assert.equal(check('I need a cocktail after that').verdict, 'approve');
});

test('levels change the outcome as documented', () => {
  assert.equal(levelVerdict('off', 3), 'approve');
  assert.equal(levelVerdict('low', 3), 'hold');
  assert.equal(levelVerdict('low', 2), 'approve');
  assert.equal(levelVerdict('medium', 3), 'block');
  assert.equal(levelVerdict('medium', 2), 'hold');
  assert.equal(levelVerdict('medium', 1), 'approve');
  assert.equal(levelVerdict('high', 2), 'block');
  assert.equal(levelVerdict('high', 1), 'hold');
  const scam = 'send 1 btc and get 2 btc back';
  assert.equal(check(scam).verdict, 'block');
  assert.equal(check(scam, { spam: 'low' }).verdict, 'hold');
  assert.equal(check(scam, { spam: 'off' }).verdict, 'approve');
  assert.deepEqual(check(scam).reasons, ['spam:crypto_scam']);
  const insult = 'you are a clown';
  assert.equal(check(insult, { hostility: 'high' }).verdict, 'block');
  // The attack templates (`harassment.ts`) hold an insult unless the category is off.
  assert.equal(check(insult).verdict, 'hold');
  assert.equal(check(insult, { hostility: 'off' }).verdict, 'approve');
});

test('words that name properties of every object are read as words', () => {
  // "constructor" once found Object.prototype.constructor in the slur table and threw.
  for (const text of ['the constructor was late', 'toString valueOf __proto__ hasOwnProperty'])
    assert.deepEqual(kinds(text), [], text);
  assert.equal(check('the constructor was late').verdict, 'approve');
});
