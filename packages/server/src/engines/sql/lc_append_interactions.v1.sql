-- lc_append_interactions, version 1: lc_append (v2) for batches that hold `pin`, `unpin` or
-- `poll` entries (the store calls it only for those, so the comment path stays as it was).
--
-- Its twin is SqliteInteractions in store.sqlite.interactions.ts; the store contract suite
-- (store.case.test.ts) is the specification both run against. A released file is never edited.
--
-- 1. locks the batch's events in id order, as lc_append does: two nodes that append for one
--    event (say, both closing a poll when it ends) take turns, and the second sees the first's;
-- 2. decides each item: an `unpin` with `ifPinSeq` is skipped unless that pin is the event's (nor
--    when a pin or unpin comes before it in this batch); a `poll` entry of a new poll records it;
--    one of a known poll is skipped unless the poll is open, else closes it if `closed` (the
--    UPDATE waits for votes in flight: they hold the poll row FOR SHARE) and counts the votes
--    into its options;
-- 3. appends the kept items with lc_append;
-- 4. keeps each appended pin (with its seq) and poll on the event row; answers each item of the
--    batch, `{"skipped": true}` for those left out (a `same` refers to the batch's own index).
CREATE OR REPLACE FUNCTION lc_append_interactions(items jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  n int := jsonb_array_length(items);
  ids text[];
  kept jsonb := '[]';
  origin int[] := '{}';
  skipped boolean[] := '{}';
  pinned jsonb := '{}';
  item jsonb; e jsonb; p jsonb; ev text; skip boolean;
  found_poll polls%ROWTYPE;
  counted jsonb;
  appended jsonb := '[]';
  r jsonb;
  results jsonb := '[]';
  k int := 0;
BEGIN
  -- 1.
  SELECT array_agg(DISTINCT x->>'eventId' ORDER BY x->>'eventId') INTO ids FROM jsonb_array_elements(items) x;
  PERFORM 1 FROM (SELECT id FROM events WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE) s;

  -- 2.
  FOR i IN 0 .. n - 1 LOOP
    item := items->i; e := item->'entry'; ev := item->>'eventId'; skip := false;
    IF e->>'type' = 'unpin' AND item ? 'ifPinSeq' THEN
      skip := pinned ? ev OR NOT EXISTS (
        SELECT 1 FROM events WHERE id = ev AND (pin->>'seq')::bigint = (item->>'ifPinSeq')::bigint);
    ELSIF e->>'type' = 'poll' THEN
      p := e->'poll';
      SELECT * INTO found_poll FROM polls WHERE event_id = ev AND id = p->>'id';
      IF NOT FOUND THEN
        INSERT INTO polls (event_id, id, question, options, status, ends_at)
        VALUES (ev, p->>'id', p->>'question',
                (SELECT coalesce(jsonb_agg(o->'text' ORDER BY ord), '[]') FROM jsonb_array_elements(p->'options') WITH ORDINALITY t(o, ord)),
                p->>'status', (p->>'endsAt')::bigint);
      ELSIF found_poll.status <> 'open' THEN
        skip := true;
      ELSE
        IF p->>'status' = 'closed' THEN
          UPDATE polls SET status = 'closed' WHERE event_id = ev AND id = p->>'id';
        END IF;
        SELECT coalesce(jsonb_agg(jsonb_build_object('text', t.txt, 'votes', coalesce(v.cnt, 0)) ORDER BY t.ord), '[]')
        INTO counted
        FROM jsonb_array_elements_text(found_poll.options) WITH ORDINALITY t(txt, ord)
        LEFT JOIN (SELECT option, count(*) AS cnt FROM poll_votes WHERE event_id = ev AND poll_id = p->>'id' GROUP BY option) v
          ON v.option = t.ord - 1;
        p := jsonb_build_object('id', found_poll.id, 'question', found_poll.question, 'options', counted,
                                'status', p->>'status', 'endsAt', found_poll.ends_at);
        item := jsonb_set(item, '{entry,poll}', p);
      END IF;
    END IF;
    IF NOT skip AND e->>'type' IN ('pin', 'unpin') THEN pinned := pinned || jsonb_build_object(ev, true); END IF;
    skipped := skipped || skip;
    IF NOT skip THEN
      kept := kept || jsonb_build_array(item);
      origin := origin || i;
    END IF;
  END LOOP;

  -- 3.
  IF jsonb_array_length(kept) > 0 THEN appended := lc_append(kept); END IF;

  -- 4.
  FOR j IN 0 .. jsonb_array_length(appended) - 1 LOOP
    r := appended->j;
    IF r ? 'entry' THEN
      e := r->'entry'; ev := kept->j->>'eventId';
      IF e->>'type' = 'pin' THEN
        UPDATE events SET pin = (e->'pin') || jsonb_build_object('seq', e->'seq') WHERE id = ev;
      ELSIF e->>'type' = 'unpin' THEN
        UPDATE events SET pin = NULL WHERE id = ev;
      ELSIF e->>'type' = 'poll' THEN
        UPDATE events SET poll = e->'poll' WHERE id = ev;
      END IF;
    END IF;
  END LOOP;
  FOR i IN 0 .. n - 1 LOOP
    IF skipped[i + 1] THEN
      results := results || jsonb_build_array(jsonb_build_object('skipped', true));
    ELSE
      r := appended->k;
      IF r ? 'same' THEN r := jsonb_build_object('same', origin[(r->>'same')::int + 1]); END IF;
      results := results || jsonb_build_array(r);
      k := k + 1;
    END IF;
  END LOOP;
  RETURN results;
END;
$fn$;
