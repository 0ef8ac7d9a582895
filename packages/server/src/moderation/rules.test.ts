import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryRecentSet } from '../engines/recent-set.memory.js';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { fold } from './fold.js';
import { checkHeuristics } from './heuristics.js';
import { checkLanguage } from './language.js';
import { checkLinks, findLinks } from './links.js';
import { resolvePolicy } from './policy.js';
import { checkProfanity } from './profanity.js';
import { checkRepeats } from './repeat.js';
import { checkBlockedTerms } from './rules.js';

const policy = (over: Partial<typeof DEFAULT_SETTINGS> = {}) => resolvePolicy({ ...DEFAULT_SETTINGS, ...over });

describe('blocked terms', () => {
  const terms = ['idiot', 'ass', 'cunt', 'free money'];
  const blocked = (text: string) => checkBlockedTerms(text, terms).verdict === 'block';

  test('catch case, accents, look-alikes, leetspeak, stretching and separators', () => {
    for (const text of [
      'you IDIOT',
      'you ìdíöt',
      'you іdіоt', // Cyrillic і and о
      'you ｉｄｉｏｔ', // fullwidth
      'you 1d10t',
      'you !d!0t',
      'you iiidiooot',
      'you i.d.i.o.t',
      'you i d i o t',
      'you i-d-i-o-t!',
      'you id\u200Biot', // zero-width space
      'idiots all of you',
      'what an @$$',
      'get FREE   M0NEY here',
      'free.money',
    ]) {
      assert.ok(blocked(text), `should block: ${text}`);
    }
  });

  test('let innocent look-alikes through', () => {
    for (const text of [
      'Scunthorpe United',
      'assess the pass',
      'classic',
      'idiotically long',
      'free of money worries',
      'as soon as possible',
      'a s k',
    ]) {
      assert.ok(!blocked(text), `should pass: ${text}`);
    }
  });

  test('a multi-word term matches its words in sequence, not across a sentence break', () => {
    const list = ['bad word'];
    const hit = (text: string) => checkBlockedTerms(text, list).verdict === 'block';
    for (const text of [
      'what a bad word',
      'bad, word',
      'bad - word',
      'bad.word',
      'BAD   W0RD',
      'b.a.d w.o.r.d',
      'bad words',
    ])
      assert.ok(hit(text), `should block: ${text}`);
    for (const text of ['not bad. word of the day', 'not bad; word up', 'bad: word', 'not bad\nword', 'not bad.\tword'])
      assert.ok(!hit(text), `should pass: ${text}`);
  });

  test('a term matches no longer word: only the plural endings -s and -es', () => {
    const hit = (text: string, list: string[]) => checkBlockedTerms(text, list).verdict === 'block';
    assert.ok(!hit('such bad wording', ['bad word']));
    assert.ok(!hit('the idioting', ['idiot']));
    assert.ok(!hit('idioted', ['idiot']));
    assert.ok(!hit('badly worded', ['bad word']));
    assert.ok(hit('idiots', ['idiot']));
    assert.ok(hit('so many bad words', ['bad word']));
    assert.ok(hit('the boxes', ['box']));
  });

  test('glued matching finds a term inside a longer token, only when asked', () => {
    const glued = { glued: true, reversed: false };
    assert.ok(!blocked('xxidiotxx'));
    assert.equal(checkBlockedTerms('xxidiotxx', terms, glued).verdict, 'block');
    assert.equal(checkBlockedTerms('you are an xx1d10txx', terms, glued).verdict, 'block');
    assert.equal(checkBlockedTerms('getfreemoneynow', terms, glued).verdict, 'block');
    assert.equal(checkBlockedTerms('you IDIOT', terms, glued).verdict, 'block', 'whole words still');
    assert.equal(checkBlockedTerms('you i d i o t', terms, glued).verdict, 'block', 'spaced whole words still');
    // Inside a token means no space inside a word of the term.
    assert.equal(checkBlockedTerms('he said i otter', terms, glued).verdict, undefined);
    assert.equal(checkBlockedTerms('free. money', terms, glued).verdict, undefined);
  });

  test('reversed matching finds a term written backwards, only when asked', () => {
    const back = { glued: false, reversed: true };
    assert.ok(!blocked('you toidi'));
    assert.equal(checkBlockedTerms('you toidi', terms, back).verdict, 'block');
    assert.equal(checkBlockedTerms('you T01D1', terms, back).verdict, 'block');
    assert.equal(checkBlockedTerms('yenom eerf', terms, back).verdict, 'block');
    assert.equal(checkBlockedTerms('xxtoidixx', terms, back).verdict, undefined, 'whole words unless glued');
    assert.equal(checkBlockedTerms('xxtoidixx', terms, { glued: true, reversed: true }).verdict, 'block');
    assert.equal(checkBlockedTerms('you idiot', terms, back).verdict, 'block', 'forwards still');
  });

  test('no terms, no verdict', () => {
    assert.equal(checkBlockedTerms('anything', []).verdict, undefined);
  });

  test('fold strips diacritics and look-alikes', () => {
    assert.equal(fold('Ça VA Ñandú'), 'ca va nandu');
  });
});

