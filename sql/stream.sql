-- fraiseql.stream(): rows, order, pagination and chunking against plain SQL,
-- for jsonb and json sources, in the select list and in FROM.
CREATE TABLE tv_thing (id integer PRIMARY KEY, tenant_id integer, data jsonb);
INSERT INTO tv_thing
SELECT i, i % 3,
       jsonb_build_object('id', i, 'name', 'thing ' || i,
                          'status', (ARRAY['active', 'inactive', 'pending'])[1 + i % 3],
                          'profile', jsonb_build_object('rank', (i * 7) % 11),
                          'tags', CASE WHEN i % 4 = 0 THEN '["vip", "new"]'::jsonb ELSE '["new"]' END)
FROM generate_series(1, 25) i;
INSERT INTO tv_thing VALUES (26, 0, NULL), (27, 1, '{"id": 27, "name": null}');
CREATE VIEW v_thing_json AS SELECT id, tenant_id, data::json AS data FROM tv_thing;

-- a selective filter, ordered and paginated, checked by hand
SELECT fraiseql.stream('tv_thing', '{"status": {"eq": "active"}, "profile": {"rank": {"gte": 5}}}',
                       '[{"field": "profile.rank", "direction": "desc"}, {"field": "id"}]', 3, 1);
-- the same from a json source and in FROM
SELECT * FROM fraiseql.stream('v_thing_json', '{"status": {"eq": "active"}, "profile": {"rank": {"gte": 5}}}',
                              '[{"field": "profile.rank", "direction": "desc"}, {"field": "id"}]', 3, 1);

