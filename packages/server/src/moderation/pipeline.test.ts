import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryRecentSet } from '../engines/recent-set.memory.js';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { createModerator } from './index.js';
import type { ModerationInput } from './moderator.js';

// The committed models, as the server loads them.
const moderator = createModerator({ dataDir: '/tmp/lc-pipeline-test', recent: new MemoryRecentSet() });
let n = 0;
const input = (text: string, over: Partial<ModerationInput> = {}): ModerationInput => ({
  eventId: 'e',
  user: { id: `u${n++}`, name: 'u' },
  text,
  settings: DEFAULT_SETTINGS,
  now: 1_000_000 + n,
  ...over,
});

test('ordinary chat is approved with scores recorded', async () => {
  for (const text of ['what a goal!!', 'great talk, thanks', 'who is watching in 2024?', 'hello from Lisbon', 'lol']) {
    const r = await moderator.check(input(text));
    assert.equal(r.verdict, 'approve', `${text}: ${JSON.stringify(r)}`);
    assert.ok(r.scores.spam !== undefined && r.scores.toxicity !== undefined);
  }
});

// Hand-made live chat: the served toxicity leaves swearing to the profanity policy (mask by
// default) and keeps insults and slurs aimed at people (README, "Moderation": toxicity).
test('cheering with swear words is published, masked under the default policy', async () => {
  for (const text of [
    'this is fucking awesome',
    'holy shit what a goal',
    'what a fucking save',
    'fuck yeah!!',
    'best fucking stream ever',
  ]) {
    const r = await moderator.check(input(text));
    assert.equal(r.verdict, 'approve', `${text}: ${JSON.stringify(r)}`);
    assert.ok(r.reasons.includes('profanity_masked'), text);
    assert.ok(!/fuck|shit/i.test(r.text), r.text);
  }
});

test('insults and slurs aimed at people are held or blocked', async () => {
  for (const text of [
    'fuck you',
    'you fucking idiot',
    'shut up you dumb bitch',
    'you are a faggot',
    "you're a retard",
    'fuck those faggots',
  ]) {
    const r = await moderator.check(input(text));
    assert.notEqual(r.verdict, 'approve', `${text}: ${JSON.stringify(r)}`);
    assert.ok(r.reasons.includes('toxicity'), text);
  }
});

test('innocent chat is approved', async () => {
  for (const text of ['what a goal!!', 'lol that was close', 'GG WP'])
    assert.equal((await moderator.check(input(text))).verdict, 'approve', text);
});

test('spam is blocked by the classifier, a blocked term blocks, profanity is masked by default', async () => {
  const spam = await moderator.check(input('subscribe to my channel please, check out my new video'));
  assert.equal(spam.verdict, 'block');
  assert.ok(spam.reasons.includes('spam'));
  const term = await moderator.check(
    input('you m0r0n', { settings: { ...DEFAULT_SETTINGS, blockedTerms: ['moron'] } }),
  );
  assert.deepEqual([term.verdict, term.reasons], ['block', ['blocked_term']]);
  const shadow = await moderator.check(
    input('you m0r0n', {
      settings: {
        ...DEFAULT_SETTINGS,
        blockedTerms: ['moron'],
        moderation: { ...DEFAULT_SETTINGS.moderation, shadow: true },
      },
    }),
  );
  assert.equal(shadow.shadow, true);
  const masked = await moderator.check(
    input('that was shit', {
      settings: {
        ...DEFAULT_SETTINGS,
        moderation: { ...DEFAULT_SETTINGS.moderation, toxicityBlock: 1, toxicityHold: 1 },
      },
    }),
  );
  assert.equal(masked.verdict, 'approve');
  assert.ok(masked.reasons.includes('profanity_masked'));
  assert.ok(!masked.text.includes('shit'));
});

test('the same author repeating is blocked; context holds an author after repeated flags', async () => {
  const user = { id: 'repeater', name: 'r' };
  assert.equal((await moderator.check(input('see you all later', { user }))).verdict, 'approve');
  assert.deepEqual((await moderator.check(input('See you all later!', { user }))).reasons, ['repeat']);
  const flagged = { id: 'flagged', name: 'f' };
  const settings = { ...DEFAULT_SETTINGS, linkPolicy: 'hold' as const };
  for (let i = 0; i < 3; i++) await moderator.check(input(`look at site${i}.com`, { user: flagged, settings }));
  const next = await moderator.check(input('an innocent remark', { user: flagged, settings }));
  assert.equal(next.verdict, 'hold');
  assert.ok(next.reasons.includes('recent_flags'));
});

test('attacks on a group without a slur are held, on top of what the classifiers say', async () => {
  for (const text of ['all muslims are terrorists', 'go back to your country', 'immigrants are vermin']) {
    const r = await moderator.check(input(text));
    assert.notEqual(r.verdict, 'approve', `${text}: ${JSON.stringify(r)}`);
    assert.ok(r.reasons.includes('identity_attack'), text);
  }
  const fine = await moderator.check(input('immigrants are welcome here'));
  assert.equal(fine.verdict, 'approve', JSON.stringify(fine));
});

// At the schema's largest limits (`LIMITS`: 100 terms of 32 letters, 2,000 characters).
// The blocked-terms pattern once took hours on such texts (time grew with the fourth power of
// the length); link, reading and expletive patterns the square. Each comment now costs
// milliseconds (`npm run bench:moderation -- --adversarial`); the bound only catches a blow-up.
test('crafted comments at the largest limits cost bounded time through the whole pipeline', async () => {
  const { adversarialTerms, adversarialTexts, LIMITS } = await import('./adversarial.js');
  const { normaliseText } = await import('../ingest/normalise.js');
  for (const [list, blockedTerms] of Object.entries(adversarialTerms())) {
    assert.equal(blockedTerms.length, LIMITS.terms);
    const settings = { ...DEFAULT_SETTINGS, blockedTerms, maxCommentChars: LIMITS.commentChars, languages: ['eng'] };
    await moderator.check(input('warm up', { settings }));
    for (const [name, raw] of Object.entries(adversarialTexts())) {
      const text = normaliseText(raw);
      const start = performance.now();
      await moderator.check(input(text, { settings }));
      const ms = performance.now() - start;
      assert.ok(ms < 1000, `${name} against ${list}: ${ms.toFixed(0)} ms`);
    }
  }
});
