// The Store contract for pins and polls, run inside storeContract (store.case.test.ts) against
// every store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Entry, EventSettings, Poll } from '@livecomments/protocol';
import type { AppendResult, EventRecord, Store } from './store.js';

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
  const id = `pp-${process.pid}-${Date.now().toString(36)}-${n}`;
  const record: EventRecord = {
    id,
    title: id,
    status: 'live',
    ownerId: 'owner',
    createdAt: Date.now(),
    lastSeq: 0,
    epoch: 'e',
    settings: SETTINGS,
  };
  await store.createEvent(record);
  return id;
}

function entryOf(r: AppendResult | undefined): Entry {
  assert.ok(r && 'entry' in r, `expected an entry, got ${JSON.stringify(r)}`);
  return r.entry;
}

function pollOf(id: string, status: 'open' | 'closed', endsAt = Date.now() + 60_000): Poll {
  return {
    id,
    question: 'Which?',
    options: ['a', 'b', 'c'].map((text) => ({ text, votes: 0 })),
    status,
    endsAt,
  };
}

/** The pin and poll cases of the contract; `concurrent` opens more instances on one database. */
export function pinPollCases(store: () => Store, concurrent?: () => Promise<Store>): void {
  test('pin: the event keeps the pin with its seq; unpin clears it; a conditional unpin ends only its pin', async () => {
    const s = store();
    const ev = await newEvent(s);
    const [first] = await s.append([{ eventId: ev, entry: { type: 'pin', pin: { text: 'hello', by: 'owner' } } }]);
    const pinSeq = entryOf(first).seq;
    assert.deepEqual((await s.getEvent(ev))?.pin, { text: 'hello', by: 'owner', seq: pinSeq });
    const [second] = await s.append([
      { eventId: ev, entry: { type: 'pin', pin: { commentId: 'c1', text: 'x', by: 'm', expiresAt: 5 } } },
    ]);
    const secondSeq = entryOf(second).seq;
    // The expiry of the first pin must not end the second.
    const [stale] = await s.append([{ eventId: ev, entry: { type: 'unpin' }, ifPinSeq: pinSeq }]);
    assert.deepEqual(stale, { skipped: true });
    assert.equal((await s.getEvent(ev))?.pin?.seq, secondSeq);
    const [ended] = await s.append([{ eventId: ev, entry: { type: 'unpin' }, ifPinSeq: secondSeq }]);
    assert.equal(entryOf(ended).type, 'unpin');
    assert.equal((await s.getEvent(ev))?.pin, undefined);
    // Again: nothing left to end.
    const [again] = await s.append([{ eventId: ev, entry: { type: 'unpin' }, ifPinSeq: secondSeq }]);
    assert.deepEqual(again, { skipped: true });
    const log = await s.readAfter(ev, 0, 10);
    assert.deepEqual(
      log.map((e) => [e.seq, e.type]),
      [
        [1, 'pin'],
        [2, 'pin'],
        [3, 'unpin'],
      ],
      'skipped items take no seq',
    );
    assert.equal((await s.getEvent(ev))?.lastSeq, 3);
  });

  test('pin: an expiry in the same batch as a newer pin is skipped, and the rest of the batch stands', async () => {
    const s = store();
    const ev = await newEvent(s);
    const [old] = await s.append([{ eventId: ev, entry: { type: 'pin', pin: { text: 'old', by: 'o' } } }]);
    const out = await s.append([
      { eventId: ev, entry: { type: 'pin', pin: { text: 'new', by: 'o' } } },
      { eventId: ev, entry: { type: 'unpin' }, ifPinSeq: entryOf(old).seq },
      { eventId: ev, entry: { type: 'delete', commentId: 'nothing' } },
    ]);
    assert.equal(entryOf(out[0]).seq, 2);
    assert.deepEqual(out[1], { skipped: true });
    assert.equal(entryOf(out[2]).seq, 3);
    assert.equal((await s.getEvent(ev))?.pin?.text, 'new');
  });

  test('polls: one vote per user, changeable; entries count the votes; closed once, then no vote', async () => {
    const s = store();
    const ev = await newEvent(s);
    const [opened] = await s.append([{ eventId: ev, entry: { type: 'poll', poll: pollOf('p1', 'open') } }]);
    assert.equal(entryOf(opened).type, 'poll');
    assert.deepEqual(await s.getPoll(ev, 'p1'), {
      eventId: ev,
      id: 'p1',
      question: 'Which?',
      options: ['a', 'b', 'c'],
      status: 'open',
      endsAt: opened && 'entry' in opened && opened.entry.type === 'poll' ? opened.entry.poll.endsAt : 0,
    });
    const at = Date.now();
    assert.equal(await s.vote({ eventId: ev, pollId: 'p1', userId: 'u1', option: 0, at }), true);
    assert.equal(await s.vote({ eventId: ev, pollId: 'p1', userId: 'u2', option: 0, at }), true);
    assert.equal(await s.vote({ eventId: ev, pollId: 'p1', userId: 'u3', option: 2, at }), true);
    // u1 changes their mind; u2 votes the same again.
    assert.equal(await s.vote({ eventId: ev, pollId: 'p1', userId: 'u1', option: 1, at }), true);
    assert.equal(await s.vote({ eventId: ev, pollId: 'p1', userId: 'u2', option: 0, at }), true);
    // A results entry: the store counts, whatever the entry said; the texts stay the stored ones.
    const claimed = pollOf('p1', 'open');
    claimed.options = [{ text: 'forged', votes: 99 }];
    const [results] = await s.append([{ eventId: ev, entry: { type: 'poll', poll: claimed } }]);
    const counted = entryOf(results);
    assert.ok(counted.type === 'poll');
    assert.deepEqual(counted.poll.options, [
      { text: 'a', votes: 1 },
      { text: 'b', votes: 1 },
      { text: 'c', votes: 1 },
    ]);
    assert.deepEqual((await s.getEvent(ev))?.poll, counted.poll);
    const [closed] = await s.append([{ eventId: ev, entry: { type: 'poll', poll: pollOf('p1', 'closed') } }]);
    const final = entryOf(closed);
    assert.ok(final.type === 'poll' && final.poll.status === 'closed');
    assert.equal(
      final.poll.options.reduce((sum, o) => sum + o.votes, 0),
      3,
    );
    assert.equal((await s.getPoll(ev, 'p1'))?.status, 'closed');
    assert.equal(await s.vote({ eventId: ev, pollId: 'p1', userId: 'u4', option: 0, at }), false);
    const [twice] = await s.append([{ eventId: ev, entry: { type: 'poll', poll: pollOf('p1', 'closed') } }]);
    assert.deepEqual(twice, { skipped: true });
    const [late] = await s.append([{ eventId: ev, entry: { type: 'poll', poll: pollOf('p1', 'open') } }]);
    assert.deepEqual(late, { skipped: true }, 'no results after the close');
    const log = await s.readAfter(ev, 0, 10);
    assert.deepEqual(
      log.map((e) => (e.type === 'poll' ? e.poll.status : e.type)),
      ['open', 'open', 'closed'],
    );
    assert.equal((await s.getEvent(ev))?.poll?.status, 'closed');
  });

  test('polls: no vote after the end, nor in an unknown poll', async () => {
    const s = store();
    const ev = await newEvent(s);
    const endsAt = Date.now() + 1_000;
    await s.append([{ eventId: ev, entry: { type: 'poll', poll: pollOf('p2', 'open', endsAt) } }]);
    assert.equal(await s.vote({ eventId: ev, pollId: 'p2', userId: 'u', option: 0, at: endsAt }), false);
    assert.equal(await s.vote({ eventId: ev, pollId: 'nope', userId: 'u', option: 0, at: 0 }), false);
    assert.equal(await s.getPoll(ev, 'nope'), null);
  });

  if (concurrent) {
    test('polls: instances closing one poll at once close it once, with every vote counted', async () => {
      const s = store();
      const ev = await newEvent(s);
      await s.append([{ eventId: ev, entry: { type: 'poll', poll: pollOf('p3', 'open') } }]);
      const stores = await Promise.all([concurrent(), concurrent(), concurrent()]);
      const at = Date.now();
      const votes = Array.from({ length: 30 }, (_, i) =>
        stores[i % 3]!.vote({ eventId: ev, pollId: 'p3', userId: `u${i}`, option: i % 3, at }),
      );
      const closes = stores.map((x) =>
        x.append([{ eventId: ev, entry: { type: 'poll', poll: pollOf('p3', 'closed') } }]),
      );
      const accepted = (await Promise.all(votes)).filter(Boolean).length;
      const outcomes = (await Promise.all(closes)).map((r) => r[0]!);
      const done = outcomes.filter((o) => 'entry' in o);
      assert.equal(done.length, 1, 'one close');
      const final = entryOf(done[0]);
      assert.ok(final.type === 'poll');
      assert.equal(
        final.poll.options.reduce((sum, o) => sum + o.votes, 0),
        accepted,
        'every accepted vote is in the final count',
      );
    });
  }
}
