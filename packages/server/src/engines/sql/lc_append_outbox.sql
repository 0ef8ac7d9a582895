-- lc_append_outbox(items, notify_all): the one entry point of every append (appendBatch in
-- store.postgres.append.ts). It appends the batch with lc_append_interactions
-- (sql/lc_append_interactions.v1.sql) when the batch holds a `pin`, `unpin` or `poll` entry, else
-- with lc_append (sql/lc_append.v2.sql); both answer one result per item (`{"skipped": true}` for
-- an interaction left out, which gets no outbox row). Then it writes the webhook outbox rows of
-- what was appended, in the same transaction: `comment.published` for each comment entry
-- (an approved held comment too), `comment.deleted` for each delete, `event.ended` for the
-- `event` entry that ends an event. Rows are written for events with webhooks in their settings,
-- or for all when the node has its own (notify_all). Its TypeScript twin is SqliteWriter.appendAll.
CREATE OR REPLACE FUNCTION lc_append_outbox(items jsonb, notify_all boolean) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  ids text[];
  heads jsonb := '{}';
  results jsonb;
  r jsonb; e jsonb; ev text; was text;
  now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
BEGIN
  -- The statuses before the batch, under the lock lc_append takes anyway (same order: no deadlock).
  SELECT array_agg(DISTINCT x->>'eventId' ORDER BY x->>'eventId') INTO ids FROM jsonb_array_elements(items) x;
  SELECT coalesce(jsonb_object_agg(s.id, jsonb_build_object(
           'status', s.status,
           'hooks', notify_all OR coalesce(jsonb_array_length(s.settings->'webhooks'), 0) > 0)), '{}')
    INTO heads
    FROM (SELECT id, status, settings FROM events WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE) s;
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(items) x WHERE x->'entry'->>'type' IN ('pin', 'unpin', 'poll')) THEN
    results := lc_append_interactions(items);
  ELSE
    results := lc_append(items);
  END IF;
  FOR i IN 0 .. jsonb_array_length(results) - 1 LOOP
    r := results->i;
    CONTINUE WHEN NOT (r ? 'entry');
    ev := items->i->>'eventId';
    CONTINUE WHEN NOT coalesce((heads->ev->>'hooks')::boolean, false);
    e := r->'entry';
    IF e->>'type' = 'comment' THEN
      INSERT INTO webhook_outbox (event_id, type, data, created_at) VALUES (ev, 'comment.published', e->'comment', now_ms);
    ELSIF e->>'type' = 'delete' THEN
      INSERT INTO webhook_outbox (event_id, type, data, created_at)
      VALUES (ev, 'comment.deleted', jsonb_build_object('commentId', e->>'commentId'), now_ms);
    ELSIF e->>'type' = 'event' THEN
      was := heads->ev->>'status';
      IF e->'event'->>'status' = 'ended' AND was IS DISTINCT FROM 'ended' THEN
        INSERT INTO webhook_outbox (event_id, type, data, created_at) VALUES (ev, 'event.ended', e->'event', now_ms);
      END IF;
      heads := jsonb_set(heads, ARRAY[ev, 'status'], to_jsonb(e->'event'->>'status'));
    END IF;
  END LOOP;
  RETURN results;
END;
$fn$;
