// The contract every Store must keep, as one suite that takes a factory. Each implementation's
// test file calls `storeContract` with a harness over a fresh database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Comment, CommentEntry, EventSettings, NewEntry } from '@livecomments/protocol';
import { publicEvent } from '../events/visibility.js';
import { analyticsCases } from './analytics.case.test.js';
import { archiveCases } from './search.case.test.js';
import { emoteCases } from './store.emotes.case.test.js';
import type { AppendItem, EventRecord, Store, StoredComment } from './store.js';
import { pinPollCases } from './store.pins-polls.case.test.js';
import { replayCases } from './store.replay.case.test.js';
import { webhookQueueCases } from './webhook-queue.case.test.js';

/** A fresh database and a way to open stores on it. */
export interface StoreHarness {
  /** Opens a store on the harness's database; several calls give independent instances. */
  open(): Promise<Store>;
  /** Closes what the harness opened and drops its database. */
  destroy(): Promise<void>;
}

/** Options of the suite. */
export interface StoreContractOptions {
  /** Several instances append to one event at once (each with its own connections). */
  concurrentInstances?: boolean;
}

const SETTINGS: EventSettings = {
  slowModeMs: 0,
  maxCommentChars: 500,
  uniqueChat: false,
  blockedTerms: [],
  linksAllowed: true,
  rateLimitPerMinute: 30,
  moderation: { spamBlock: 0.95, spamHold: 0.8, toxicityBlock: 0.95, toxicityHold: 0.8, shadow: false },
};

let counter = 0;
/** A unique id for this run. */
function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

function eventRecord(id = uid('ev'), over: Partial<EventRecord> = {}): EventRecord {
  return {
    id,
    title: `t ${id}`,
    status: 'live',
    ownerId: 'owner',
    createdAt: Date.now(),
    lastSeq: 0,
    epoch: `ep${counter}`,
    settings: SETTINGS,
    ...over,
  };
}

function commentOf(eventId: string, text: string, userId = 'u1', id = uid('c')): Comment {
  return { id, eventId, seq: 0, user: { id: userId, name: `name ${userId}` }, text, createdAt: Date.now() };
}

function commentItem(eventId: string, text: string, clientId?: string, userId = 'u1', id?: string): AppendItem {
  const entry: NewEntry = { type: 'comment', comment: commentOf(eventId, text, userId, id) };
  return clientId === undefined ? { eventId, entry } : { eventId, entry, clientId };
}

function seqOf(r: unknown): number {
  const res = r as { entry?: { seq: number } };
  assert.ok(res.entry, `expected a new entry, got ${JSON.stringify(r)}`);
  return res.entry.seq;
}

