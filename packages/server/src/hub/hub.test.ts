import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import { waitFor } from '../../test/wait.js';
import { MemoryBus } from '../engines/bus.memory.js';
import { MemoryPresence } from '../engines/presence.memory.js';
import { SqliteStore } from '../engines/store.sqlite.js';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { pollFormat, sseFormat, topView, wsFormat } from '../transports/encoders.js';
import type { Batch, WireFormat } from './frames.js';
import { Hub } from './hub.js';
import type { Subscriber } from './subscriber.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-hub-'));
let store: SqliteStore;
let bus: MemoryBus;
let hub: Hub;
let batches = 0;

/** A subscriber that keeps what it is sent, like a socket that always drains. */
class Collector implements Subscriber {
  readonly frames: Buffer[] = [];
  closed: string | null = null;
  constructor(readonly format: WireFormat) {}
  write(frame: Buffer) {
    this.frames.push(frame);
    return !this.format.transient; // a long poll answers once
  }
  buffered() {
    return 0;
  }
  drained() {
    return Promise.resolve();
  }
  close(reason: string) {
    this.closed = reason;
  }
  entries(): Entry[] {
    return this.frames.flatMap((f) => {
      const text = f.toString();
      if (this.format === sseFormat) {
        const data = text.split('\n').find((l) => l.startsWith('data: '))!;
        return JSON.parse(data.slice(6)).items ?? [];
      }
      return JSON.parse(text).items ?? [];
    });
  }
}

async function event(id: string) {
  await store.createEvent({
    id,
    title: id,
    status: 'live',
    ownerId: 'u',
    createdAt: 1,
    lastSeq: 0,
    settings: DEFAULT_SETTINGS,
  });
}

async function append(eventId: string, n: number): Promise<Entry[]> {
  const results = await store.append(
    Array.from({ length: n }, (_, i) => ({ eventId, entry: { type: 'delete' as const, commentId: `c${i}` } })),
  );
  return results.map((r) => ('entry' in r ? r.entry : assert.fail('entry expected')));
}