-- whole results equal plain SQL for several chunk sizes (no rows listed = equal)
CREATE FUNCTION differs(filter jsonb, plain text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE cs integer;
BEGIN
  FOREACH cs IN ARRAY ARRAY[1, 2, 7, 1000] LOOP
    RETURN QUERY EXECUTE format(
      $q$ (SELECT s::text FROM fraiseql.stream('tv_thing', $1, chunk_size => %s) s
           EXCEPT ALL SELECT data::text FROM tv_thing WHERE %s)
          UNION ALL
          (SELECT data::text FROM tv_thing WHERE %s
           EXCEPT ALL SELECT s::text FROM fraiseql.stream('tv_thing', $1, chunk_size => %s) s) $q$,
      cs, plain, plain, cs) USING filter;
  END LOOP;
END $$;
SELECT * FROM differs('{"status": {"in": ["active", "pending"]}}', $$data->>'status' IN ('active', 'pending')$$);
SELECT * FROM differs('{"tags": {"array_contains": ["vip"]}}', $$data->'tags' @> '["vip"]'$$);
SELECT * FROM differs('{"tenant_id": {"eq": 1}}', $$tenant_id = 1$$);
SELECT * FROM differs('{"name": {"isnull": true}}', $$data->>'name' IS NULL$$);
SELECT * FROM differs('{}', $$true$$);

-- NULL data rows come through as NULL
SELECT count(*) AS all_rows, count(s) AS non_null FROM fraiseql.stream('tv_thing') s;
-- ordering with limit and offset equals plain SQL, row for row
SELECT array_agg(s::text) = (SELECT array_agg(data::text ORDER BY data->'name' DESC, id)
                             FROM (SELECT * FROM tv_thing ORDER BY data->'name' DESC, id LIMIT 10 OFFSET 5) t)
       AS same_page
FROM fraiseql.stream('tv_thing', NULL, '[{"field": "name", "direction": "desc"}, {"field": "id"}]', 10, 5, chunk_size => 3) s;
-- count() agrees with plain SQL
SELECT fraiseql.count('tv_thing', '{"status": {"eq": "pending"}}') AS fraiseql_count,
       (SELECT count(*) FROM tv_thing WHERE data->>'status' = 'pending') AS plain_count;
SELECT fraiseql.count('tv_thing') AS everything;
-- NULL source: no rows
SELECT count(*) FROM fraiseql.stream(NULL);
-- an outer LIMIT stops early and leaves no cursor open
BEGIN;
SELECT fraiseql.stream('tv_thing', order_by => '[{"field": "id"}]', chunk_size => 2) LIMIT 3;
SELECT count(*) AS open_cursors FROM pg_cursors;
COMMIT;
-- two streams in one query
SELECT a, b FROM (SELECT fraiseql.stream('tv_thing', '{"id": {"lte": 2}}', '[{"field":"id"}]') a) x,
                 (SELECT fraiseql.stream('tv_thing', '{"id": {"gte": 24}}', '[{"field":"id"}]') b) y
ORDER BY a::text, b::text;

-- WITH HOLD cursors read part-way before COMMIT: COMMIT runs each on to its
-- end, reading the stream's own portal, which must not be dropped first (it
-- was, for some cursor names: the order of the portal hash decided)
BEGIN;
DECLARE a NO SCROLL CURSOR WITH HOLD FOR SELECT (s::jsonb->>'id')::int AS id FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', NULL, NULL, NULL, NULL, 1) s;
FETCH 2 FROM a;
COMMIT;
FETCH ALL FROM a;
CLOSE a;
BEGIN;
DECLARE b NO SCROLL CURSOR WITH HOLD FOR SELECT (s::jsonb->>'id')::int AS id FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', NULL, NULL, NULL, NULL, 1) s;
FETCH 2 FROM b;
COMMIT;
FETCH ALL FROM b;
CLOSE b;
BEGIN;
DECLARE c NO SCROLL CURSOR WITH HOLD FOR SELECT (s::jsonb->>'id')::int AS id FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', NULL, NULL, NULL, NULL, 1) s;
FETCH 2 FROM c;
COMMIT;
FETCH ALL FROM c;
CLOSE c;
BEGIN;
DECLARE d NO SCROLL CURSOR WITH HOLD FOR SELECT (s::jsonb->>'id')::int AS id FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', NULL, NULL, NULL, NULL, 1) s;
FETCH 2 FROM d;
COMMIT;
FETCH ALL FROM d;
CLOSE d;
BEGIN;
DECLARE e NO SCROLL CURSOR WITH HOLD FOR SELECT (s::jsonb->>'id')::int AS id FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', NULL, NULL, NULL, NULL, 1) s;
FETCH 2 FROM e;
COMMIT;
FETCH ALL FROM e;
CLOSE e;
BEGIN;
DECLARE f NO SCROLL CURSOR WITH HOLD FOR SELECT (s::jsonb->>'id')::int AS id FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', NULL, NULL, NULL, NULL, 1) s;
FETCH 2 FROM f;
COMMIT;
FETCH ALL FROM f;
CLOSE f;
-- a SCROLL cursor (rewound and run again at COMMIT), and the select-list form
BEGIN;
DECLARE g SCROLL CURSOR WITH HOLD FOR SELECT (s::jsonb->>'id')::int AS id FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', NULL, NULL, NULL, NULL, 1) s;
FETCH 2 FROM g;
COMMIT;
FETCH ALL FROM g;
FETCH BACKWARD 2 FROM g;
CLOSE g;
BEGIN;
DECLARE h NO SCROLL CURSOR WITH HOLD FOR SELECT fraiseql.stream('tv_thing', '{"id": {"lte": 3}}', '[{"field": "id"}]', NULL, NULL, NULL, NULL, 1);
FETCH 1 FROM h;
COMMIT;
FETCH ALL FROM h;
CLOSE h;
-- a held cursor whose own expression fails inside a savepoint dies without
-- closing the stream it reads: COMMIT must not keep that stream's portal
-- (it stayed, holdable, for the rest of the session)
BEGIN;
DECLARE k NO SCROLL CURSOR WITH HOLD FOR
  SELECT 10 / ((s::jsonb->>'id')::int - 3) AS q
  FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', NULL, NULL, NULL, NULL, 1) s;
