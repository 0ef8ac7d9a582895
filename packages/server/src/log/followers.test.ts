import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import { MemoryBus } from '../engines/bus.memory.js';
import { SqliteStore } from '../engines/store.sqlite.js';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { GroupCommitter } from './committer.js';
import { type LogFollower, LogFollowers } from './followers.js';
import { LogWriter } from './writer.js';

/** A follower that keeps the seqs it was handed, per call. */
class Recorder implements LogFollower {
  readonly calls: { eventId: string; seqs: number[] }[] = [];
  constructor(readonly name = 'recorder') {}
  entries(eventId: string, entries: readonly Entry[]): void {
    this.calls.push({ eventId, seqs: entries.map((e) => e.seq) });
  }
  seqs(eventId: string): number[] {
    return this.calls.filter((c) => c.eventId === eventId).flatMap((c) => c.seqs);
  }
}

const del = (seq: number): Entry => ({ type: 'delete', seq, commentId: `c${seq}` });

test('each seq reaches every follower once, ascending within a call, whatever the sources repeat', () => {
  const failures: string[] = [];
  const followers = new LogFollowers((name) => failures.push(name));
  const a = new Recorder('a');
  const b = new Recorder('b');
  followers.register(a);
  followers.register(b);
  followers.deliver('e', [del(1), del(2)]);
  followers.deliver('e', [del(2), del(1), del(3)]);
  followers.deliver('e', [del(5), del(4), del(5)]);
  followers.deliver('other', [del(1)]);
  followers.deliver('e', [del(3)]);
  assert.deepEqual(a.calls, [
    { eventId: 'e', seqs: [1, 2] },
    { eventId: 'e', seqs: [3] },
    { eventId: 'e', seqs: [4, 5] },
    { eventId: 'other', seqs: [1] },
  ]);
  assert.deepEqual(b.calls, a.calls);
  assert.deepEqual(failures, []);
});

test('a late entry of another node still comes (once); a follower that throws does not stop the others', () => {
  const failures: string[] = [];
  const followers = new LogFollowers((name) => failures.push(name));
  followers.register({
    name: 'broken',
    entries() {
      throw new Error('boom');
    },
  });
  const a = new Recorder();
  followers.register(a);
  followers.deliver('e', [del(10)]);
  followers.deliver('e', [del(9)]);
  followers.deliver('e', [del(9), del(10)]);
  assert.deepEqual(a.seqs('e'), [10, 9]);
  assert.deepEqual(failures, ['broken', 'broken']);
});

const dir = mkdtempSync(join(tmpdir(), 'lc-followers-'));
let store: SqliteStore;

before(async () => {
  store = new SqliteStore(join(dir, 'db.sqlite'));
  await store.migrate();
  await store.createEvent({
    id: 'live',
    title: 'live',
    status: 'live',
    ownerId: 'u',
    createdAt: 1,
    lastSeq: 0,
    settings: DEFAULT_SETTINGS,
  });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('an entry committed here is followed at its commit and once only, though the bus brings it back', async () => {
  const bus = new MemoryBus();
  const followers = new LogFollowers((name, error) => assert.fail(`${name}: ${String(error)}`));
  const seen = new Recorder();
  followers.register(seen);
  bus.listen({ entries: (eventId, entries) => followers.deliver(eventId, entries), resync() {}, counts() {} });
  await bus.subscribe('live');
  const writer = new LogWriter(new GroupCommitter(store, { windowMs: 0, maxBatch: 100 }), bus, followers, (error) =>
    assert.fail(String(error)),
  );
  let echoes = 0;
  const publish = bus.publish.bind(bus);
  bus.publish = (eventId, entries) => {
    echoes += entries.length;
    return publish(eventId, entries);
  };

  const result = await writer.append({ eventId: 'live', entry: { type: 'ban', userId: 'x', until: null } });
  assert.ok('entry' in result);
  assert.deepEqual(seen.seqs('live'), [result.entry.seq], 'followed before the appender heard of it');
  const more = await Promise.all(
    [1, 2, 3].map((i) => writer.append({ eventId: 'live', entry: { type: 'delete', commentId: `c${i}` } })),
  );
  await writer.drain();
  assert.equal(echoes, 4, 'every entry went over the bus and came back');
  // Another node's entry: only the bus brings it.
  const [other] = await store.append([{ eventId: 'live', entry: { type: 'delete', commentId: 'z' } }]);
  assert.ok(other && 'entry' in other);
  await bus.publish('live', [other.entry]);
  const seqs = [result.entry.seq, ...more.map((r) => ('entry' in r ? r.entry.seq : -1)), other.entry.seq];
  assert.deepEqual(seen.seqs('live'), seqs, 'each entry once, in seq order');
  assert.deepEqual(seqs, [1, 2, 3, 4, 5]);
});
