// Runs the Store contract against PostgreSQL, in a fresh schema of the test database.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestSchema } from '../../test/services.js';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { publicEvent } from '../events/visibility.js';
import { storeContract } from './store.case.test.js';
import { createPostgresStore } from './store.postgres.js';
import { REPLAY_MIGRATION } from './store.postgres.replay.js';
import { MIGRATIONS } from './store.postgres.schema.js';
import { ACTIONS_ABOUT_USER } from './store.postgres.search.js';

storeContract(
  'postgres',
  async () => {
    const schema = await createTestSchema();
    return {
      async open() {
        return createPostgresStore(schema.pool());
      },
      async destroy() {
        await schema.drop();
      },
    };
  },
  { concurrentInstances: true },
);

test('a database of an older release (schema version 3) is brought up to date and keeps its log', async () => {
  const schema = await createTestSchema();
  try {
    const pool = schema.pool(2);
    // As the release with three migrations left it, with an event changed through its function.
    await pool.query('CREATE TABLE schema_version (version integer NOT NULL)');
    for (let v = 1; v <= 3; v++) {
      await pool.query(MIGRATIONS[v - 1]!);
      await pool.query('INSERT INTO schema_version (version) VALUES ($1)', [v]);
    }
    const settings = { ...DEFAULT_SETTINGS, blockedTerms: ['old'] };
    const event = {
      id: 'old',
      title: 'old',
      status: 'live' as const,
      ownerId: 'o',
      createdAt: 1,
      lastSeq: 0,
      settings,
    };
    const store = createPostgresStore(pool);
    // Created as that release did: its events had no epoch column yet.
    const createdByOlderNode = (id: string) =>
      pool.query(
        `INSERT INTO events (id, title, status, owner_id, created_at, ended_at, last_seq, settings)
         VALUES ($1, $2, $3, $4, $5, NULL, 0, $6)`,
        [id, event.title, event.status, event.ownerId, event.createdAt, JSON.stringify(settings)],
      );
    await createdByOlderNode('old');
    const changed = (title: string, terms: string[]) => ({
      eventId: 'old',
      entry: { type: 'event' as const, event: publicEvent({ ...event, title, viewers: 0 }) },
      settings: { ...settings, blockedTerms: terms },
    });
    await pool.query('SELECT lc_append_event_settings($1::jsonb)', [JSON.stringify([changed('before', ['a'])])]);

    await store.migrate();
    const { rows } = await pool.query<{ v: number }>('SELECT max(version) AS v FROM schema_version');
    assert.equal(rows[0]?.v, MIGRATIONS.length);
    const [result] = await store.append([changed('after', ['b'])]);
    assert.ok(result && 'entry' in result && result.entry.seq === 2);
    const now = await store.getEvent('old');
    assert.equal(now?.title, 'after');
    assert.deepEqual(now?.settings.blockedTerms, ['b']);
    // A node of the older release, still running during the upgrade, goes on appending.
    await pool.query('SELECT lc_append_event_settings($1::jsonb)', [JSON.stringify([changed('older node', ['c'])])]);
    assert.deepEqual((await store.getEvent('old'))?.settings.blockedTerms, ['c']);
    assert.deepEqual(
      (await store.readAfter('old', 0, 10)).map((e) => e.type === 'event' && e.event.title),
      ['before', 'after', 'older node'],
    );
    // Events made before the epoch column, and by an older node after it, each have their own.
    await createdByOlderNode('older node');
    const epochs = [(await store.getEvent('old'))?.epoch, (await store.getEvent('older node'))?.epoch];
    for (const epoch of epochs) assert.match(epoch ?? '', /^[0-9a-f]{12}$/);
    assert.notEqual(epochs[0], epochs[1]);
    await store.migrate();
  } finally {
    await schema.drop();
  }
});

test('comments stored before media time get one from their event, and replay in that order', async () => {
  const schema = await createTestSchema();
  try {
    const pool = schema.pool(2);
    // As the release before media time left it: every migration before the media-time one.
    await pool.query('CREATE TABLE schema_version (version integer NOT NULL)');
    const before = MIGRATIONS.indexOf(REPLAY_MIGRATION);
    assert.ok(before > 0);
    for (let v = 1; v <= before; v++) {
      await pool.query(MIGRATIONS[v - 1]!);
      await pool.query('INSERT INTO schema_version (version) VALUES ($1)', [v]);
    }
    const store = createPostgresStore(pool);
    await pool.query(
      `INSERT INTO events (id, title, status, owner_id, created_at, last_seq, settings)
       VALUES ('old', 'old', 'live', 'o', 10000, 0, $1)`,
      [JSON.stringify(DEFAULT_SETTINGS)],
    );
    for (const [id, createdAt] of [
      ['late', 13000],
      ['early', 11500],
    ] as const) {
      const comment = { id, eventId: 'old', seq: 0, user: { id: 'u', name: 'u' }, text: id, createdAt };
      // Appended as that release did: its append function is the same.
      await store.append([{ eventId: 'old', entry: { type: 'comment', comment } }]);
    }
    await store.migrate();
    assert.deepEqual(
      (await store.readReplay('old', { ms: 0, afterSeq: 0 }, 10)).map((c) => [c.id, c.mediaTimeMs]),
      [
        ['early', 1500],
        ['late', 3000],
      ],
    );
  } finally {
    await schema.drop();
  }
});

test("an erasure finds a user's comments and the moderation log's entries about them by index", async () => {
  const schema = await createTestSchema();
  try {
    const pool = schema.pool(1);
    await createPostgresStore(pool).migrate();
    const client = await pool.connect();
    try {
      // Small tables would be read whole whatever the indexes: ask the planner for its index plan.
      await client.query('SET enable_seqscan = off');
      const plan = async (sql: string, values: unknown[]) =>
        (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, values)).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      const published = await plan(
        "SELECT event_id, id FROM comments WHERE user_id = $1 AND status = 'published' AND text <> '' LIMIT $2",
        ['u', 10],
      );
      assert.match(published, /comments_by_user/);
      const hidden = await plan(
        "SELECT event_id, id FROM comments WHERE user_id = $1 AND status IN ('held', 'rejected') AND text <> '' LIMIT $2",
        ['u', 10],
      );
      assert.match(hidden, /comments_by_user/);
      const actions = await plan(ACTIONS_ABOUT_USER, ['u', 10]);
      assert.match(actions, /mod_actions_by_user/);
      assert.match(actions, /mod_actions_by_target/);
      assert.doesNotMatch(actions, /Seq Scan/);
    } finally {
      client.release();
    }
  } finally {
    await schema.drop();
  }
});