before(async () => {
  store = new SqliteStore(join(dir, 'db.sqlite'));
  await store.migrate();
  bus = new MemoryBus();
  hub = new Hub(
    store,
    bus,
    new MemoryPresence(),
    { flushMs: 5, maxFlushMs: 40, ringSize: 64, maxCatchUp: 10_000, maxBufferedBytes: 1 << 20, presenceMs: 1000 },
    { flushed: () => batches++, slowCutoff() {}, error() {}, filled() {} },
  );
  // The hub straight on the bus, without the other log followers: it orders and fills by itself.
  bus.listen({
    entries: (eventId, entries) => hub.entries(eventId, entries),
    resync: () => hub.resync(),
    counts: (eventId, counts) => {
      if (counts.reactions) hub.pushCounts(eventId, 'reactions', counts.reactions);
    },
  });
});
after(async () => {
  await hub.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('lost and reordered bus messages: gaps are filled from the store, delivery stays in order', async () => {
  await event('gaps');
  const sub = new Collector(wsFormat);
  await hub.join('gaps', sub, undefined);
  const entries = await append('gaps', 6);
  // The bus loses 2 and reorders the rest.
  await bus.publish('gaps', [entries[4]!]);
  await bus.publish('gaps', [entries[0]!]);
  await bus.publish('gaps', [entries[3]!, entries[5]!]);
  await bus.publish('gaps', [entries[2]!, entries[0]!]);
  await waitFor(() => sub.entries().length >= 6);
  assert.deepEqual(
    sub.entries().map((e) => e.seq),
    [1, 2, 3, 4, 5, 6],
  );
});

test('a burst becomes one frame per subscriber, encoded once per format', async () => {
  await event('burst');
  const subs = [new Collector(wsFormat), new Collector(wsFormat), new Collector(sseFormat), new Collector(sseFormat)];
  for (const s of subs) await hub.join('burst', s, undefined);
  const before = batches;
  const entries = await append('burst', 100);
  for (const e of entries) await bus.publish('burst', [e]);
  await waitFor(() => subs.every((s) => s.entries().length === 100));
  assert.equal(batches - before, 1, 'one flush');
  for (const s of subs) assert.equal(s.frames.length, 1, 'one frame each');
  assert.equal(subs[0]!.frames[0], subs[1]!.frames[0], 'the same bytes for every WebSocket subscriber');
  assert.equal(subs[2]!.frames[0], subs[3]!.frames[0], 'the same bytes for every SSE subscriber');
});

test('catch-up from the store beyond the ring, then live, without a gap', async () => {
  await event('catch');
  const early = new Collector(wsFormat);
  await hub.join('catch', early, undefined);
  for (const e of await append('catch', 300)) await bus.publish('catch', [e]);
  await waitFor(() => early.entries().length === 300);
  const late = new Collector(pollFormat);
  const sse = new Collector(sseFormat);
  await hub.join('catch', sse, 10);
  await hub.join('catch', late, 250);
  for (const e of await append('catch', 5)) await bus.publish('catch', [e]);
  await waitFor(() => sse.entries().length === 295);
  assert.deepEqual(
    sse.entries().map((e) => e.seq),
    Array.from({ length: 295 }, (_, i) => i + 11),
  );
  const polled = late.entries().map((e) => e.seq);
  assert.equal(late.frames.length, 1, 'a long poll takes one batch');
  assert.deepEqual(
    polled,
    Array.from({ length: polled.length }, (_, i) => i + 251),
  );
  assert.ok(polled.length >= 50);
});

test('a new wire format is one object: each batch is encoded once per format in use, not per subscriber', async () => {
  await event('format');
  let encoded = 0;
  const counting: WireFormat = {
    name: 'counting',
    entries(batch: Batch) {
      encoded++;
      return Buffer.from(`{"items":[${batch.jsons.join(',')}]}`);
    },
    counts: () => null,
    presence: () => null,
    reset: (lastSeq) => Buffer.from(`{"reset":${lastSeq}}`),
  };
  const subs = Array.from({ length: 20 }, () => new Collector(counting));
  for (const s of subs) await hub.join('format', s, undefined);
  const entries = await append('format', 10);
  await bus.publish('format', entries);
  await waitFor(() => subs.every((s) => s.entries().length === 10));
  assert.equal(encoded, 1, 'one encoding for 20 subscribers');
  assert.equal(hub.counts().counting, 20);
});

test('Top chat and window counts are encoded once per format, never per subscriber', async () => {
  await event('top-once');
  const calls = { entries: 0, counts: 0 };
  const live: WireFormat = {
    name: 'live-counting',
    entries(batch: Batch) {
      calls.entries++;
      return Buffer.from(`{"items":[${batch.jsons.join(',')}]}`);
    },
    counts(kind, counts) {
      calls.counts++;
      return Buffer.from(`{"${kind}":${counts}}`);
    },
    presence: () => null,
    reset: (lastSeq) => Buffer.from(`{"reset":${lastSeq}}`),
  };
  const top = topView(live);
  const subs = [
    ...Array.from({ length: 10 }, () => new Collector(live)),
    ...Array.from({ length: 10 }, () => new Collector(top)),
  ];
  for (const s of subs) await hub.join('top-once', s, undefined);
  const entries = await append('top-once', 10);
  await bus.publish('top-once', entries);
  await waitFor(() => subs.every((s) => s.entries().length === 10));
  // The top view filters through the live format's encoder once per batch: two in all.
  assert.equal(calls.entries, 2, 'one encoding per format for 20 subscribers');
  await bus.publishCounts('top-once', { reactions: { '🔥': 5 } });
  await waitFor(() => subs.every((s) => s.frames.some((f) => f.toString().includes('"reactions"'))));
  assert.equal(calls.counts, 2, 'one window frame per format');
  assert.equal(hub.counts()['live-counting-top'], 10);
});
