// The chat archive's contract (engines/search.ts), run inside storeContract (store.case.test.ts)
// against every store: search equals a brute-force filter of a seeded random chat, hostile
// search text is only words, retention and erasure remove text and keep the rest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Comment, EventSettings } from '@livecomments/protocol';
import { matchesQuery, type ParsedQuery, parseQuery, type SearchStatus, searchWords } from './search.js';
import type { EventRecord, Store } from './store.js';

const SETTINGS = {
  slowModeMs: 0,
  maxCommentChars: 500,
  uniqueChat: false,
  blockedTerms: [],
  linksAllowed: true,
  rateLimitPerMinute: 30,
  moderation: { spamBlock: 0.95, spamHold: 0.8, toxicityBlock: 0.95, toxicityHold: 0.8, shadow: false },
} satisfies EventSettings;

const DAY = 86_400_000;

let n = 0;
async function newEvent(store: Store, settings: EventSettings = SETTINGS): Promise<string> {
  n += 1;
  const id = `sr-${process.pid}-${Date.now().toString(36)}-${n}`;
  const record: EventRecord = {
    id,
    title: id,
    status: 'live',
    ownerId: 'owner',
    createdAt: Date.now(),
    lastSeq: 0,
    epoch: 'e',
    settings,
  };
  await store.createEvent(record);
  return id;
}

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Words in several scripts, with case and accents that the index folds, and punctuation.
const VOCABULARY = [
  'gg',
  'GG',
  'hello',
  'Hello!',
  'café',
  'cafe',
  'Über',
  'uber',
  'goal',
  'GOAL!!!',
  'what',
  'a',
  'save',
  'näive',
  'naive',
  'привет',
  'ПРИВЕТ',
  'مرحبا',
  '東京',
  'ok,',
  'lol',
  '🔥',
  'the',
  'ref',
  "don't",
  'AND',
  'NEAR',
  '"quoted"',
  '1-0',
];
const AUTHORS = ['u1', 'u2', 'u3', 'odd"id', 'u-5'];

interface Model {
  id: string;
  text: string;
  userId: string;
  createdAt: number;
  status: SearchStatus | 'deleted';
}

function comment(eventId: string, id: string, userId: string, text: string, createdAt: number): Comment {
  return { id, eventId, seq: 0, user: { id: userId, name: userId }, text, createdAt };
}

/** Indexes until the index has caught up with the log. */
async function catchUp(store: Store, eventId: string): Promise<void> {
  while ((await store.indexLog(eventId, 37)) > 0) {}
}

/** Every page of a search, asserting each page is newest first and no comment comes twice. */
async function allPages(
  store: Store,
  q: Parameters<Store['search']>[0],
): Promise<{ ids: string[]; texts: Map<string, string> }> {
  const ids: string[] = [];
  const texts = new Map<string, string>();
  let cursor: number | undefined;
  for (let page = 0; page < 1000; page++) {
    const got = await store.search(cursor === undefined ? q : { ...q, cursor });
    for (const hit of got.items) {
      assert.ok(!texts.has(hit.comment.id), `comment ${hit.comment.id} came twice`);
      ids.push(hit.comment.id);
      texts.set(hit.comment.id, hit.comment.text);
    }
    if (got.next === undefined) return { ids, texts };
    assert.ok(cursor === undefined || got.next < cursor, 'cursors go down');
    cursor = got.next;
  }
  throw new Error('too many pages');
}

