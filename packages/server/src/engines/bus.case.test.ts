// The contract every Bus must keep, as one suite that takes a factory.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import { waitFor } from '../../test/wait.js';
import type { Bus, BusListener, WindowCounts } from './bus.js';

/** Opens buses on one medium (one Redis, or one process for the memory bus). */
export interface BusHarness {
  /** A new bus, as a new node would have it. */
  open(): Promise<Bus>;
  /** Cuts a bus's connections as a network blip would; it must reconnect by itself. */
  interrupt?(bus: Bus, which: 'sub' | 'pub'): Promise<void>;
  destroy(): Promise<void>;
}

/** Options of the suite. */
export interface BusContractOptions {
  /** Buses from separate `open` calls reach each other (false for the in-process bus). */
  multiNode: boolean;
}

/** A listener that records what it gets. */
class Recorder implements BusListener {
  readonly got: { eventId: string; seqs: number[] }[] = [];
  resyncs = 0;
  readonly windows: { eventId: string; counts: WindowCounts }[] = [];
  counts(eventId: string, counts: WindowCounts): void {
    this.windows.push({ eventId, counts });
  }
  entries(eventId: string, entries: Entry[]): void {
    this.got.push({ eventId, seqs: entries.map((e) => e.seq) });
  }
  resync(): void {
    this.resyncs += 1;
  }
  seqs(eventId: string): number[] {
    return this.got.filter((g) => g.eventId === eventId).flatMap((g) => g.seqs);
  }
}

let n = 0;
function eventId(): string {
  n += 1;
  return `bus-${process.pid}-${Date.now().toString(36)}-${n}`;
}

function entries(...seqs: number[]): Entry[] {
  return seqs.map((seq) => ({ seq, type: 'delete', commentId: `c${seq}` }));
}

/** Runs the Bus contract against the buses a harness opens. */
export function busContract(name: string, setup: () => Promise<BusHarness>, options: BusContractOptions): void {
  describe(`Bus contract: ${name}`, () => {
    let harness: BusHarness;
    let a: Bus;
    let b: Bus;
    const ra = new Recorder();
    const rb = new Recorder();

    before(async () => {
      harness = await setup();
      a = await harness.open();
      b = options.multiNode ? await harness.open() : a;
      a.listen(ra);
      if (b !== a) b.listen(rb);
    });
    after(async () => {
      await a?.close();
      if (b !== a) await b?.close();
      await harness?.destroy();
    });

    test('ping resolves when reachable', async () => {
      await a.ping();
    });

    test('a subscribed node gets its own publishes, in order', async () => {
      const ev = eventId();
      await a.subscribe(ev);
      await a.publish(ev, entries(1, 2));
      await a.publish(ev, entries(3));
      await waitFor(() => ra.seqs(ev).length === 3, 'own publishes');
      assert.deepEqual(ra.seqs(ev), [1, 2, 3]);
      await a.unsubscribe(ev);
    });

    test('only subscribed events are delivered; unsubscribe stops them', async () => {
      const on = eventId();
      const off = eventId();
      await a.subscribe(on);
      await b.publish(off, entries(1));
      await b.publish(on, entries(1));
      await waitFor(() => ra.seqs(on).length === 1, 'the subscribed event');
      await a.unsubscribe(on);
      const other = eventId();
      await a.subscribe(other);
      await b.publish(on, entries(2));
      await b.publish(other, entries(7));
      // Messages of one publisher arrive in order, so once `other` is in, `on` would be too.
      await waitFor(() => ra.seqs(other).length === 1, 'the marker event');
      assert.deepEqual(ra.seqs(off), []);
      assert.deepEqual(ra.seqs(on), [1]);
      await a.unsubscribe(other);
    });

    test('window counts reach every subscribed node beside entries, not as entries', async () => {
      const ev = eventId();
      await a.subscribe(ev);
      await b.subscribe(ev);
      await b.publishCounts(ev, { reactions: { '🔥': 3 }, likes: { c1: 2 } });
      await b.publish(ev, entries(1));
      await waitFor(
        () => ra.seqs(ev).length === 1 && (b === a || rb.seqs(ev).length === 1),
        'the entry after the counts',
      );
      for (const r of b === a ? [ra] : [ra, rb]) {
        assert.deepEqual(
          r.windows.filter((w) => w.eventId === ev).map((w) => w.counts),
          [{ reactions: { '🔥': 3 }, likes: { c1: 2 } }],
        );
      }
      await a.unsubscribe(ev);
      await b.unsubscribe(ev);
    });

    if (options.multiNode) {
      test('a publish reaches every subscribed node', async () => {
        const ev = eventId();
        await a.subscribe(ev);
        await b.subscribe(ev);
        for (let i = 1; i <= 20; i++) await b.publish(ev, entries(i));
        await waitFor(() => ra.seqs(ev).length === 20 && rb.seqs(ev).length === 20, 'both nodes');
        const all = Array.from({ length: 20 }, (_, i) => i + 1);
        assert.deepEqual(ra.seqs(ev), all);
        assert.deepEqual(rb.seqs(ev), all);
        await a.unsubscribe(ev);
        await b.unsubscribe(ev);
      });
    }

    if (options.multiNode) {
      test('after its subscriber connection is cut, a node resubscribes and is told to resync', async (t) => {
        if (!harness.interrupt) return t.skip('no way to interrupt this bus');
        const ev = eventId();
        await a.subscribe(ev);
        const before = ra.resyncs;
        await harness.interrupt(a, 'sub');
        await waitFor(() => ra.resyncs > before, 'resync', 10_000);
        await b.publish(ev, entries(1));
        await waitFor(() => ra.seqs(ev).length === 1, 'delivery after the reconnect');
        await a.ping();
        await a.unsubscribe(ev);
      });

      test('entries published while the publisher is cut off are sent when it is back', async (t) => {
        if (!harness.interrupt) return t.skip('no way to interrupt this bus');
        const ev = eventId();
        await a.subscribe(ev);
        await harness.interrupt(b, 'pub');
        await b.publish(ev, entries(1));
        await b.publish(ev, entries(2));
        await waitFor(() => ra.seqs(ev).length === 2, 'delivery after the reconnect', 10_000);
        assert.deepEqual(ra.seqs(ev), [1, 2]);
        await a.unsubscribe(ev);
      });
    }
  });
}
