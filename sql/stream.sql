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

-- known limit (README): a cursor first read inside a savepoint loses its
-- stream at ROLLBACK TO (the stream's portal was created there); the next
-- FETCH says so, and the transaction goes on
BEGIN;
DECLARE sp NO SCROLL CURSOR FOR
  SELECT (s::jsonb->>'id')::int AS id
  FROM fraiseql.stream('tv_thing', '{"id": {"lte": 8}}', '[{"field": "id"}]', chunk_size => 1) s;
SAVEPOINT first_read;
FETCH 2 FROM sp;
ROLLBACK TO first_read;
\set VERBOSITY sqlstate
FETCH 2 FROM sp;
\set VERBOSITY default
ROLLBACK TO first_read;
SELECT count(*) AS rows_after FROM tv_thing;
COMMIT;
