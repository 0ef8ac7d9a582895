// Runs the Store contract against SQLite, in a file of a fresh temporary folder: with writes on
// the writer thread (the default) and inline. Then what the writer thread adds: a dead thread
// fails its callers at once and the next write starts a new one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { storeContract } from './store.case.test.js';
import { SqliteStore, type SqliteStoreOptions } from './store.sqlite.js';

for (const writer of ['thread', 'inline'] as const) {
  storeContract(
    `sqlite (${writer} writer)`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lc-store-'));
      const opened: SqliteStore[] = [];
      const options: SqliteStoreOptions = { writer };
      return {
        async open() {
          const store = new SqliteStore(join(dir, 'test.db'), options);
          opened.push(store);
          // Statements are prepared by migrate; the schema is already there after the first.
          await store.migrate();
          return store;
        },
        async destroy() {
          for (const s of opened) await s.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    { concurrentInstances: true },
  );
}

test('a writer thread that dies fails its pending writes, and the next write starts a new one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lc-store-'));
  const store = new SqliteStore(join(dir, 'test.db'));
  try {
    await store.migrate();
    const event = { id: 'e', title: 't', status: 'live' as const, ownerId: 'o', createdAt: 1, lastSeq: 0 };
    await store.createEvent({ ...event, settings: {} as never });
    const thread = (store as unknown as { writer: { worker: Worker } }).writer.worker;
    const comment = (id: string) => ({
      eventId: 'e',
      entry: {
        type: 'comment' as const,
        comment: { id, eventId: 'e', seq: 0, user: { id: 'u', name: 'u' }, text: id, createdAt: 1 },
      },
    });
    const pending = store.append([comment('a')]);
    await thread.terminate();
    await assert.rejects(pending, /writer thread stopped/);
    const [r] = await store.append([comment('b')]);
    assert.ok(r && 'entry' in r, 'a new thread takes the next write');
    const log = await store.readAfter('e', 0, 10);
    assert.deepEqual(
      log.map((e) => e.seq),
      log.map((_, i) => i + 1),
      'still gapless',
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('appends queued at the writer thread share a commit; a failing batch fails alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lc-store-'));
  const store = new SqliteStore(join(dir, 'test.db'));
  try {
    await store.migrate();
    const event = { id: 'e', title: 't', status: 'live' as const, ownerId: 'o', createdAt: 1, lastSeq: 0 };
    await store.createEvent({ ...event, settings: {} as never });
    const comment = (eventId: string, id: string) => ({
      eventId,
      entry: {
        type: 'comment' as const,
        comment: { id, eventId, seq: 0, user: { id: 'u', name: 'u' }, text: id, createdAt: 1 },
      },
    });
    const calls = [
      store.append([comment('e', 'a'), comment('e', 'b')]),
      store.append([comment('e', 'c'), comment('missing', 'x')]),
      store.append([comment('e', 'd')]),
    ];
    const [first, failed, third] = await Promise.allSettled(calls);
    assert.equal(failed?.status, 'rejected');
    assert.ok(first?.status === 'fulfilled' && third?.status === 'fulfilled');
    const seqs = [...first.value, ...third.value].map((r) => ('entry' in r ? r.entry.seq : 0));
    assert.deepEqual(seqs, [1, 2, 3], 'the failed batch took no seq');
    const log = await store.readAfter('e', 0, 10);
    assert.deepEqual(
      log.map((e) => (e.type === 'comment' ? e.comment.id : '')),
      ['a', 'b', 'd'],
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('comments stored before media time get one from their event, and replay in that order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lc-store-'));
  const path = join(dir, 'test.db');
  try {
    // As the release before media time left it: every migration before the media-time one.
    const { default: Database } = await import('better-sqlite3');
    const { MIGRATIONS } = await import('./store.sqlite.rows.js');
    const { REPLAY_MIGRATION } = await import('./store.sqlite.replay.js');
    const db = new Database(path);
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    const before = MIGRATIONS.indexOf(REPLAY_MIGRATION);
    assert.ok(before > 0);
    for (let v = 0; v < before; v++) db.exec(MIGRATIONS[v]!);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(before);
    db.prepare(
      "INSERT INTO events (id, title, status, owner_id, created_at, last_seq, settings, epoch) VALUES ('old', 'old', 'ended', 'o', 10000, 2, '{}', 'e')",
    ).run();
    for (const [seq, id, createdAt] of [
      [1, 'late', 13000],
      [2, 'early', 11500],
    ] as const) {
      const comment = { id, eventId: 'old', seq, user: { id: 'u', name: 'u' }, text: id, createdAt };
      db.prepare("INSERT INTO log (event_id, seq, type, data, comment_id) VALUES ('old', ?, 'comment', ?, ?)").run(
        seq,
        JSON.stringify({ seq, type: 'comment', comment }),
        id,
      );
      db.prepare(
        "INSERT INTO comments (event_id, id, user_id, user_name, text, created_at, seq, status) VALUES ('old', ?, 'u', 'u', ?, ?, ?, 'published')",
      ).run(id, id, createdAt, seq);
    }
    db.close();
    const store = new SqliteStore(path, { writer: 'inline' });
    await store.migrate();
    try {
      assert.deepEqual(
        (await store.readReplay('old', { ms: 0, afterSeq: 0 }, 10)).map((c) => [c.id, c.mediaTimeMs]),
        [
          ['early', 1500],
          ['late', 3000],
        ],
      );
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an erasure finds a user's comments and the moderation log's entries about them by index", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lc-store-'));
  const path = join(dir, 'test.db');
  const store = new SqliteStore(path);
  try {
    await store.migrate();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path, { readonly: true });
    const plan = (sql: string, ...args: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
    try {
      assert.match(
        plan(
          "SELECT event_id, id FROM comments WHERE user_id = ? AND status = 'published' AND text <> '' LIMIT ?",
          'u',
          1,
        ),
        /USING INDEX comments_by_user/,
      );
      assert.match(
        plan(
          "SELECT rowid FROM comments WHERE user_id = ? AND status IN ('held', 'rejected') AND text <> '' LIMIT ?",
          'u',
          1,
        ),
        /USING INDEX comments_by_user/,
      );
      const actions = plan(
        `SELECT id FROM mod_actions WHERE text IS NOT NULL AND (target_id = ?
           OR json_extract(details, '$.userId') = ? OR target_id IN (SELECT id FROM comments WHERE user_id = ?)) LIMIT ?`,
        'u',
        'u',
        'u',
        1,
      );
      assert.match(actions, /mod_actions_by_user/);
      assert.match(actions, /mod_actions_by_target/);
      assert.doesNotMatch(actions, /SCAN mod_actions/);
    } finally {
      db.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
