import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Comment } from '@livecomments/protocol';
import { hasLink, isTopComment, lowScored } from './top.js';

function comment(text: string, userId = 'u1', extra: Partial<Comment> = {}): Comment {
  return { id: 'c', eventId: 'e', seq: 1, user: { id: userId, name: 'U' }, text, createdAt: 0, ...extra };
}

test('Top chat keeps the owner, moderators, liked comments and authors in good standing', () => {
  assert.equal(isTopComment(comment('ok', 'owner'), 'owner', 0), true, 'the owner, however short');
  const moderator = comment('ok', 'm', { user: { id: 'm', name: 'M', badges: ['moderator'] } as Comment['user'] });
  assert.equal(isTopComment(moderator, 'owner', 0), true);
  assert.equal(isTopComment(comment('gg', 'u', { likes: 3 }), 'owner', 0), true, 'liked');
  assert.equal(isTopComment(comment('see clips.example for the replay'), 'owner', 2), true, 'a regular with a link');
  assert.equal(isTopComment(comment('what a save by the keeper'), 'owner', 0), true, 'a first comment without a link');
});

test('Top chat holds back first-time authors with links and low-scored text', () => {
  assert.equal(isTopComment(comment('cheap followers at spam.example'), 'owner', 0), false);
  assert.equal(isTopComment(comment('go to https://x.example now'), 'owner', 0), false);
  for (const text of ['lol', '!!!', '🔥🔥🔥', 'aaaaaaaaaaaa wow', 'WHY IS NOBODY TALKING ABOUT THIS', '']) {
    assert.equal(isTopComment(comment(text), 'owner', 5), false, text);
  }
});

test('the rules read hostile text in linear time', () => {
  assert.equal(lowScored('ab'.repeat(1000)), false);
  assert.equal(hasLink('a.'.repeat(50_000)), false);
  const started = performance.now();
  for (let i = 0; i < 20; i++) {
    lowScored('x y '.repeat(5_000));
    hasLink('. a'.repeat(5_000));
  }
  // A backtracking rule would take minutes; this bound is far above the linear cost.
  assert.ok(performance.now() - started < 5_000);
});
