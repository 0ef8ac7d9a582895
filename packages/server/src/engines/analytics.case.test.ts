// The analytics part of the Store contract (run by store.case.test.ts for every store): a range
// of the log counts once however many writers try it, counts add up by minute, chatters are
// exact, reasons are bounded, and moderation actions and reactions bring their own counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_REASONS, MINUTE_MS } from './analytics.js';
import type { EventRecord, Store } from './store.js';

const T0 = 1_700_000_040_000; // a minute's start

/** The analytics cases, for the store the suite opened (and a second instance, when it has one). */
export function analyticsCases(
  getStore: () => Store,
  eventRecord: (id?: string, over?: Partial<EventRecord>) => EventRecord,
  openAnother?: () => Promise<Store>,
): void {
  const all = { from: T0 - 10 * MINUTE_MS, to: T0 + 10 * MINUTE_MS, top: 10 };

  test('analytics: a range of the log is applied once, and moves the cursor with it', async () => {
    const store = getStore();
    const e = eventRecord();
    await store.createEvent(e);
    assert.equal(await store.analyticsCursor(e.id), 0);
    const delta = {
      eventId: e.id,
      range: { from: 0, to: 3 },
      minutes: [{ t: T0, comments: 3 }],
      chatters: [
        { userId: 'a', name: 'Ann', comments: 2, firstAt: T0 + 5 },
        { userId: 'b', name: 'Bob', comments: 1, firstAt: T0 + MINUTE_MS + 1 },
      ],
      reasons: [{ kind: 'deleted' as const, reason: 'author', n: 1 }],
    };
    assert.deepEqual(await store.applyAnalytics([delta]), [true]);
    assert.equal(await store.analyticsCursor(e.id), 3);
    // Again (a restart that resumed from an older cursor): refused, nothing counted twice.
    assert.deepEqual(await store.applyAnalytics([delta]), [false]);
    assert.deepEqual(await store.applyAnalytics([{ ...delta, range: { from: 2, to: 4 } }]), [false]);
    const next = {
      eventId: e.id,
      range: { from: 3, to: 5 },
      minutes: [{ t: T0 + MINUTE_MS, comments: 2 }],
      chatters: [
        { userId: 'b', name: 'Bobby', comments: 1, firstAt: T0 + MINUTE_MS + 2 },
        { userId: 'c', name: 'Cy', comments: 1, firstAt: T0 + MINUTE_MS + 3 },
      ],
    };
    assert.deepEqual(await store.applyAnalytics([next]), [true]);
    const read = await store.readAnalytics(e.id, all);
    assert.equal(read.cursor, 5);
    assert.equal(read.totals.comments, 5);
    assert.equal(read.totals.newChatters, 3, 'unique chatters: a, b, c');
    assert.deepEqual(
      read.minutes.map((m) => [m.t, m.comments, m.newChatters]),
      [
        [T0, 3, 1],
        [T0 + MINUTE_MS, 2, 2],
      ],
    );
    assert.deepEqual(read.top, [
      { userId: 'a', name: 'Ann', comments: 2 },
      { userId: 'b', name: 'Bobby', comments: 2 },
      { userId: 'c', name: 'Cy', comments: 1 },
    ]);
    assert.deepEqual(read.reasons, [{ kind: 'deleted', reason: 'author', n: 1 }]);
    assert.equal((await store.readAnalytics(e.id, { ...all, top: 1 })).top.length, 1);
    assert.equal((await store.readAnalytics(e.id, { from: T0 + MINUTE_MS, to: all.to, top: 1 })).minutes.length, 1);
  });

  test('analytics: samples keep the peak and add up sums; deltas of one call stand alone', async () => {
    const store = getStore();
    const e = eventRecord();
    const other = eventRecord();
    await store.createEvent(e);
    await store.createEvent(other);
    const sample = (n: number) => ({ t: T0, viewersPeak: n, viewersSum: n, viewersSamples: 1 });
    const applied = await store.applyAnalytics([
      { eventId: e.id, minutes: [sample(4)] },
      { eventId: e.id, minutes: [sample(9)] },
      { eventId: other.id, range: { from: 7, to: 8 }, minutes: [{ t: T0, comments: 1 }] },
      { eventId: e.id, minutes: [sample(2)] },
    ]);
    assert.deepEqual(applied, [true, true, false, true], 'a range not at the cursor is refused alone');
    const read = await store.readAnalytics(e.id, all);
    assert.equal(read.totals.viewersPeak, 9);
    assert.equal(read.totals.viewersSum, 15);
    assert.equal(read.totals.viewersSamples, 3);
    assert.equal((await store.readAnalytics(other.id, all)).totals.comments, 0);
  });

  test('analytics: distinct reasons are bounded per event and kind; the rest count as other', async () => {
    const store = getStore();
    const e = eventRecord();
    await store.createEvent(e);
    const reasons = Array.from({ length: MAX_REASONS + 5 }, (_, i) => ({
      kind: 'held' as const,
      reason: `r${i}`,
      n: 1,
    }));
    for (const r of reasons) await store.applyAnalytics([{ eventId: e.id, minutes: [], reasons: [r] }]);
    await store.applyAnalytics([{ eventId: e.id, minutes: [], reasons: [{ kind: 'held', reason: 'r0', n: 2 }] }]);
    const read = await store.readAnalytics(e.id, all);
    const held = read.reasons.filter((r) => r.kind === 'held');
    assert.equal(held.length, MAX_REASONS + 1);
    assert.equal(held.find((r) => r.reason === 'other')?.n, 5);
    assert.equal(held.find((r) => r.reason === 'r0')?.n, 3, 'a known reason keeps counting');
  });

  test('analytics: holds, blocks and decisions on held comments count with their moderation action', async () => {
    const store = getStore();
    const e = eventRecord();
    await store.createEvent(e);
    const base = { eventId: e.id, actorId: 'system', targetId: 'c' };
    await store.addModAction({ ...base, action: 'hold', at: T0 + 1, reason: 'spam, link' });
    await store.addModAction({ ...base, action: 'hold', at: T0 + 2, reason: 'link' });
    await store.addModAction({ ...base, action: 'block', at: T0 + MINUTE_MS, reason: 'blocked_term' });
    await store.addModAction({ ...base, action: 'approve', actorId: 'm', at: T0 + 5_001, details: { heldAt: T0 + 1 } });
    await store.addModAction({ ...base, action: 'reject', actorId: 'm', at: T0 + 9_002, details: { heldAt: T0 + 2 } });
    // A reported comment's review and a deletion are not decisions on held comments.
    await store.addModAction({ ...base, action: 'approve', actorId: 'm', at: T0 + 3, details: { reported: true } });
    await store.addModAction({ ...base, action: 'delete', actorId: 'm', at: T0 + 4 });
    const read = await store.readAnalytics(e.id, all);
    const t = read.totals;
    assert.deepEqual([t.held, t.blocked, t.approved, t.rejected], [2, 1, 1, 1]);
    assert.equal(t.decisionMs, 5_000 + 9_000);
    assert.equal(t.decisionMaxMs, 9_000);
    assert.deepEqual(
      read.reasons.map((r) => [r.kind, r.reason, r.n]),
      [
        ['blocked', 'blocked_term', 1],
        ['held', 'link', 2],
        ['held', 'spam', 1],
      ],
    );
  });

  test('analytics: reactions saved with their minutes', async () => {
    const store = getStore();
    const e = eventRecord();
    await store.createEvent(e);
    await store.addReactions(e.id, { '🔥': 3, '👏': 1 }, { [T0]: 3, [T0 + MINUTE_MS]: 1 });
    await store.addReactions(e.id, { '🔥': 2 }, { [T0 + MINUTE_MS]: 2 });
    await store.addReactions(e.id, { '🔥': 1 });
    const read = await store.readAnalytics(e.id, all);
    assert.deepEqual(
      read.minutes.map((m) => [m.t, m.reactions]),
      [
        [T0, 3],
        [T0 + MINUTE_MS, 3],
      ],
    );
    assert.deepEqual(await store.reactionTotals(e.id), { '🔥': 6, '👏': 1 });
  });

  if (openAnother) {
    test('analytics: two writers racing for one range: exactly one counts it', async () => {
      const store = getStore();
      const second = await openAnother();
      const e = eventRecord();
      await store.createEvent(e);
      for (let from = 0; from < 10; from++) {
        const delta = {
          eventId: e.id,
          range: { from, to: from + 1 },
          minutes: [{ t: T0, comments: 1 }],
          chatters: [{ userId: `u${from % 3}`, name: 'n', comments: 1, firstAt: T0 }],
        };
        const [a, b] = await Promise.all([store.applyAnalytics([delta]), second.applyAnalytics([delta])]);
        assert.equal(Number(a[0]) + Number(b[0]), 1, `range ${from}: one writer wins`);
      }
      const read = await store.readAnalytics(e.id, all);
      assert.equal(read.totals.comments, 10);
      assert.equal(read.totals.newChatters, 3);
      assert.equal(read.cursor, 10);
    });
  }
}
