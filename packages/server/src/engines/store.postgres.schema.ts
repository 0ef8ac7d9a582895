// The PostgreSQL schema, as numbered migrations. A migration is never edited once released: add
// the next one instead. `migrate()` applies the missing ones in order, under an advisory lock so
// that several nodes starting at once do not race. Functions live in versioned files of sql/.
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { ANALYTICS_MIGRATION } from './analytics.postgres.js';
import { checkOut } from './pg-client.js';
import { EMOTES_MIGRATION } from './store.postgres.emotes.js';
import { REPLAY_MIGRATION } from './store.postgres.replay.js';
import { ERASURE_MIGRATION, SEARCH_MIGRATION } from './store.postgres.search.js';
import { SOCIAL_MIGRATION } from './store.postgres.social.js';

/**
 * A versioned file of `src/engines/sql/`, read from the sources beside the compiled code (the
 * build copies nothing: from dist/src/engines/ the path leads back to src/engines/sql/).
 */
export function sqlFile(name: string): string {
  return readFileSync(new URL(`../../../src/engines/sql/${name}`, import.meta.url), 'utf8');
}

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
  // 2: the append transaction as one function, so a batch costs one round trip to the server
  // instead of seven (see store.postgres.append.ts for the steps it takes).
  `
  CREATE OR REPLACE FUNCTION lc_append(items jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
  DECLARE
    n int := jsonb_array_length(items);
    ids text[];
    found_events int;
    plans jsonb[] := '{}';
    plan jsonb;
    item jsonb; e jsonb; c jsonb; full_entry jsonb;
    ev text; cid text; uid text; k text;
    row_found comments%ROWTYPE;
    by_client jsonb := '{}';
    by_id jsonb := '{}';
    counts jsonb := '{}';
    next_seq jsonb := '{}';
    v_seq bigint;
    v_target bigint;
    r record;
    results jsonb := '[]';
  BEGIN
    -- 1. Lock the batch's events in id order (no deadlock between batches).
    SELECT array_agg(DISTINCT x->>'eventId' ORDER BY x->>'eventId') INTO ids FROM jsonb_array_elements(items) x;
    SELECT count(*) INTO found_events FROM (SELECT id FROM events WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE) s;
    IF found_events <> cardinality(ids) THEN
      RAISE EXCEPTION 'append to an unknown event' USING ERRCODE = 'no_data_found';
    END IF;

    -- 2. Plan each item: new, flip (publish a held comment), existing (a retry), same (repeats an
    --    earlier item of this batch).
    FOR i IN 0 .. n - 1 LOOP
      item := items->i; e := item->'entry'; ev := item->>'eventId';
      plan := '"new"';
      IF e->>'type' = 'comment' THEN
        c := e->'comment'; cid := item->>'clientId'; uid := c->'user'->>'id';
        IF cid IS NOT NULL THEN
          k := ev || E'\n' || uid || E'\n' || cid;
          IF by_client ? k THEN
            IF items->((by_client->>k)::int)->'entry'->'comment'->>'id' <> c->>'id' THEN
              plan := jsonb_build_object('same', (by_client->>k)::int);
            END IF;
          ELSE
            SELECT * INTO row_found FROM comments WHERE event_id = ev AND user_id = uid AND client_id = cid;
            IF FOUND AND row_found.id <> c->>'id' THEN
              plan := jsonb_build_object('existing', to_jsonb(row_found));
            END IF;
          END IF;
        END IF;
        IF plan = '"new"' THEN
          k := ev || E'\n' || (c->>'id');
          IF by_id ? k THEN
            plan := jsonb_build_object('same', (by_id->>k)::int);
          ELSE
            SELECT * INTO row_found FROM comments WHERE event_id = ev AND id = c->>'id';
            IF FOUND THEN
              plan := CASE WHEN row_found.status = 'held' THEN '"flip"'::jsonb
                           ELSE jsonb_build_object('existing', to_jsonb(row_found)) END;
            END IF;
          END IF;
        END IF;
        IF plan = '"new"' OR plan = '"flip"' THEN
          by_id := by_id || jsonb_build_object(ev || E'\n' || (c->>'id'), i);
          IF cid IS NOT NULL THEN by_client := by_client || jsonb_build_object(ev || E'\n' || uid || E'\n' || cid, i); END IF;
        END IF;
      END IF;
      IF plan = '"new"' OR plan = '"flip"' THEN
        counts := jsonb_set(counts, ARRAY[ev], to_jsonb(coalesce((counts->>ev)::int, 0) + 1));
      END IF;
      plans := plans || plan;
    END LOOP;

    -- 3. A block of seqs per event: (last_seq - n, last_seq].
    FOR r IN
      UPDATE events e SET last_seq = e.last_seq + v.n::bigint
      FROM jsonb_each_text(counts) AS v(id, n) WHERE e.id = v.id
      RETURNING e.id, e.last_seq, v.n::bigint AS taken
    LOOP
      next_seq := next_seq || jsonb_build_object(r.id, r.last_seq - r.taken + 1);
    END LOOP;

    -- 4. The log rows and the projections, in the order given.
    FOR i IN 0 .. n - 1 LOOP
      plan := plans[i + 1];
      IF plan ? 'existing' OR plan ? 'same' THEN
        results := results || jsonb_build_array(plan);
        CONTINUE;
      END IF;
      item := items->i; e := item->'entry'; ev := item->>'eventId';
      v_seq := (next_seq->>ev)::bigint;
      next_seq := jsonb_set(next_seq, ARRAY[ev], to_jsonb(v_seq + 1));
      full_entry := jsonb_set(e, '{seq}', to_jsonb(v_seq));
      IF e->>'type' = 'comment' THEN
        c := jsonb_set(e->'comment', '{seq}', to_jsonb(v_seq));
        full_entry := jsonb_set(full_entry, '{comment}', c);
        IF plan = '"flip"' THEN
          UPDATE comments SET status = 'published', seq = v_seq, text = c->>'text',
                 client_id = coalesce(client_id, item->>'clientId')
          WHERE event_id = ev AND id = c->>'id';
        ELSE
          INSERT INTO comments (event_id, id, seq, user_id, user_name, text, created_at, parent_id, status, client_id)
          VALUES (ev, c->>'id', v_seq, c->'user'->>'id', c->'user'->>'name', c->>'text',
                  (c->>'createdAt')::bigint, c->>'parentId', 'published', item->>'clientId');
        END IF;
      ELSIF e->>'type' = 'delete' THEN
        -- Blank the text in both places, so no reader (page, resume, gap fill) serves it again.
        v_target := NULL;
        UPDATE comments SET status = 'deleted', text = '' WHERE event_id = ev AND id = e->>'commentId'
        RETURNING comments.seq INTO v_target;
        IF v_target IS NOT NULL THEN
          UPDATE entries SET data = jsonb_set(data, '{comment,text}', '""') WHERE event_id = ev AND seq = v_target;
        END IF;
      ELSIF e->>'type' = 'ban' THEN
        -- Keeps a ban recorded with putBan (reason, author) and only updates its end.
        INSERT INTO bans (event_id, user_id, until, reason, by_id, created_at)
        VALUES (ev, e->>'userId', (e->>'until')::bigint, NULL, '', (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
        ON CONFLICT (event_id, user_id) DO UPDATE SET until = excluded.until;
      ELSIF e->>'type' = 'event' THEN
        full_entry := jsonb_set(full_entry, '{event,lastSeq}', to_jsonb(v_seq));
        UPDATE events SET title = e->'event'->>'title', status = e->'event'->>'status',
               ended_at = (e->'event'->>'endedAt')::bigint, settings = e->'event'->'settings'
        WHERE id = ev;
      END IF;
      INSERT INTO entries (event_id, seq, type, data) VALUES (ev, v_seq, e->>'type', full_entry);
      results := results || jsonb_build_array(jsonb_build_object('entry', full_entry));
    END LOOP;
    RETURN results;
  END;
  $fn$;
  `,
  // 3: an `event` entry carries the public part of the settings (viewers read the log); the
  // events table gets the full ones, from the item's `settings`, in the same transaction.
  `
  CREATE OR REPLACE FUNCTION lc_append_event_settings(items jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
  DECLARE
    latest jsonb := '{}';
    x jsonb;
    results jsonb;
  BEGIN
    FOR x IN SELECT value FROM jsonb_array_elements(items) LOOP
      IF x->'entry'->>'type' = 'event' THEN
        IF jsonb_typeof(x->'settings') IS DISTINCT FROM 'object' THEN
          RAISE EXCEPTION 'event entry of % without its settings', x->>'eventId' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        latest := latest || jsonb_build_object(x->>'eventId', x->'settings');
      END IF;
    END LOOP;
    results := lc_append(items);
    -- lc_append wrote the entries' public settings; the last full ones of each event replace them.
    UPDATE events SET settings = v.value FROM jsonb_each(latest) v WHERE events.id = v.key;
    RETURN results;
  END;
  $fn$;
  `,
  // 4: lc_append version 2 takes an `event` entry's full settings from its item, like its
  // TypeScript twin; the store calls it directly (the wrapper of 3 stays for older nodes).
  sqlFile('lc_append.v2.sql'),
  // 5: the epoch of each event's log (a random default, so events made before it get their own).
  `ALTER TABLE events ADD COLUMN epoch text NOT NULL DEFAULT substr(md5(random()::text), 1, 12);`,
  // Pins and polls: the event's current pin and latest poll, the polls and one vote per user, and
  // the append of batches holding their entries (sql/lc_append_interactions.v1.sql).
  `
  ALTER TABLE events ADD COLUMN IF NOT EXISTS pin jsonb;
  ALTER TABLE events ADD COLUMN IF NOT EXISTS poll jsonb;
  CREATE TABLE IF NOT EXISTS polls (
    event_id text NOT NULL,
    id       text NOT NULL,
    question text NOT NULL,
    options  jsonb NOT NULL,
    status   text NOT NULL,
    ends_at  bigint NOT NULL,
    PRIMARY KEY (event_id, id)
  );
  CREATE TABLE IF NOT EXISTS poll_votes (
    event_id text NOT NULL,
    poll_id  text NOT NULL,
    user_id  text NOT NULL,
    option   integer NOT NULL,
    at       bigint NOT NULL,
    PRIMARY KEY (event_id, poll_id, user_id)
  );
  ${sqlFile('lc_append_interactions.v1.sql')}
  `,
  // Event roles (owner's name, appointed moderators), comment reports, and replies by parent.
  SOCIAL_MIGRATION,
  // Reactions and likes: not log entries, so tables of their own (self-contained: it may be
  // renumbered beside other migrations).
  `CREATE TABLE IF NOT EXISTS reaction_totals (
     event_id text NOT NULL, emoji text NOT NULL, n bigint NOT NULL, PRIMARY KEY (event_id, emoji));
   CREATE TABLE IF NOT EXISTS comment_likes (
     event_id text NOT NULL, comment_id text NOT NULL, user_id text NOT NULL, created_at bigint NOT NULL,
     PRIMARY KEY (event_id, comment_id, user_id));
   CREATE TABLE IF NOT EXISTS like_counts (
     event_id text NOT NULL, comment_id text NOT NULL, n bigint NOT NULL, PRIMARY KEY (event_id, comment_id));`,
  // Webhooks: the outbox (written with the change it reports), the deliveries (one per
  // destination, retried until delivered or dead), and the append that writes the outbox.
  `
  CREATE TABLE IF NOT EXISTS webhook_outbox (
    id         bigserial PRIMARY KEY,
    event_id   text NOT NULL,
    type       text NOT NULL,
    data       jsonb NOT NULL,
    created_at bigint NOT NULL
  );
  CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id         bigserial PRIMARY KEY,
    webhook_id text NOT NULL,
    event_id   text NOT NULL,
    type       text NOT NULL,
    url        text NOT NULL,
    source     text NOT NULL,
    body       text NOT NULL,
    created_at bigint NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    next_at    bigint NOT NULL,
    state      text NOT NULL DEFAULT 'pending',
    last_error text
  );
  CREATE INDEX IF NOT EXISTS webhook_due ON webhook_deliveries (next_at) WHERE state = 'pending';
  CREATE INDEX IF NOT EXISTS webhook_dead ON webhook_deliveries (id) WHERE state = 'dead';
  ${sqlFile('lc_append_outbox.sql')}
  `,
  // Custom emotes and their pictures (self-contained: it may be renumbered beside others).
  EMOTES_MIGRATION,
  // Media time: comments' media time for replays, and the indexes of media-time order.
  REPLAY_MIGRATION,
  // Search: the tsvector index of comment words (filled by following the log), its position per
  // event, and the record of user erasures (self-contained: it may be renumbered).
  SEARCH_MIGRATION,
  // The owner's analytics: per-minute rows, chatters, counts by reason, each event's cursor.
  ANALYTICS_MIGRATION,
  // Erasure finds a user's comments and the moderation log's entries about them by index.
  ERASURE_MIGRATION,
];

/** Any fixed number: the advisory lock that serialises migrations across nodes. */
const MIGRATION_LOCK = 0x6c63_0001;

/** Applies the missing migrations in one transaction. Idempotent; safe with several nodes. */
export async function migrate(pool: pg.Pool): Promise<void> {
  const { client, release } = await checkOut(pool);
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
    release();
  }
}