describe('profanity', () => {
  test('per-event policy: allow, mask, hold, block', () => {
    const text = 'what the fuck man';
    assert.deepEqual(checkProfanity(text, 'allow').reasons, []);
    const masked = checkProfanity(text, 'mask');
    assert.equal(masked.verdict, undefined);
    assert.notEqual(masked.text, text);
    assert.ok(!masked.text?.includes('fuck'));
    assert.equal(checkProfanity(text, 'hold').verdict, 'hold');
    assert.equal(checkProfanity('sh1t happens', 'block').verdict, 'block');
  });

  test('innocent words pass', () => {
    for (const text of ['Scunthorpe', 'assess', 'cocktail party', 'shitake mushrooms', 'therapist']) {
      assert.equal(checkProfanity(text, 'block').verdict, undefined, text);
    }
  });
});

describe('links', () => {
  test('found in their usual and dodged forms', () => {
    assert.deepEqual(findLinks('see https://www.Example.com/x and bit.ly/abc'), ['example.com', 'bit.ly']);
    assert.deepEqual(findLinks('go to spam dot com'), ['*']);
    assert.deepEqual(findLinks('no links here, v1.2 is out'), []);
  });

  test('policy allow / hold / block with allow-listed domains', () => {
    const text = 'watch https://youtube.com/watch?v=1';
    assert.equal(checkLinks(text, policy({ linkPolicy: 'allow' })).verdict, undefined);
    assert.equal(checkLinks(text, policy({ linkPolicy: 'hold' })).verdict, 'hold');
    assert.equal(checkLinks(text, policy({ linkPolicy: 'block' })).verdict, 'block');
    assert.equal(checkLinks(text, policy({ linkPolicy: 'block', allowedDomains: ['youtube.com'] })).verdict, undefined);
    assert.equal(
      checkLinks('m.youtube.com/x', policy({ linkPolicy: 'block', allowedDomains: ['youtube.com'] })).verdict,
      undefined,
    );
    assert.equal(
      checkLinks('notyoutube.com/x', policy({ linkPolicy: 'block', allowedDomains: ['youtube.com'] })).verdict,
      'block',
    );
    assert.equal(checkLinks(text, policy({ linksAllowed: false })).verdict, 'hold', 'linksAllowed false holds');
  });
});

describe('heuristics', () => {
  test('floods and shouting are held, ordinary excitement passes', () => {
    assert.deepEqual(checkHeuristics('THIS IS THE BEST MATCH I HAVE EVER SEEN').reasons, ['caps']);
    assert.deepEqual(checkHeuristics('GOAL!!!').reasons, []);
    assert.deepEqual(checkHeuristics('nooooooooooooooooo').reasons, ['repeated_chars']);
    assert.deepEqual(checkHeuristics('noooooo').reasons, []);
    assert.deepEqual(checkHeuristics('😀😂🎉🔥'.repeat(5)).reasons, ['emoji_flood']);
    assert.deepEqual(checkHeuristics('nice 😀😀😀').reasons, []);
    assert.deepEqual(checkHeuristics('@ann @bob @cid @dan @eve look').reasons, ['mention_flood']);
    assert.equal(checkHeuristics('@ann look').verdict, undefined);
  });
});

describe('language', () => {
  test('an allow-list holds long texts in other languages', () => {
    const english = 'the players are running so fast tonight, what a wonderful match this is';
    const spanish = 'los jugadores corren muy rápido esta noche, qué partido tan maravilloso es este';
    assert.equal(checkLanguage(spanish, ['eng']).verdict, 'hold');
    assert.equal(checkLanguage(english, ['eng']).verdict, undefined);
    assert.equal(checkLanguage(spanish, ['eng', 'spa']).verdict, undefined);
    assert.equal(checkLanguage(spanish, []).verdict, undefined, 'no list, no check');
    assert.equal(checkLanguage('hola amigos', ['eng']).verdict, undefined, 'too short to judge');
  });
});

describe('repeats', () => {
  test('same author within the window, and unique chat for everybody', async () => {
    let now = 1_000_000;
    const recent = new MemoryRecentSet(() => now);
    const p = policy({ uniqueChat: true });
    const a = { eventId: 'e', userId: 'a', text: 'Hello there!' };
    assert.equal((await checkRepeats(recent, a, p)).verdict, undefined);
    assert.deepEqual((await checkRepeats(recent, { ...a, text: 'HELLO   thereeee' }, p)).reasons, ['repeat']);
    assert.deepEqual((await checkRepeats(recent, { ...a, userId: 'b' }, p)).reasons, ['duplicate']);
    assert.equal((await checkRepeats(recent, { ...a, eventId: 'other' }, p)).verdict, undefined, 'per event');
    now += 61_000;
    assert.equal((await checkRepeats(recent, a, p)).verdict, undefined, 'windows expire');
    const numbers = { ...a, userId: 'n', text: 'number 1' };
    assert.equal((await checkRepeats(recent, numbers, p)).verdict, undefined);
    assert.equal((await checkRepeats(recent, { ...numbers, text: 'number 11' }, p)).verdict, undefined, 'digits count');
    assert.equal((await checkRepeats(recent, { ...numbers, text: 'score 2-0' }, p)).verdict, undefined);
    assert.equal((await checkRepeats(recent, { ...numbers, text: 'score 2-00' }, p)).verdict, undefined);
    assert.deepEqual((await checkRepeats(recent, { ...numbers, text: 'NUMBER 11!!' }, p)).reasons, ['repeat']);
    const off = policy({ uniqueChat: false });
    assert.equal((await checkRepeats(recent, { ...a, userId: 'c', text: 'x' }, off)).verdict, undefined);
    assert.equal((await checkRepeats(recent, { ...a, userId: 'd', text: 'x' }, off)).verdict, undefined);
  });
});
