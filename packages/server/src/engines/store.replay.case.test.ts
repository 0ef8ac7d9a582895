// The Store contract for replay reads (media-time order), run inside storeContract
// (store.case.test.ts) against every store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Comment, EventSettings } from '@livecomments/protocol';
import type { ReplayFrom, Store } from './store.js';

const SETTINGS = {
  slowModeMs: 0,
  maxCommentChars: 500,
  uniqueChat: false,
  blockedTerms: [],
  linksAllowed: true,
  rateLimitPerMinute: 30,
  moderation: { spamBlock: 0.95, spamHold: 0.8, toxicityBlock: 0.95, toxicityHold: 0.8, shadow: false },
} satisfies EventSettings;

let n = 0;
async function newEvent(store: Store): Promise<string> {
  n += 1;
  const id = `rp-${process.pid}-${Date.now().toString(36)}-${n}`;
  await store.createEvent({
    id,
    title: id,
    status: 'live',
    ownerId: 'owner',
    createdAt: 1_000_000,
    lastSeq: 0,
    epoch: 'e',
    settings: SETTINGS,
  });
  return id;
}

function comment(eventId: string, id: string, mediaTimeMs: number, userId = 'u1'): Omit<Comment, 'seq'> & { seq: 0 } {
  return { id, eventId, seq: 0, user: { id: userId, name: userId }, text: id, createdAt: 1_000_000, mediaTimeMs };
}

async function post(store: Store, eventId: string, id: string, mediaTimeMs: number, userId = 'u1'): Promise<void> {
  await store.append([{ eventId, entry: { type: 'comment', comment: comment(eventId, id, mediaTimeMs, userId) } }]);
}

/** Every page from the start, `limit` at a time, following each page's last comment. */
async function readAll(store: Store, eventId: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let from: ReplayFrom = { ms: 0, afterSeq: 0 };
  for (let pages = 0; pages < 100; pages++) {
    const page = await store.readReplay(eventId, from, limit);
    ids.push(...page.map((c) => c.id));
    const last = page.at(-1);
    if (!last || page.length < limit) return ids;
    from = { ms: last.mediaTimeMs ?? 0, afterSeq: last.seq };
  }
  throw new Error('no end of replay');
}

/** The replay cases of the contract. */
export function replayCases(store: () => Store): void {
  test('replay: comments in media-time order, ties by seq, as the log carries them', async () => {
    const s = store();
    const ev = await newEvent(s);
    await post(s, ev, 'c', 3000);
    await post(s, ev, 'a', 1000);
    await post(s, ev, 'b1', 2000);
    await post(s, ev, 'b2', 2000);
    const page = await s.readReplay(ev, { ms: 0, afterSeq: 0 }, 10);
    assert.deepEqual(
      page.map((c) => [c.id, c.mediaTimeMs]),
      [
        ['a', 1000],
        ['b1', 2000],
        ['b2', 2000],
        ['c', 3000],
      ],
    );
    assert.equal(page[0]?.seq, 2);
    assert.deepEqual(page[0]?.user, { id: 'u1', name: 'u1' });
    // From a media time: that time included; from a tie's seq: only the ties after it.
    assert.deepEqual(
      (await s.readReplay(ev, { ms: 2000, afterSeq: 0 }, 10)).map((c) => c.id),
      ['b1', 'b2', 'c'],
    );
    assert.deepEqual(
      (await s.readReplay(ev, { ms: 2000, afterSeq: page[1]!.seq }, 10)).map((c) => c.id),
      ['b2', 'c'],
    );
    assert.deepEqual(await s.readReplay(ev, { ms: 3001, afterSeq: 0 }, 10), []);
  });

  test('replay: paging through many comments sharing one media time neither skips nor repeats', async () => {
    const s = store();
    const ev = await newEvent(s);
    const expected: string[] = [];
    for (let i = 0; i < 7; i++) {
      await post(s, ev, `t${i}`, 5000);
      expected.push(`t${i}`);
    }
    await post(s, ev, 'late', 6000);
    expected.push('late');
    for (const limit of [1, 2, 3, 8]) assert.deepEqual(await readAll(s, ev, limit), expected, `limit ${limit}`);
  });

  test('replay: deleted comments and comments of a user banned later are left out, across pages', async () => {
    const s = store();
    const ev = await newEvent(s);
    await post(s, ev, 'keep1', 1000);
    await post(s, ev, 'gone', 2000);
    await post(s, ev, 'spam1', 2500, 'spammer');
    await post(s, ev, 'keep2', 3000);
    await post(s, ev, 'spam2', 3500, 'spammer');
    assert.deepEqual(await readAll(s, ev, 2), ['keep1', 'gone', 'spam1', 'keep2', 'spam2']);
    await s.append([{ eventId: ev, entry: { type: 'delete', commentId: 'gone' } }]);
    await s.append([{ eventId: ev, entry: { type: 'ban', userId: 'spammer', until: 5_000_000 } }]);
    // Posted after the ban (a time-out that ended): shown.
    await post(s, ev, 'spam3', 4000, 'spammer');
    for (const limit of [1, 2, 10]) {
      assert.deepEqual(await readAll(s, ev, limit), ['keep1', 'keep2', 'spam3'], `limit ${limit}`);
    }
    // Removals after the event ended count the same.
    await s.append([
      {
        eventId: ev,
        entry: {
          type: 'event',
          event: {
            id: ev,
            title: ev,
            status: 'ended',
            ownerId: 'owner',
            createdAt: 1_000_000,
            endedAt: 2_000_000,
            lastSeq: 0,
            viewers: 0,
            settings: { ...SETTINGS },
          },
        },
        settings: SETTINGS,
      },
    ]);
    await s.append([{ eventId: ev, entry: { type: 'delete', commentId: 'keep2' } }]);
    assert.deepEqual(await readAll(s, ev, 2), ['keep1', 'spam3']);
  });

  test('replay: a held comment keeps its media time until approved into the log', async () => {
    const s = store();
    const ev = await newEvent(s);
    const held = comment(ev, 'held1', 4200);
    const stored = await s.holdComment({ comment: { ...held, seq: null }, status: 'held', reasons: ['x'] });
    assert.equal(stored.comment.mediaTimeMs, 4200);
    assert.equal((await s.getComment(ev, 'held1'))?.comment.mediaTimeMs, 4200);
    assert.deepEqual(await s.readReplay(ev, { ms: 0, afterSeq: 0 }, 10), []);
    await post(s, ev, 'other', 5000);
    const approved = { ...(await s.getComment(ev, 'held1'))!.comment, seq: 0 };
    await s.append([{ eventId: ev, entry: { type: 'comment', comment: approved } }]);
    assert.deepEqual(
      (await s.readReplay(ev, { ms: 0, afterSeq: 0 }, 10)).map((c) => [c.id, c.mediaTimeMs]),
      [
        ['held1', 4200],
        ['other', 5000],
      ],
    );
  });

  test('replay: other events are not read', async () => {
    const s = store();
    const ev = await newEvent(s);
    const other = await newEvent(s);
    await post(s, other, 'elsewhere', 10);
    await post(s, ev, 'here', 20);
    await s.append([{ eventId: other, entry: { type: 'ban', userId: 'u1', until: null } }]);
    assert.deepEqual(
      (await s.readReplay(ev, { ms: 0, afterSeq: 0 }, 10)).map((c) => c.id),
      ['here'],
    );
  });
}
