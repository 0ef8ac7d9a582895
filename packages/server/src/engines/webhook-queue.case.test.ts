// The webhook part of the Store contract (run by store.case.test.ts for every store): the outbox
// rows come with the changes they report, expansion happens once, claims lease, dead letters
// come back on request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Comment, EventSettings } from '@livecomments/protocol';
import type { EventRecord, Store } from './store.js';
import type { NewDelivery, OutboxItem } from './webhook-queue.js';

/** The webhook cases, for the store the suite opened. */
export function webhookQueueCases(
  getStore: () => Store,
  eventRecord: (id?: string, over?: Partial<EventRecord>) => EventRecord,
  settings: EventSettings,
): void {
  const hooked: EventSettings = { ...settings, webhooks: [{ url: 'https://example.com/h', secret: 's'.repeat(16) }] };

  async function outboxOf(eventId: string): Promise<OutboxItem[]> {
    return (await getStore().readOutbox(10_000)).filter((r) => r.eventId === eventId);
  }

  function comment(eventId: string, id: string, text: string): Comment {
    return { id, eventId, seq: 0, user: { id: 'u1', name: 'n' }, text, createdAt: 1000 };
  }

  test('webhook outbox: each reported change writes its row in its own transaction, for events with webhooks', async () => {
    const store = getStore();
    const quiet = eventRecord();
    const e = eventRecord(undefined, { settings: hooked });
    await store.createEvent(quiet);
    await store.createEvent(e);
    await store.append([{ eventId: quiet.id, entry: { type: 'comment', comment: comment(quiet.id, 'q1', 'hi') } }]);
    await store.addModAction({ eventId: quiet.id, action: 'ban', actorId: 'm', at: 1, targetId: 'x' });
    assert.deepEqual(await outboxOf(quiet.id), [], 'no webhooks, no outbox rows');

    await store.append([{ eventId: e.id, entry: { type: 'comment', comment: comment(e.id, 'c1', 'hello') } }]);
    await store.append([{ eventId: e.id, entry: { type: 'delete', commentId: 'c1' } }]);
    await store.holdComment({ comment: { ...comment(e.id, 'h1', 'held'), seq: null }, status: 'held', reasons: ['r'] });
    await store.holdComment({ comment: { ...comment(e.id, 'h2', 'held'), seq: null }, status: 'held' });
    assert.equal(await store.rejectHeld(e.id, 'h1'), true);
    assert.equal(await store.rejectHeld(e.id, 'h1'), false, 'a second reject reports nothing');
    // Approving a held comment publishes it.
    await store.append([{ eventId: e.id, entry: { type: 'comment', comment: comment(e.id, 'h2', 'held') } }]);
    await store.putBan({ eventId: e.id, userId: 'u2', until: null, by: 'm', createdAt: 5, reason: 'spam' });
    await store.addModAction({ eventId: e.id, action: 'reject', actorId: 'm', at: 6, targetId: 'h1' });
    const { epoch: _, ...ended } = { ...e, status: 'ended' as const, endedAt: 7, viewers: 0 };
    for (let i = 0; i < 2; i++) {
      await store.append([{ eventId: e.id, entry: { type: 'event', event: ended }, settings: hooked }]);
    }
    const rows = await outboxOf(e.id);
    assert.deepEqual(
      rows.map((r) => r.type),
      [
        'comment.published',
        'comment.deleted',
        'comment.held',
        'comment.held',
        'comment.rejected',
        'comment.published',
        'user.banned',
        'moderation.action',
        'event.ended',
      ],
      'in commit order; the second event entry of an ended event reports no end',
    );
    assert.equal((rows[0]!.data as Comment).seq, 1);
    assert.equal((rows[0]!.data as Comment).text, 'hello');
    assert.deepEqual(rows[1]!.data, { commentId: 'c1' });
    assert.deepEqual(rows[2]!.data, {
      comment: { id: 'h1', eventId: e.id, user: { id: 'u1', name: 'n' }, text: 'held', createdAt: 1000 },
      reasons: ['r'],
    });
    assert.deepEqual(rows[4]!.data, { commentId: 'h1', userId: 'u1' });
    assert.deepEqual(rows[6]!.data, { userId: 'u2', until: null, by: 'm', reason: 'spam' });
    assert.deepEqual(rows[7]!.data, { action: 'reject', actorId: 'm', at: 6, targetId: 'h1' });
    assert.equal((rows[8]!.data as { status: string }).status, 'ended');
  });

  test('webhook outbox: a batch with pins and polls keeps their state and writes the rows of its other entries', async () => {
    const store = getStore();
    const e = eventRecord(undefined, { settings: hooked });
    await store.createEvent(e);
    const poll = {
      id: 'p1',
      question: 'q?',
      options: [
        { text: 'a', votes: 0 },
        { text: 'b', votes: 0 },
      ],
    };
    const results = await store.append([
      { eventId: e.id, entry: { type: 'comment', comment: comment(e.id, 'c1', 'before') } },
      { eventId: e.id, entry: { type: 'pin', pin: { commentId: 'c1', text: 'before', by: 'm' } } },
      { eventId: e.id, entry: { type: 'unpin' }, ifPinSeq: 999 },
      { eventId: e.id, entry: { type: 'poll', poll: { ...poll, status: 'open', endsAt: 9_999_999_999_999 } } },
      { eventId: e.id, entry: { type: 'comment', comment: comment(e.id, 'c2', 'after') } },
      { eventId: e.id, entry: { type: 'delete', commentId: 'c1' } },
    ]);
    assert.deepEqual(results[2], { skipped: true }, 'the stale unpin is left out');
    const event = await store.getEvent(e.id);
    assert.equal(event?.pin?.text, 'before', 'the pin is kept on the event');
    assert.equal(event?.poll?.id, 'p1', 'the poll is kept on the event');
    assert.equal((await store.getPoll(e.id, 'p1'))?.status, 'open');
    const rows = await outboxOf(e.id);
    assert.deepEqual(
      rows.map((r) => [
        r.type,
        (r.data as { id?: string; commentId?: string }).id ?? (r.data as { commentId?: string }).commentId,
      ]),
      [
        ['comment.published', 'c1'],
        ['comment.published', 'c2'],
        ['comment.deleted', 'c1'],
      ],
    );
    assert.deepEqual(
      rows.slice(0, 2).map((r) => (r.data as Comment).seq),
      [1, 4],
      'seqs as appended: pin 2, poll 3, the skipped unpin none',
    );
  });

  test('webhook deliveries: expanded once, claimed under a lease, retried, dead, re-queued', async () => {
    const store = getStore();
    const e = eventRecord(undefined, { settings: hooked });
    await store.createEvent(e);
    await store.append([{ eventId: e.id, entry: { type: 'comment', comment: comment(e.id, 'd1', 'x') } }]);
    const [row] = await outboxOf(e.id);
    assert.ok(row);
    const delivery = (url: string): NewDelivery => ({
      outboxId: row.id,
      webhookId: `wh_${e.id}`,
      eventId: e.id,
      type: row.type,
      url,
      source: 'node',
      body: `{"id":"wh_${e.id}"}`,
      createdAt: 10,
    });
    const both = [delivery('https://a.example/'), delivery('https://b.example/')];
    assert.equal(await store.expandOutbox([row.id], both), 1);
    assert.equal(await store.expandOutbox([row.id], both), 0, 'a second expansion adds nothing');
    assert.deepEqual(await outboxOf(e.id), []);

    const mine = <T extends { eventId: string }>(list: T[]): T[] => list.filter((d) => d.eventId === e.id);
    const claimed = mine(await store.claimDeliveries(1_000, 100, 60_000));
    assert.deepEqual(claimed.map((d) => d.url).sort(), ['https://a.example/', 'https://b.example/']);
    assert.equal(claimed[0]!.body, `{"id":"wh_${e.id}"}`);
    assert.equal(claimed[0]!.attempts, 0);
    assert.deepEqual(mine(await store.claimDeliveries(2_000, 100, 60_000)), [], 'leased: nobody else takes them');

    const [a, b] = claimed.sort((x, y) => x.url.localeCompare(y.url));
    await store.settleDelivery(a!.id, { delivered: true });
    await store.settleDelivery(b!.id, { retryAt: 70_000, error: 'HTTP 503' });
    assert.deepEqual(mine(await store.claimDeliveries(69_999, 100, 1_000)), [], 'not due before its retry');
    const again = mine(await store.claimDeliveries(70_000, 100, 1_000));
    assert.deepEqual(
      again.map((d) => [d.id, d.attempts, d.lastError]),
      [[b!.id, 1, 'HTTP 503']],
    );
    await store.settleDelivery(b!.id, { dead: true, error: 'ECONNREFUSED' });
    assert.deepEqual(mine(await store.claimDeliveries(10 ** 12, 100, 1_000)), [], 'dead letters are not sent');
    const dead = mine(await store.listDeadDeliveries(1000));
    assert.deepEqual(
      dead.map((d) => [d.id, d.webhookId, d.attempts, d.lastError]),
      [[b!.id, `wh_${e.id}`, 2, 'ECONNREFUSED']],
    );
    const counts = await store.webhookCounts();
    assert.ok(counts.dead >= 1);
    assert.equal(await store.requeueDead([b!.id], 80_000), 1);
    assert.equal(await store.requeueDead([b!.id], 80_000), 0, 'only dead ones');
    const back = mine(await store.claimDeliveries(80_000, 100, 1_000));
    assert.deepEqual(
      back.map((d) => [d.id, d.webhookId, d.attempts]),
      [[b!.id, `wh_${e.id}`, 0]],
      'the same id, attempts reset',
    );
  });
}