/** The archive cases, run against every store. */
export function archiveCases(getStore: () => Store): void {
  test('search: equals a brute-force filter of a seeded random chat (words, phrases, authors, times, statuses)', async () => {
    const store = getStore();
    const seed = 20261202;
    const rnd = random(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const eventId = await newEvent(store);
    const other = await newEvent(store);
    // Recent times: a retention case with a node default may run on the same database.
    const base = Date.now() - 3_600_000;
    const model: Model[] = [];
    for (let i = 0; i < 260; i++) {
      const words = Array.from({ length: 1 + Math.floor(rnd() * 9) }, () => pick(VOCABULARY));
      const text = words.join(rnd() < 0.2 ? '  ' : ' ');
      const c = comment(eventId, `c${String(i).padStart(4, '0')}-${n}`, pick(AUTHORS), text, base + i * 1000);
      const roll = rnd();
      if (roll < 0.15) {
        await store.holdComment({ comment: { ...c, seq: null }, status: 'held' });
        const fate = rnd();
        if (fate < 0.3) {
          await store.rejectHeld(eventId, c.id);
          model.push({ ...c, userId: c.user.id, status: 'rejected' });
        } else if (fate < 0.6) {
          await store.append([{ eventId, entry: { type: 'comment', comment: c } }]);
          model.push({ ...c, userId: c.user.id, status: 'published' });
        } else model.push({ ...c, userId: c.user.id, status: 'held' });
      } else {
        await store.append([{ eventId, entry: { type: 'comment', comment: c } }]);
        model.push({ ...c, userId: c.user.id, status: 'published' });
      }
      // Some indexing while the chat goes on, the rest at the end.
      if (i % 50 === 25) await store.indexLog(eventId, 20);
      // The same words in another event, which no search of this one may find.
      if (i % 10 === 0) {
        await store.append([{ eventId: other, entry: { type: 'comment', comment: { ...c, eventId: other } } }]);
      }
    }
    for (const m of model) {
      if (m.status === 'published' && rnd() < 0.1) {
        await store.append([{ eventId, entry: { type: 'delete', commentId: m.id } }]);
        m.status = 'deleted';
      }
    }
    await catchUp(store, eventId);
    await catchUp(store, other);

    const queries: { q: string; parsed: ParsedQuery }[] = [];
    for (let i = 0; i < 50; i++) {
      let q: string;
      const kind = rnd();
      if (kind < 0.4) q = pick(VOCABULARY);
      else if (kind < 0.6) q = `${pick(VOCABULARY)} ${pick(VOCABULARY)}`;
      else if (kind < 0.85) {
        // A phrase out of a real comment, so that phrases have hits.
        const words = pick(model).text.split(/\s+/);
        const from = Math.floor(rnd() * words.length);
        q = `"${words.slice(from, from + 1 + Math.floor(rnd() * 3)).join(' ')}"`;
      } else q = '';
      queries.push({ q, parsed: parseQuery(q) });
    }
    let found = 0;
    for (const { q, parsed } of queries) {
      const statuses: SearchStatus[] = rnd() < 0.5 ? ['published'] : ['published', 'held', 'rejected'];
      const authorId = rnd() < 0.3 ? pick(AUTHORS) : undefined;
      const from = rnd() < 0.3 ? base + Math.floor(rnd() * 130) * 1000 : undefined;
      const to = from !== undefined && rnd() < 0.5 ? from + Math.floor(rnd() * 100) * 1000 : undefined;
      const expected = model
        .filter(
          (m) =>
            m.status !== 'deleted' &&
            statuses.includes(m.status) &&
            (authorId === undefined || m.userId === authorId) &&
            (from === undefined || m.createdAt >= from) &&
            (to === undefined || m.createdAt < to) &&
            matchesQuery(searchWords(m.text), parsed),
        )
        .map((m) => m.id);
      // Small windows too: pages that stop short of full, or empty, with a `next`.
      const scan = rnd() < 0.5 ? undefined : 1 + Math.floor(rnd() * 20);
      const got = await allPages(store, {
        eventId,
        query: parsed,
        statuses,
        limit: 1 + Math.floor(rnd() * 9),
        ...(scan !== undefined && { scan }),
        ...(authorId !== undefined && { authorId }),
        ...(from !== undefined && { from }),
        ...(to !== undefined && { to }),
      });
      const context = JSON.stringify({ seed, q, statuses, authorId, from, to, scan });
      assert.deepEqual([...got.ids].sort(), [...expected].sort(), context);
      for (const id of got.ids) assert.equal(got.texts.get(id), model.find((m) => m.id === id)!.text, context);
      found += got.ids.length;
    }
    assert.ok(found > 100, `the queries should find something (found ${found})`);
  });

  test('search: a page examines at most `scan` rows; from/to start and end the walk through the time index', async () => {
    const store = getStore();
    const eventId = await newEvent(store);
    const HOUR = 3_600_000;
    const base = Date.now() - 200 * HOUR;
    for (let i = 0; i < 40; i++) {
      const text = i % 2 === 0 ? 'red fish' : 'blue fish';
      await store.append([
        { eventId, entry: { type: 'comment', comment: comment(eventId, `w${i}`, 'u1', text, base + i * HOUR) } },
      ]);
    }
    await catchUp(store, eventId);
    const q = { eventId, statuses: ['published'] as SearchStatus[], limit: 10, scan: 4 };
    // Words that never meet: each page walks 4 rows, finds nothing, and says where to go on.
    const never = await store.search({ ...q, query: parseQuery('red blue') });
    assert.deepEqual(never.items, []);
    assert.notEqual(never.next, undefined, 'an empty page that stopped early has a next');
    assert.deepEqual((await allPages(store, { ...q, query: parseQuery('red blue') })).ids, []);
    // A page stops at its window even when it is not full.
    const fish = await store.search({ ...q, query: parseQuery('fish') });
    assert.deepEqual(
      fish.items.map((h) => h.comment.id),
      ['w39', 'w38', 'w37', 'w36'],
    );
    assert.equal((await allPages(store, { ...q, query: parseQuery('fish') })).ids.length, 40);
    // `to` starts the walk at the time, not at the newest row: the first page holds the rows just before it.
    const to = base + 5 * HOUR + 1;
    for (const query of [parseQuery(''), parseQuery('fish')]) {
      const first = await store.search({ ...q, query, to });
      assert.deepEqual(
        first.items.map((h) => h.comment.id),
        ['w5', 'w4', 'w3', 'w2'],
      );
      assert.deepEqual((await allPages(store, { ...q, query, to })).ids, ['w5', 'w4', 'w3', 'w2', 'w1', 'w0']);
    }
    // `from` ends it: nothing older is walked, so no next past the range.
    const from = base + 35 * HOUR;
    const recent = await store.search({ ...q, limit: 10, scan: 100, query: parseQuery(''), from });
    assert.deepEqual(
      recent.items.map((h) => h.comment.id),
      ['w39', 'w38', 'w37', 'w36', 'w35'],
    );
    assert.equal(recent.next, undefined);
  });

  test('search: hostile text is only words (no FTS or tsquery syntax gets through)', async () => {
    const store = getStore();
    const eventId = await newEvent(store);
    const c = comment(eventId, `h-${n}`, 'u1', 'NEAR the AND or NOT * col: "quoted" ^start', Date.now());
    await store.append([{ eventId, entry: { type: 'comment', comment: c } }]);
    await catchUp(store, eventId);
    const hostile = [
      'NEAR(a b)',
      'a OR b',
      'NOT',
      '*',
      'body:x',
      '{ev au}: x',
      '^start',
      '"unclosed',
      "'; DROP TABLE comments; --",
      '!(a) | b & c <-> d',
      '"" "" ""',
      '\\\\',
      'col:',
    ];
    for (const q of hostile) {
      const page = await store.search({ eventId, query: parseQuery(q), statuses: ['published'], limit: 5 });
      const expected = matchesQuery(searchWords(c.text), parseQuery(q)) ? [c.id] : [];
      assert.deepEqual(
        page.items.map((h) => h.comment.id),
        expected,
        q,
      );
    }
  });

  test('retention: text older than the event keeps it is removed; comments, seqs and likes stay', async () => {
    const store = getStore();
    const now = Date.now();
    const kept = await newEvent(store, { ...SETTINGS, retentionDays: 30 });
    const short = await newEvent(store, { ...SETTINGS, retentionDays: 1 });
    const plain = await newEvent(store);
    const old = now - 2 * DAY;
    for (const eventId of [kept, short, plain]) {
      await store.append([
        {
          eventId,
          entry: { type: 'comment', comment: comment(eventId, `old-${eventId}`, 'u1', 'ancient words', old) },
        },
        { eventId, entry: { type: 'comment', comment: comment(eventId, `new-${eventId}`, 'u1', 'fresh words', now) } },
      ]);
      await store.holdComment({
        comment: { ...comment(eventId, `held-${eventId}`, 'u2', 'ancient held', old), seq: null },
        status: 'held',
      });
      await store.setLike(eventId, `old-${eventId}`, 'u3', true);
      await catchUp(store, eventId);
    }
    await store.addModAction({
      eventId: short,
      action: 'hold',
      actorId: 'automod',
      at: old,
      targetId: `held-${short}`,
      text: 'ancient held',
    });
    // No node default: only the event with one day loses its old text.
    assert.equal(await store.expireText(now, null, 1000), 2);
    const gone = await store.getComment(short, `old-${short}`);
    assert.equal(gone?.comment.text, '');
    assert.equal(gone?.status, 'published', 'the comment itself stays');
    assert.equal(gone?.comment.seq, 1);
    assert.equal((await store.getComment(short, `held-${short}`))?.comment.text, '');
    assert.equal((await store.getComment(short, `new-${short}`))?.comment.text, 'fresh words');
    assert.equal((await store.getComment(kept, `old-${kept}`))?.comment.text, 'ancient words');
    assert.equal((await store.getComment(plain, `old-${plain}`))?.comment.text, 'ancient words');
    const log = await store.readAfter(short, 0, 10);
    assert.equal(log.length, 2, 'the log keeps every entry');
    const first = log[0]!;
    assert.ok(first.type === 'comment' && first.comment.text === '' && first.comment.id === `old-${short}`);
    assert.deepEqual(await store.likeCounts(short, [`old-${short}`]), { [`old-${short}`]: 1 });
    assert.equal((await store.listModActions(short, 10))[0]?.text, undefined, 'the moderation log loses the text too');
    const all: SearchStatus[] = ['published', 'held', 'rejected'];
    const search = (eventId: string, q: string) =>
      store.search({ eventId, query: parseQuery(q), statuses: all, limit: 10 }).then((p) => p.items.length);
    assert.equal(await search(short, 'ancient'), 0);
    assert.equal(await search(short, 'fresh'), 1);
    assert.equal(await search(kept, 'ancient'), 2);
    // A node default of one day reaches the event without a setting, not the one with 30 (and
    // any old comment other cases left in this database).
    assert.ok((await store.expireText(now, 1, 1000)) >= 2);
    assert.equal((await store.getComment(plain, `old-${plain}`))?.comment.text, '');
    assert.equal((await store.getComment(kept, `old-${kept}`))?.comment.text, 'ancient words');
    assert.equal(await store.expireText(now, 1, 1000), 0, 'nothing left to remove');
  });

  test('erasure: held and rejected text removed, the erasure recorded; published ones listed for the log', async () => {
    const store = getStore();
    const a = await newEvent(store);
    const b = await newEvent(store);
    const user = `eraseme-${n}`;
    await store.append([
      { eventId: a, entry: { type: 'comment', comment: comment(a, `p-${a}`, user, 'mine', Date.now()) } },
    ]);
    await store.append([
      { eventId: b, entry: { type: 'comment', comment: comment(b, `p-${b}`, user, 'mine', Date.now()) } },
    ]);
    await store.append([
      { eventId: b, entry: { type: 'comment', comment: comment(b, `o-${b}`, 'else', 'theirs', Date.now()) } },
    ]);
    await store.holdComment({
      comment: { ...comment(b, `h-${b}`, user, 'held mine', Date.now()), seq: null },
      status: 'held',
    });
    await store.holdComment({
      comment: { ...comment(a, `r-${a}`, user, 'rejected mine', Date.now()), seq: null },
      status: 'held',
    });
    await store.rejectHeld(a, `r-${a}`);
    const published = await store.publishedOf(user, 10);
    assert.deepEqual(published.map((p) => p.commentId).sort(), [`p-${a}`, `p-${b}`]);
    for (const p of published)
      await store.append([{ eventId: p.eventId, entry: { type: 'delete', commentId: p.commentId } }]);
    assert.deepEqual(await store.publishedOf(user, 10), []);
    // Hidden comments go a batch at a time, each batch its own transaction.
    const first = await store.eraseHidden(user, 1);
    assert.equal(first.length, 1);
    const rest = await store.eraseHidden(user, 10);
    assert.deepEqual([...first, ...rest].map((h) => h.commentId).sort(), [`h-${b}`, `r-${a}`]);
    assert.deepEqual(await store.eraseHidden(user, 10), [], 'nothing left');
    const record = await store.recordErasure({
      userId: user,
      by: 'admin',
      at: 10,
      reason: 'request',
      deleted: 4,
      eventIds: [a, b, b],
    });
    assert.deepEqual(record, { userId: user, by: 'admin', at: 10, reason: 'request', comments: 4, events: 2 });
    assert.equal((await store.getComment(b, `h-${b}`))?.comment.text, '');
    assert.equal((await store.getComment(a, `r-${a}`))?.comment.text, '');
    assert.equal((await store.getComment(b, `o-${b}`))?.comment.text, 'theirs');
    await catchUp(store, a);
    await catchUp(store, b);
    const all: SearchStatus[] = ['published', 'held', 'rejected'];
    for (const eventId of [a, b]) {
      const page = await store.search({ eventId, query: parseQuery('mine'), statuses: all, limit: 10 });
      assert.deepEqual(page.items, [], 'nothing of theirs is found');
    }
    assert.deepEqual(
      (await store.listErasures(100)).find((e) => e.userId === user),
      record,
    );
  });

  test('export pages: every comment of the event in id order, whatever its status', async () => {
    const store = getStore();
    const eventId = await newEvent(store);
    for (let i = 0; i < 7; i++) {
      const c = comment(eventId, `x${i}`, 'u1', `text ${i}`, Date.now() + i);
      if (i === 3) await store.holdComment({ comment: { ...c, seq: null }, status: 'held' });
      else await store.append([{ eventId, entry: { type: 'comment', comment: c } }]);
    }
    await store.append([{ eventId, entry: { type: 'delete', commentId: 'x5' } }]);
    const first = await store.exportPage(eventId, '', 4);
    const rest = await store.exportPage(eventId, first[first.length - 1]!.comment.id, 4);
    assert.deepEqual(
      [...first, ...rest].map((r) => `${r.comment.id}:${r.status}`),
      ['x0:published', 'x1:published', 'x2:published', 'x3:held', 'x4:published', 'x5:deleted', 'x6:published'],
    );
  });
}
