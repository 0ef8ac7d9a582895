import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEmoteOnly, splitShortcodes } from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import { AppError } from '../util/errors.js';
import { checkChatModes } from './chat-modes.js';

const known = (code: string) => ['fire', 'hype', '+1'].includes(code);

test('shortcodes split out only when known; the rest stays text', () => {
  assert.deepEqual(splitShortcodes('a :fire: b :nope: :hype:', known), [
    { text: 'a ' },
    { code: 'fire' },
    { text: ' b :nope: ' },
    { code: 'hype' },
  ]);
  assert.deepEqual(splitShortcodes('::fire::', known), [{ text: ':' }, { code: 'fire' }, { text: ':' }]);
  assert.deepEqual(splitShortcodes('<b>:fire:</b>', known), [{ text: '<b>' }, { code: 'fire' }, { text: '</b>' }]);
});

test('emote-only texts: emoji and known shortcodes with spaces, nothing else', () => {
  for (const ok of ['🔥', ' :fire:  👍🏽 ', '🇫🇷👨‍👩‍👧', '1️⃣', ':+1::hype:', '©️'])
    assert.equal(isEmoteOnly(ok, known), true, ok);
  for (const no of ['', '   ', 'a', '1', '🔥 a', ':nope:', 'ﾟ', '\u200d', ':fire', '🔥\u0301']) {
    assert.equal(isEmoteOnly(no, known), false, JSON.stringify(no));
  }
});

test('hostile texts cost linear time (no backtracking): long runs of colons and name characters', () => {
  const texts = [':'.repeat(100_000), `:${'a'.repeat(100_000)}`, ':a'.repeat(50_000), '🔥'.repeat(50_000)];
  for (const text of texts) {
    // Completes: the look-ahead is bounded, so these are 100k steps of at most 42 characters.
    assert.equal(typeof isEmoteOnly(text, known), 'boolean');
    assert.ok(splitShortcodes(text, known).length >= 1);
  }
});

test('chat modes exempt the owner, moderators, admins and service publishers', () => {
  const settings = { membersOnly: true, followersOnly: true, minFollowMinutes: 5, emoteOnly: true };
  const powers = { ownerId: 'o', moderators: new Set(['m']) };
  const who = (id: string, role: Principal['role'] = 'viewer'): Principal => ({ id, name: id, role });
  for (const p of [who('o'), who('m'), who('g', 'moderator'), who('a', 'admin'), who('s', 'service')]) {
    assert.doesNotThrow(() => checkChatModes(p, powers, settings, 'plain words', Date.now()), p.id);
  }
  const refusal = (p: Principal, text: string, s = settings) => {
    try {
      checkChatModes(p, powers, s, text, Date.now());
      return null;
    } catch (error) {
      return error instanceof AppError ? error.code : 'other';
    }
  };
  assert.equal(refusal(who('v'), '🔥'), 'members_only');
  assert.equal(refusal({ ...who('v'), badges: ['member'] }, '🔥'), 'followers_only');
  const follower = { ...who('v'), badges: ['member' as const], followedAt: Date.now() - 600_000 };
  assert.equal(refusal(follower, 'hi'), 'emote_only');
  assert.equal(refusal(follower, '🔥 :fire:'), null);
});