FETCH 1 FROM k;
SAVEPOINT before_fetch;
FETCH 5 FROM k;
ROLLBACK TO before_fetch;
COMMIT;
-- a held cursor that fails while COMMIT persists it: the abort must not
-- keep the stream's portal if COMMIT persisted that one first (the portal
-- hash decides which goes first; either way none may remain)
BEGIN;
DECLARE c NO SCROLL CURSOR WITH HOLD FOR
  SELECT 1 / ((s::jsonb->>'id')::int - 5) AS q
  FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', NULL, NULL, NULL, NULL, 1) s;
FETCH 2 FROM c;
COMMIT;
BEGIN;
DECLARE d NO SCROLL CURSOR WITH HOLD FOR
  SELECT 1 / ((s::jsonb->>'id')::int - 5) AS q
  FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', NULL, NULL, NULL, NULL, 1) s;
FETCH 2 FROM d;
COMMIT;
-- the streams' held portals were closed with them
SELECT count(*) AS held_portals_left FROM pg_backend_memory_contexts WHERE name = 'PortalHoldContext';

-- a cursor declared before a savepoint and first read inside it keeps its
-- position after ROLLBACK TO, as the plain cursor beside it does: with
-- arguments known at DECLARE, the stream opens with the cursor
BEGIN;
DECLARE sp NO SCROLL CURSOR FOR
  SELECT (s::jsonb->>'id')::int AS id
  FROM fraiseql.stream('tv_thing', '{"id": {"lte": 8}}', '[{"field": "id"}]', chunk_size => 1) s;
DECLARE sp_plain NO SCROLL CURSOR FOR
  SELECT (data->>'id')::int AS id FROM tv_thing WHERE (data->>'id')::int <= 8 ORDER BY 1;
SAVEPOINT first_read;
FETCH 2 FROM sp;
FETCH 2 FROM sp_plain;
ROLLBACK TO first_read;
FETCH 2 FROM sp;
FETCH 2 FROM sp_plain;
SAVEPOINT released;
FETCH 1 FROM sp;
FETCH 1 FROM sp_plain;
RELEASE released;
SAVEPOINT outer_sp;
SAVEPOINT inner_sp;
FETCH 1 FROM sp;
FETCH 1 FROM sp_plain;
ROLLBACK TO outer_sp;
FETCH ALL FROM sp;
FETCH ALL FROM sp_plain;
COMMIT;
-- the same under a nested loop, which rescans its inner side before reading
-- it: the stream opened with the cursor stays where it was opened
SET enable_material = off;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
BEGIN;
DECLARE sp_loop NO SCROLL CURSOR FOR
  SELECT v.x, (s::jsonb->>'id')::int AS id
  FROM (VALUES (1), (2)) v(x),
       fraiseql.stream('tv_thing', '{"id": {"lte": 3}}', '[{"field": "id"}]', chunk_size => 1) s;
SAVEPOINT first_read;
FETCH 2 FROM sp_loop;
ROLLBACK TO first_read;
FETCH ALL FROM sp_loop;
COMMIT;
RESET enable_material;
RESET enable_hashjoin;
RESET enable_mergejoin;
-- a cursor over a stream with LATERAL and subquery arguments: those open on
-- the first fetch (their values exist only then), and read the right rows
BEGIN;
DECLARE sp_lateral NO SCROLL CURSOR FOR
  SELECT v.x, (s::jsonb->>'id')::int AS id
  FROM (VALUES (2), (4)) v(x),
       LATERAL fraiseql.stream('tv_thing', jsonb_build_object('id', jsonb_build_object('lte', v.x)),
                               '[{"field": "id"}]', chunk_size => (SELECT 1)) s;
FETCH ALL FROM sp_lateral;
COMMIT;
-- a held cursor over a stream whose source is a view over another stream:
-- the inner stream opens on its first fetch too, held with the outer one
CREATE VIEW tv_nested AS
  SELECT s::jsonb AS data
  FROM fraiseql.stream('tv_thing', '{"id": {"lte": 4}}', '[{"field": "id"}]', chunk_size => 1) s;
BEGIN;
DECLARE nested_held NO SCROLL CURSOR WITH HOLD FOR
  SELECT (s::jsonb->>'id')::int AS id FROM fraiseql.stream('tv_nested', chunk_size => 1) s;
