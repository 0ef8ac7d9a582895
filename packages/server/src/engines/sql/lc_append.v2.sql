-- lc_append, version 2: the append transaction of the PostgreSQL store, one batch (a group
-- commit) in one call, so a batch costs one round trip however many statements it runs.
--
-- Its twin is `SqliteWriter.appendAll` in store.sqlite.writer.ts: the two must do the same, and
-- the store contract suite (store.case.test.ts) is the specification both run against. Change
-- one, change the other.
--
-- Loaded by migration 4 (store.postgres.schema.ts). A released file is never edited: a change
-- goes into lc_append.v3.sql and a new migration that loads it.
--
-- Version 1 (migration 2) took an `event` entry's settings from the entry; since the entries
-- carry only the public part, migration 3 wrapped it in lc_append_event_settings. Version 2 takes
-- the full settings from the item itself (`settings`), as appendAll does; the wrapper stays, for
-- nodes not yet upgraded, and keeps working over this version.
--
-- 1. locks the rows of the batch's events, in id order so that two batches never deadlock. From
--    there on, appends to these events from every process wait for this transaction; that is
--    what makes the client-id check below safe without retries;
-- 2. finds comments the batch repeats (same client id, or the same comment id already published)
--    and answers them with `{existing}` or `{same}`: they take no sequence number;
-- 3. takes a block of sequence numbers per event with one `UPDATE ... RETURNING`;
-- 4. writes the log rows and the projections (comments, deletions, bans, event state).
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
      -- The entry holds the public part of the settings; the events table gets them all.
      IF jsonb_typeof(item->'settings') IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'event entry of % without its settings', ev USING ERRCODE = 'invalid_parameter_value';
      END IF;
      full_entry := jsonb_set(full_entry, '{event,lastSeq}', to_jsonb(v_seq));
      UPDATE events SET title = e->'event'->>'title', status = e->'event'->>'status',
             ended_at = (e->'event'->>'endedAt')::bigint, settings = item->'settings'
      WHERE id = ev;
    END IF;
    INSERT INTO entries (event_id, seq, type, data) VALUES (ev, v_seq, e->>'type', full_entry);
    results := results || jsonb_build_array(jsonb_build_object('entry', full_entry));
  END LOOP;
  RETURN results;
END;
$fn$;
