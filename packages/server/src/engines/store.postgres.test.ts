// Runs the Store contract against PostgreSQL, in a fresh schema of the test database.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestSchema } from '../../test/services.js';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { publicEvent } from '../events/visibility.js';
import { storeContract } from './store.case.test.js';
import { createPostgresStore } from './store.postgres.js';
import { MIGRATIONS } from './store.postgres.schema.js';

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