FETCH 1 FROM nested_held;
COMMIT;
FETCH ALL FROM nested_held;
CLOSE nested_held;
SELECT count(*) AS cursors_left FROM pg_cursors;
-- known limit (README): a held cursor's stream opens on its first fetch (a
-- stream open at COMMIT could be persisted whole before the cursor), so one
-- first read inside a rolled-back savepoint is gone when COMMIT persists the
-- cursor
BEGIN;
DECLARE sp_held NO SCROLL CURSOR WITH HOLD FOR
  SELECT (s::jsonb->>'id')::int AS id
  FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', chunk_size => 1) s;
SAVEPOINT first_read;
FETCH 2 FROM sp_held;
ROLLBACK TO first_read;
\set VERBOSITY sqlstate
COMMIT;
\set VERBOSITY default
SELECT count(*) AS cursors_left FROM pg_cursors;
-- a cursor declared inside a savepoint that is rolled back goes with it,
-- its stream too
BEGIN;
SAVEPOINT declared_here;
DECLARE sp_gone NO SCROLL CURSOR FOR
  SELECT (s::jsonb->>'id')::int AS id
  FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', chunk_size => 1) s;
SAVEPOINT read_here;
FETCH 2 FROM sp_gone;
ROLLBACK TO declared_here;
SELECT count(*) AS cursors_left FROM pg_cursors;
COMMIT;
-- a PL/pgSQL cursor opened outside an exception block and read inside it
-- goes on after the block's error
DO $$
DECLARE
  c refcursor;
  r record;
  got text := '';
BEGIN
  OPEN c FOR SELECT (s::jsonb->>'id')::int AS id
             FROM fraiseql.stream('tv_thing', '{"id": {"lte": 6}}', '[{"field": "id"}]', chunk_size => 1) s;
  BEGIN
    FETCH c INTO r;
    got := got || r.id || ' ';
    FETCH c INTO r;
    got := got || r.id || ' ';
    RAISE EXCEPTION 'leaving the block';
  EXCEPTION WHEN raise_exception THEN
    got := got || '| ';
  END;
  LOOP
    FETCH c INTO r;
    EXIT WHEN NOT FOUND;
    got := got || r.id || ' ';
  END LOOP;
  RAISE WARNING 'rows: %', got;
END $$;
-- a stream read inside a PL/pgSQL exception block that fails goes with the
-- block, also when the function runs under a cursor: no portal is left
-- open for the rest of the transaction
CREATE FUNCTION first_id_over_zero() RETURNS int LANGUAGE plpgsql AS $$
DECLARE r int;
BEGIN
  BEGIN
    SELECT (s::jsonb->>'id')::int / 0 INTO r
    FROM fraiseql.stream('tv_thing', chunk_size => 1) s;
  EXCEPTION WHEN division_by_zero THEN
    r := -1;
  END;
  RETURN r;
END $$;
BEGIN;
DECLARE calls NO SCROLL CURSOR FOR SELECT first_id_over_zero() FROM generate_series(1, 20);
FETCH ALL FROM calls;
SELECT count(*) AS stream_portals_left FROM pg_cursors WHERE name <> 'calls';
COMMIT;
-- a source created inside a savepoint, after the cursor was declared, is
-- not the cursor's: its arguments were evaluated at DECLARE, when there was
-- no such table (a stream resolved later would hold the table's buffers
-- across ROLLBACK TO, which then fails)
BEGIN;
DECLARE later NO SCROLL CURSOR FOR
  SELECT s FROM fraiseql.stream(to_regclass('tv_later'), chunk_size => 1) s;
