// The PostgreSQL schema, as numbered migrations. A migration is never edited once released: add
// the next one instead. `migrate()` applies the missing ones in order, under an advisory lock so
// that several nodes starting at once do not race.
import type pg from 'pg';

/** Migrations by version, applied in order; index 0 is version 1. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    id         text PRIMARY KEY,
    title      text NOT NULL,
    status     text NOT NULL,
    owner_id   text NOT NULL,
    created_at bigint NOT NULL,
    ended_at   bigint,
    last_seq   bigint NOT NULL DEFAULT 0,
    settings   jsonb NOT NULL
  );
  CREATE INDEX events_status_created ON events (status, created_at DESC, id DESC);
  CREATE INDEX events_created ON events (created_at DESC, id DESC);

  -- The log. The primary key (event_id, seq) serves both 'after' (ascending) and 'before'
  -- (descending) paging with an index range scan. See docs/DEPLOYMENT.md for partitioning.
  CREATE TABLE entries (
    event_id text NOT NULL,
    seq      bigint NOT NULL,
    type     text NOT NULL,
    data     jsonb NOT NULL,
    PRIMARY KEY (event_id, seq)
  );

  CREATE TABLE comments (
    event_id   text NOT NULL,
    id         text NOT NULL,
    seq        bigint,
    user_id    text NOT NULL,
    user_name  text NOT NULL,
    text       text NOT NULL,
    created_at bigint NOT NULL,
    parent_id  text,
    status     text NOT NULL,
    client_id  text,
    scores     jsonb,
    reasons    jsonb,
    held_order bigserial,
    PRIMARY KEY (event_id, id)
  );
  CREATE UNIQUE INDEX comments_client ON comments (event_id, user_id, client_id) WHERE client_id IS NOT NULL;
  CREATE INDEX comments_held ON comments (event_id, held_order) WHERE status = 'held';

  CREATE TABLE bans (
    event_id   text NOT NULL,
    user_id    text NOT NULL,
    until      bigint,
    reason     text,
    by_id      text NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (event_id, user_id)
  );

  CREATE TABLE mod_actions (
    id        bigserial PRIMARY KEY,
    event_id  text NOT NULL,
    action    text NOT NULL,
    actor_id  text NOT NULL,
    at        bigint NOT NULL,
    target_id text,
    reason    text,
    text      text,
    details   jsonb
  );
  CREATE INDEX mod_actions_event ON mod_actions (event_id, id DESC);
  `,
];

/** Any fixed number: the advisory lock that serialises migrations across nodes. */
const MIGRATION_LOCK = 0x6c63_0001;

/** Applies the missing migrations in one transaction. Idempotent; safe with several nodes. */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
    const current = rows[0]?.v ?? 0;
    for (let v = current + 1; v <= MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v - 1]!);
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [v]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
