import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommentEntry } from '@livecomments/protocol';
import { SAMPLE_TIERS, tierFlag, tierFor } from './frames.js';
import { concerns, Sampler } from './sample.js';

function comment(seq: number, createdAt: number, userId = 'u1', extra: object = {}): CommentEntry {
  return {
    seq,
    type: 'comment',
    comment: {
      id: `c${seq}`,
      eventId: 'e',
      seq,
      user: { id: userId, name: userId },
      text: 'hi there',
      createdAt,
      ...extra,
    },
  };
}

test('a tier shows one ordinary comment per slot of 1/R s, and every priority comment', () => {
  const sampler = new Sampler();
  const ten = tierFlag(tierFor(10));
  let shown = 0;
  // 200 comments in one second: the 10/s tier shows 10 of them.
  for (let i = 0; i < 200; i++) if (sampler.tiers(comment(i + 1, 1_000_000 + i * 5), 'owner') & ten) shown++;
  assert.equal(shown, 10);
  // The owner's comments and liked ones pass even in a filled slot.
  assert.ok(sampler.tiers(comment(300, 1_000_999, 'owner'), 'owner') & ten);
  assert.ok(sampler.tiers(comment(301, 1_000_999, 'u2', { likes: 3 }), 'owner') & ten);
  assert.ok(
    sampler.tiers(comment(302, 1_000_999, 'u3', { user: { id: 'u3', name: 'm', badges: ['moderator'] } }), 'owner') &
      ten,
  );
  assert.equal(sampler.tiers(comment(303, 1_000_999, 'u4'), 'owner') & ten, 0);
  // Entries that are not comments are in every tier.
  const all = sampler.tiers({ seq: 304, type: 'delete', commentId: 'c1' }, 'owner');
  for (let i = 0; i < SAMPLE_TIERS.length; i++) assert.ok(all & tierFlag(i));
});

test('tierFor picks the largest tier at most R', () => {
  assert.equal(SAMPLE_TIERS[tierFor(1)], 1);
  assert.equal(SAMPLE_TIERS[tierFor(12)], 10);
  assert.equal(SAMPLE_TIERS[tierFor(99_999)], 1000);
});

test('a comment concerns the author it replies to and the names it mentions', () => {
  const c = comment(1, 0, 'bob', { text: 'hey @Alice. and @carol_2, mail a@b' }).comment;
  assert.deepEqual(concerns(c, 'dave'), ['u:dave', 'n:alice', 'n:carol_2', 'n:b']);
  // Bounded: at most five mentions are read, whatever the text holds.
  const many = comment(2, 0, 'bob', { text: '@x '.repeat(10_000) }).comment;
  assert.equal(concerns(many, undefined).length, 5);
  // A reply to one's own comment concerns no one else.
  assert.deepEqual(concerns(comment(3, 0, 'bob', { text: 'me again' }).comment, 'bob'), []);
});