SAVEPOINT creating;
CREATE TABLE tv_later (id integer, data jsonb);
INSERT INTO tv_later SELECT i, jsonb_build_object('id', i) FROM generate_series(1, 5) i;
FETCH 1 FROM later;
ROLLBACK TO creating;
COMMIT;
SELECT to_regclass('tv_later') AS tv_later;
-- an error inside the stream's own statement, inside a savepoint, fails the
-- cursor as it fails a plain one; COMMIT leaves no portal behind
CREATE TABLE tv_odd (id integer PRIMARY KEY, data jsonb);
INSERT INTO tv_odd SELECT i, jsonb_build_object('id', i, 'x', CASE WHEN i = 3 THEN to_jsonb('abc'::text) ELSE to_jsonb(i) END)
FROM generate_series(1, 5) i;
BEGIN;
DECLARE odd NO SCROLL CURSOR FOR
  SELECT (s::jsonb->>'id')::int AS id FROM fraiseql.stream('tv_odd', '{"x": {"gt": 0}}', chunk_size => 1) s;
DECLARE odd_plain NO SCROLL CURSOR FOR
  SELECT (data->>'id')::int AS id FROM tv_odd WHERE (data->>'x')::numeric > 0;
FETCH 1 FROM odd;
FETCH 1 FROM odd_plain;
SAVEPOINT failing;
FETCH 5 FROM odd;
ROLLBACK TO failing;
FETCH 1 FROM odd;
ROLLBACK TO failing;
FETCH 5 FROM odd_plain;
ROLLBACK TO failing;
FETCH 1 FROM odd_plain;
ROLLBACK TO failing;
COMMIT;
SELECT count(*) AS cursors_left FROM pg_cursors;
-- an error in the cursor's own expression, inside a savepoint, fails the
-- cursor while its stream is still open (chunks of one row): ROLLBACK TO
-- lets go of the stream's scan as of the plain cursor's, so the table can
-- be truncated in the same transaction (it failed "in use" before), also
-- for a PL/pgSQL cursor read inside an exception block
BEGIN;
DECLARE own_error NO SCROLL CURSOR FOR
  SELECT 10 / ((s::jsonb->>'id')::int - 3) AS q FROM fraiseql.stream('tv_odd', chunk_size => 1) s;
FETCH 1 FROM own_error;
SAVEPOINT failing;
FETCH 5 FROM own_error;
ROLLBACK TO failing;
FETCH 1 FROM own_error;
ROLLBACK TO failing;
TRUNCATE tv_odd;
ROLLBACK;
BEGIN;
DECLARE own_error_plain NO SCROLL CURSOR FOR
  SELECT 10 / ((data->>'id')::int - 3) AS q FROM tv_odd;
FETCH 1 FROM own_error_plain;
SAVEPOINT failing;
FETCH 5 FROM own_error_plain;
ROLLBACK TO failing;
TRUNCATE tv_odd;
ROLLBACK;
CREATE FUNCTION read_until_error() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  cur refcursor;
  v int;
  got text;
BEGIN
  OPEN cur FOR SELECT 10 / ((s::jsonb->>'id')::int - 3) FROM fraiseql.stream('tv_odd', chunk_size => 1) s;
  FETCH cur INTO v;
  got := v::text;
  BEGIN
    LOOP
      FETCH cur INTO v;
      EXIT WHEN NOT FOUND;
      got := got || ',' || v;
    END LOOP;
  EXCEPTION WHEN division_by_zero THEN
    got := got || ', then division by zero';
  END;
  TRUNCATE tv_odd;
  RETURN got;
END $$;
BEGIN;
SELECT read_until_error();
ROLLBACK;
SELECT count(*) AS cursors_left, (SELECT count(*) FROM tv_odd) AS rows_kept FROM pg_cursors;
-- a stream read to its end under a named cursor forgets the cursor then
-- (each kept ~180 bytes of the session's memory until COMMIT before)
BEGIN;
DECLARE many NO SCROLL CURSOR FOR
  SELECT fraiseql.query('tv_odd', 'odd') FROM generate_series(1, 10000) g;
SELECT total_bytes AS top_before FROM pg_backend_memory_contexts
WHERE name = 'TopMemoryContext' \gset
MOVE ALL FROM many;
SELECT total_bytes - :top_before < 1000000 AS session_memory_flat
FROM pg_backend_memory_contexts WHERE name = 'TopMemoryContext';
COMMIT;