/** Runs the Store contract against the stores a harness opens. */
export function storeContract(
  name: string,
  setup: () => Promise<StoreHarness>,
  options: StoreContractOptions = {},
): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;

    before(async () => {
      harness = await setup();
      store = await harness.open();
      await store.migrate();
      await store.migrate(); // idempotent
    });
    after(async () => {
      await harness?.destroy();
    });

    test('events: create, get, list newest first with a status filter', async () => {
      const a = eventRecord(uid('ev'), { createdAt: 1000 });
      const b = eventRecord(uid('ev'), { createdAt: 2000, status: 'ended', endedAt: 2500 });
      await store.createEvent(a);
      await store.createEvent(b);
      assert.deepEqual(await store.getEvent(a.id), a);
      assert.deepEqual(await store.getEvent(b.id), b);
      assert.equal(await store.getEvent('nope'), null);
      const { epoch: _, ...without } = eventRecord(uid('ev'));
      await store.createEvent(without);
      const made = (await store.getEvent(without.id))?.epoch ?? '';
      assert.match(made, /^[0-9A-Za-z_-]{8,32}$/, 'an epoch is made when none is given');
      const all = (await store.listEvents({ limit: 1000 })).map((e) => e.id);
      assert.ok(all.indexOf(b.id) < all.indexOf(a.id), 'newest first');
      const ended = await store.listEvents({ status: 'ended', limit: 1000 });
      assert.ok(ended.every((e) => e.status === 'ended'));
      assert.ok(ended.some((e) => e.id === b.id));
    });

    test('append: consecutive seqs per event in the order given, paging both ways', async () => {
      const e1 = eventRecord();
      const e2 = eventRecord();
      await store.createEvent(e1);
      await store.createEvent(e2);
      const res = await store.append([
        commentItem(e1.id, 'a'),
        commentItem(e2.id, 'x'),
        commentItem(e1.id, 'b'),
        commentItem(e1.id, 'c'),
      ]);
      assert.deepEqual(res.map(seqOf), [1, 1, 2, 3]);
      const first = res[0] as { entry: CommentEntry };
      assert.equal(first.entry.comment.seq, 1, 'the comment carries its seq');
      const more = await store.append([commentItem(e1.id, 'd'), commentItem(e1.id, 'e')]);
      assert.deepEqual(more.map(seqOf), [4, 5]);
      assert.equal((await store.getEvent(e1.id))?.lastSeq, 5);
      assert.equal((await store.getEvent(e2.id))?.lastSeq, 1);

      const after2 = await store.readAfter(e1.id, 2, 2);
      assert.deepEqual(
        after2.map((e) => [e.seq, e.type === 'comment' ? e.comment.text : '']),
        [
          [3, 'c'],
          [4, 'd'],
        ],
      );
      assert.deepEqual(
        (await store.readAfter(e1.id, 0, 100)).map((e) => e.seq),
        [1, 2, 3, 4, 5],
      );
      assert.deepEqual(
        (await store.readBefore(e1.id, 5, 3)).map((e) => e.seq),
        [4, 3, 2],
      );
      assert.deepEqual(
        (await store.readBefore(e1.id, Number.MAX_SAFE_INTEGER, 2)).map((e) => e.seq),
        [5, 4],
      );
      assert.deepEqual(await store.readAfter(e1.id, 5, 10), []);
      const stored = await store.getComment(e1.id, first.entry.comment.id);
      assert.equal(stored?.status, 'published');
      assert.equal(stored?.comment.seq, 1);
      assert.equal(stored?.comment.text, 'a');
    });

    test('append: a batch naming an unknown event fails whole', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      await assert.rejects(store.append([commentItem(e.id, 'ok'), commentItem(uid('missing'), 'no')]));
      assert.deepEqual(await store.readAfter(e.id, 0, 10), []);
      assert.equal((await store.getEvent(e.id))?.lastSeq, 0);
    });

    test('clientId: a retried post returns the first comment and takes no seq', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      const [r1] = await store.append([commentItem(e.id, 'hello', 'k1', 'alice')]);
      const first = r1 as { entry: CommentEntry };
      assert.equal(first.entry.seq, 1);
      const [r2] = await store.append([commentItem(e.id, 'hello again', 'k1', 'alice')]);
      const again = r2 as { existing: StoredComment };
      assert.ok(again.existing, 'second append with the same key returns existing');
      assert.equal(again.existing.comment.id, first.entry.comment.id);
      assert.equal(again.existing.comment.seq, 1);
      assert.equal(again.existing.comment.text, 'hello');
      // Another user may use the same key; a repeat inside one batch is answered with the first.
      const res = await store.append([
        commentItem(e.id, 'bob', 'k1', 'bob'),
        commentItem(e.id, 'bob twice', 'k1', 'bob'),
      ]);
      assert.equal(seqOf(res[0]), 2);
      const dup = res[1] as { existing: StoredComment };
      assert.equal(dup.existing?.comment.text, 'bob');
      assert.equal(dup.existing?.comment.seq, 2);
      assert.equal((await store.getEvent(e.id))?.lastSeq, 2);
      const found = await store.findByClientId(e.id, 'alice', 'k1');
      assert.equal(found?.comment.id, first.entry.comment.id);
      assert.equal(found?.clientId, 'k1');
      assert.equal(await store.findByClientId(e.id, 'alice', 'nope'), null);
    });

    test('held comments: hold, list, reject, approve through append', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      const held = (text: string, clientId: string): StoredComment => ({
        comment: { ...commentOf(e.id, text, 'carol'), seq: null },
        status: 'held',
        clientId,
        scores: { spam: 0.9 },
        reasons: ['spam'],
      });
      const h1 = await store.holdComment(held('first', 'h1'));
      assert.equal(h1.status, 'held');
      assert.equal(h1.comment.seq, null);
      assert.deepEqual(h1.scores, { spam: 0.9 });
      assert.deepEqual(h1.reasons, ['spam']);
      const h1again = await store.holdComment(held('first retried', 'h1'));
      assert.equal(h1again.comment.id, h1.comment.id, 'idempotent per client id');
      const h2 = await store.holdComment(held('second', 'h2'));
      assert.deepEqual(
        (await store.listHeld(e.id, 10)).map((h) => h.comment.id),
        [h1.comment.id, h2.comment.id],
      );
      assert.equal(await store.rejectHeld(e.id, h2.comment.id), true);
      assert.equal(await store.rejectHeld(e.id, h2.comment.id), false);
      assert.equal((await store.getComment(e.id, h2.comment.id))?.status, 'rejected');

      // Approval appends the held comment itself (same id): it is published with a seq.
      const approved = { ...h1.comment, seq: 0 } as Comment;
      const [r] = await store.append([{ eventId: e.id, entry: { type: 'comment', comment: approved } }]);
      assert.equal(seqOf(r), 1);
      const now = await store.getComment(e.id, h1.comment.id);
      assert.equal(now?.status, 'published');
      assert.equal(now?.comment.seq, 1);
      assert.deepEqual(await store.listHeld(e.id, 10), []);
      // Approving twice publishes nothing new.
      const [again] = await store.append([{ eventId: e.id, entry: { type: 'comment', comment: approved } }]);
      assert.equal((again as { existing: StoredComment }).existing?.comment.seq, 1);
      // The author's retry of the held post now finds the published comment.
      const [retry] = await store.append([commentItem(e.id, 'first retried', 'h1', 'carol')]);
      assert.equal((retry as { existing: StoredComment }).existing?.comment.id, h1.comment.id);
      assert.equal((await store.getEvent(e.id))?.lastSeq, 1);
    });

    test('delete: marks the comment deleted and blanks its text everywhere', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      const [r] = await store.append([commentItem(e.id, 'regret')]);
      const c = (r as { entry: CommentEntry }).entry.comment;
      const [d] = await store.append([{ eventId: e.id, entry: { type: 'delete', commentId: c.id } }]);
      assert.equal(seqOf(d), 2);
      const stored = await store.getComment(e.id, c.id);
      assert.equal(stored?.status, 'deleted');
      assert.equal(stored?.comment.text, '');
      const log = await store.readAfter(e.id, 0, 10);
      assert.equal(log[0]?.type, 'comment');
      assert.equal(log[0]?.type === 'comment' && log[0].comment.text, '');
      assert.deepEqual(log[1], { seq: 2, type: 'delete', commentId: c.id });
    });

    test('bans: the ban entry records it; put, get, list, remove', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      const [r] = await store.append([{ eventId: e.id, entry: { type: 'ban', userId: 'troll', until: null } }]);
      assert.equal(seqOf(r), 1);
      assert.equal((await store.getBan(e.id, 'troll'))?.until, null);
      const until = Date.now() + 60_000;
      await store.putBan({ eventId: e.id, userId: 'spammer', until, reason: 'spam', by: 'mod', createdAt: 5 });
      assert.deepEqual(await store.getBan(e.id, 'spammer'), {
        eventId: e.id,
        userId: 'spammer',
        until,
        reason: 'spam',
        by: 'mod',
        createdAt: 5,
      });
      assert.deepEqual((await store.listBans(e.id)).map((b) => b.userId).sort(), ['spammer', 'troll']);
      assert.equal(await store.removeBan(e.id, 'spammer'), true);
      assert.equal(await store.removeBan(e.id, 'spammer'), false);
      assert.equal(await store.getBan(e.id, 'spammer'), null);
    });

    test('event entry: replaces title, status, endedAt and settings (the full ones, from the item)', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      await store.append([commentItem(e.id, 'before the end')]);
      const settings: EventSettings = {
        ...SETTINGS,
        slowModeMs: 5000,
        blockedTerms: ['secretword'],
        moderation: { ...SETTINGS.moderation, spamBlock: 0.42, shadow: true },
      };
      const ended = { ...e, title: 'renamed', status: 'ended' as const, endedAt: 99, settings, viewers: 0 };
      const [r] = await store.append([
        { eventId: e.id, entry: { type: 'event', event: publicEvent(ended) }, settings },
      ]);
      assert.equal(seqOf(r), 2);
      const got = await store.getEvent(e.id);
      assert.equal(got?.title, 'renamed');
      assert.equal(got?.status, 'ended');
      assert.equal(got?.endedAt, 99);
      assert.deepEqual(got?.settings, settings);
      assert.equal(got?.lastSeq, 2);
      const [entry] = await store.readAfter(e.id, 1, 1);
      assert.equal(entry?.type, 'event');
      assert.equal(entry?.type === 'event' && entry.event.settings.slowModeMs, 5000);
      assert.doesNotMatch(JSON.stringify(entry), /secretword|spamBlock|shadow/);
    });

    test('event entries: the last full settings of a batch win; an item without them is refused', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      const item = (blockedTerms: string[]): AppendItem => {
        const settings = { ...SETTINGS, blockedTerms };
        return {
          eventId: e.id,
          entry: { type: 'event', event: publicEvent({ ...e, settings, viewers: 0 }) },
          settings,
        };
      };
      await store.append([item(['first']), item(['second'])]);
      assert.deepEqual((await store.getEvent(e.id))?.settings.blockedTerms, ['second']);
      const bare: AppendItem = { eventId: e.id, entry: { type: 'event', event: { ...e, title: 'bare', viewers: 0 } } };
      await assert.rejects(store.append([bare]));
      const after = await store.getEvent(e.id);
      assert.equal(after?.title, e.title);
      assert.deepEqual(after?.settings.blockedTerms, ['second']);
      assert.equal(after?.lastSeq, 2);
    });

    test('reads give the public part of an event entry that was stored with full settings', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      const settings = { ...SETTINGS, blockedTerms: ['oldsecret'] };
      // As entries were stored before they were projected at their creation.
      const full = { ...e, settings, viewers: 0 };
      await store.append([{ eventId: e.id, entry: { type: 'event', event: full }, settings }]);
      const read = [...(await store.readAfter(e.id, 0, 10)), ...(await store.readBefore(e.id, 10, 10))];
      assert.equal(read.length, 2);
      assert.doesNotMatch(JSON.stringify(read), /oldsecret|blockedTerms|moderation/);
    });

    test('moderation log: newest first', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      await store.addModAction({ eventId: e.id, action: 'ban', actorId: 'm', at: 1, targetId: 'x', reason: 'r' });
      await store.addModAction({
        eventId: e.id,
        action: 'delete',
        actorId: 'm',
        at: 2,
        text: 'bad',
        details: { n: 1 },
      });
      const log = await store.listModActions(e.id, 10);
      assert.deepEqual(
        log.map((a) => a.action),
        ['delete', 'ban'],
      );
      assert.deepEqual(log[0]?.details, { n: 1 });
      assert.equal(log[1]?.targetId, 'x');
    });

    webhookQueueCases(() => store, eventRecord, SETTINGS);
    analyticsCases(() => store, eventRecord, options.concurrentInstances ? () => harness.open() : undefined);
    test('roles: owner and moderator rows, replaced per user, only moderators removed', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      assert.deepEqual(await store.listRoles(e.id), []);
      await store.putRole({ eventId: e.id, userId: 'owner', role: 'owner', name: 'Sue', by: 'owner', createdAt: 1 });
      await store.putRole({ eventId: e.id, userId: 'm1', role: 'moderator', name: null, by: 'owner', createdAt: 2 });
      await store.putRole({ eventId: e.id, userId: 'm1', role: 'moderator', name: 'Max', by: 'owner', createdAt: 3 });
      const roles = await store.listRoles(e.id);
      assert.deepEqual(
        roles.map((r) => [r.userId, r.role, r.name, r.createdAt]),
        [
          ['owner', 'owner', 'Sue', 1],
          ['m1', 'moderator', 'Max', 3],
        ],
      );
      assert.equal(await store.removeModerator(e.id, 'owner'), false, 'an owner row is not a moderator');
      assert.equal(await store.removeModerator(e.id, 'm1'), true);
      assert.equal(await store.removeModerator(e.id, 'm1'), false);
      assert.deepEqual(
        (await store.listRoles(e.id)).map((r) => r.userId),
        ['owner'],
      );
    });

    test('reports: one per user and comment, counted while open, published comments only', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      const [a, b] = [commentItem(e.id, 'first'), commentItem(e.id, 'second')];
      await store.append([a, b]);
      const [ida, idb] = [a, b].map((i) => (i.entry.type === 'comment' ? i.entry.comment.id : ''));
      const report = (commentId: string, userId: string, reason: string, createdAt: number) =>
        store.addReport({ eventId: e.id, commentId: commentId!, userId, reason, createdAt });
      assert.equal(await report(ida!, 'r1', 'spam', 10), true);
      assert.equal(await report(ida!, 'r1', 'again', 11), false, 'one report per user');
      assert.equal(await report(ida!, 'r2', 'rude', 12), true);
      assert.equal(await report(idb!, 'r1', 'meh', 13), true);
      const listed = await store.listReported(e.id, 10);
      assert.deepEqual(
        listed.map((r) => [r.comment.comment.id, r.count, r.reasons]),
        [
          [ida, 2, ['rude', 'spam']],
          [idb, 1, ['meh']],
        ],
      );
      assert.equal((await store.listReported(e.id, 1)).length, 1);
      assert.equal(await store.closeReports(e.id, ida!), 2);
      assert.equal(await store.closeReports(e.id, ida!), 0);
      assert.equal(await report(ida!, 'r1', 'once more', 14), false, 'a closed report still counts as made');
      await store.append([{ eventId: e.id, entry: { type: 'delete', commentId: idb! } }]);
      assert.deepEqual(await store.listReported(e.id, 10), [], 'deleted comments leave the list');
    });

    test('replies: published replies to a parent, oldest first, as the log carries them', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      const parent = commentItem(e.id, 'parent');
      await store.append([parent]);
      const parentId = parent.entry.type === 'comment' ? parent.entry.comment.id : '';
      const replyItem = (text: string): AppendItem => {
        const comment: Comment = {
          ...commentOf(e.id, text),
          parentId,
          user: { id: 'u9', name: 'n', badges: ['moderator'] },
        };
        return { eventId: e.id, entry: { type: 'comment', comment } };
      };
      const [r1, r2, r3] = [replyItem('one'), replyItem('two'), replyItem('three')];
      await store.append([r1!, commentItem(e.id, 'unrelated'), r2!]);
      await store.append([r3!]);
      const id3 = r3!.entry.type === 'comment' ? r3!.entry.comment.id : '';
      await store.append([{ eventId: e.id, entry: { type: 'delete', commentId: id3 } }]);
      const replies = await store.listReplies(e.id, parentId, 10);
      assert.deepEqual(
        replies.map((c) => [c.text, c.parentId, c.user.badges]),
        [
          ['one', parentId, ['moderator']],
          ['two', parentId, ['moderator']],
        ],
      );
      assert.ok(replies[0]!.seq < replies[1]!.seq);
      assert.equal((await store.listReplies(e.id, parentId, 1)).length, 1);
      assert.deepEqual(await store.listReplies(e.id, 'nope', 10), []);
    });

    pinPollCases(() => store, options.concurrentInstances ? () => harness.open() : undefined);
    emoteCases(() => store, options.concurrentInstances ? () => harness.open() : undefined);
    replayCases(() => store);
    archiveCases(() => store);
    test('reactions: window counts add up per emoji, per event', async () => {
      const e = eventRecord();
      const other = eventRecord();
      await store.createEvent(e);
      await store.createEvent(other);
      assert.deepEqual(await store.reactionTotals(e.id), {});
      await store.addReactions(e.id, { '🔥': 3, '❤️': 1 });
      await store.addReactions(e.id, { '🔥': 2 });
      await store.addReactions(other.id, { '🔥': 7 });
      await store.addReactions(e.id, {});
      assert.deepEqual(await store.reactionTotals(e.id), { '🔥': 5, '❤️': 1 });
      assert.deepEqual(await store.reactionTotals(other.id), { '🔥': 7 });
    });

    test('likes: one per user per comment, idempotent both ways, counted', async () => {
      const e = eventRecord();
      await store.createEvent(e);
      assert.deepEqual(await store.setLike(e.id, 'c1', 'u1', true), { changed: true, likes: 1 });
      assert.deepEqual(await store.setLike(e.id, 'c1', 'u1', true), { changed: false, likes: 1 });
      assert.deepEqual(await store.setLike(e.id, 'c1', 'u2', true), { changed: true, likes: 2 });
      assert.deepEqual(await store.setLike(e.id, 'c2', 'u1', true), { changed: true, likes: 1 });
      assert.deepEqual(await store.setLike(e.id, 'c1', 'u1', false), { changed: true, likes: 1 });
      assert.deepEqual(await store.setLike(e.id, 'c1', 'u1', false), { changed: false, likes: 1 });
      assert.deepEqual(await store.setLike(e.id, 'c3', 'u1', false), { changed: false, likes: 0 });
      assert.deepEqual(await store.likeCounts(e.id, ['c1', 'c2', 'c3']), { c1: 1, c2: 1 });
      assert.deepEqual(await store.likeCounts(e.id, []), {});
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.setLike(e.id, 'c4', `v${i}`, true)));
      assert.deepEqual(await store.likeCounts(e.id, ['c4']), { c4: 20 });
    });

    if (options.concurrentInstances) {
      test('several instances appending to one event: gapless, no duplicate, one winner per client id', async () => {
        const e = eventRecord();
        await store.createEvent(e);
        const stores = await Promise.all([harness.open(), harness.open(), harness.open()]);
        const perStore = 15;
        await Promise.all(
          stores.map(async (s, n) => {
            for (let i = 0; i < perStore; i++) {
              // Batches of 1-3, some touching a second event, plus one contested client id each round.
              const batch = [commentItem(e.id, `s${n} #${i}`), commentItem(e.id, 'race', `race-${i}`, 'racer')];
              if (i % 3 === 0) batch.push(commentItem(e.id, `s${n} #${i}b`));
              await s.append(batch);
            }
          }),
        );
        const log = await store.readAfter(e.id, 0, 10_000);
        const seqs = log.map((x) => x.seq);
        assert.deepEqual(
          seqs,
          seqs.map((_, i) => i + 1),
          'gapless from 1',
        );
        const ids = log.map((x) => (x.type === 'comment' ? x.comment.id : ''));
        assert.equal(new Set(ids).size, ids.length, 'no comment twice');
        const races = log.filter((x) => x.type === 'comment' && x.comment.text === 'race');
        assert.equal(races.length, perStore, 'one comment per contested client id');
        assert.equal(log.length, stores.length * (perStore + 5) + perStore);
        assert.equal((await store.getEvent(e.id))?.lastSeq, log.length);
      });
    }
  });
}
