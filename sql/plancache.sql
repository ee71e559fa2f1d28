-- The shared plan cache: hits and misses, CLOCK eviction (make test runs a
-- cluster with fraiseql.plan_cache_size = 16; the output is the same with any
-- capacity, so make installcheck works against other servers), invalidation by
-- DDL, and who may read an entry's SQL.
CREATE TABLE tv_pc (id integer PRIMARY KEY, data jsonb);
INSERT INTO tv_pc SELECT i, jsonb_build_object('id', i, 'n', i % 7, 'name', 'n' || i)
FROM generate_series(1, 50) i;

CREATE FUNCTION info() RETURNS TABLE (entries int, hits bigint, misses bigint,
                                      evictions bigint, invalidations bigint)
LANGUAGE sql AS $$ SELECT entries, hits, misses, evictions, invalidations
                   FROM fraiseql.plan_cache_info $$;

SELECT capacity > 0 AS has_capacity FROM fraiseql.plan_cache_info;
SELECT fraiseql.plan_cache_reset();
SELECT * FROM info();

-- first call of a shape: a miss; the same shape with other values: hits
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"n": {"eq": 3}}');
SELECT * FROM info();
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"n": {"eq": 4}}');
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"n": {"eq": 5.5}}');
SELECT * FROM info();
-- another shape (a string value, another operator): misses
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"n": {"eq": "3"}}');
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"n": {"gt": 3}}');
SELECT * FROM info();
-- the entries, their statistics and parameter types
SELECT sql, param_types, calls, rows, plans, data_type,
       source = 'tv_pc'::regclass AS right_source, mean_time >= 0 AS timed
FROM fraiseql.plan_cache ORDER BY sql;
-- after five custom plans PostgreSQL settles on the generic plan; the entry
-- remembers it for the backends that come later
DO $$ BEGIN FOR i IN 1..7 LOOP PERFORM count(*) FROM fraiseql.stream('tv_pc', jsonb_build_object('n', jsonb_build_object('eq', i))); END LOOP; END $$;
SELECT sql, calls, generic_plan FROM fraiseql.plan_cache WHERE sql LIKE '%numeric) = %';

-- an invalid regex or LIKE pattern is an error on every call.  A custom plan
-- tries the pattern while estimating its selectivity; the generic plan only
-- when it reaches a row, so without the check at translation a call matching
-- no row would return nothing where the same plain SQL fails.
DO $$ BEGIN FOR i IN 1..10 LOOP PERFORM count(*) FROM fraiseql.stream('tv_pc', jsonb_build_object('id', jsonb_build_object('eq', i), 'name', '{"regex": "^n"}'::jsonb)); END LOOP; END $$;
SELECT calls, generic_plan FROM fraiseql.plan_cache WHERE sql LIKE '%~ $2%';
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"id": {"eq": 0}, "name": {"regex": "(("}}');
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"id": {"eq": 0}, "name": {"iregex": "[z-a]"}}');
SELECT count(*) FROM tv_pc WHERE id = 0 AND data->>'name' ~ '((';
DO $$ BEGIN FOR i IN 1..10 LOOP PERFORM count(*) FROM fraiseql.stream('tv_pc', jsonb_build_object('id', jsonb_build_object('eq', i), 'name', '{"like": "n%"}'::jsonb)); END LOOP; END $$;
SELECT calls, generic_plan FROM fraiseql.plan_cache WHERE sql LIKE '%LIKE $2%';
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"id": {"eq": 0}, "name": {"like": "n\\"}}');
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"id": {"eq": 0}, "name": {"ilike": "%\\\\\\"}}');
SELECT 'n1' LIKE 'n\';
-- an escaped backslash at the end is a valid pattern
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"id": {"eq": 0}, "name": {"like": "n\\\\"}}');

-- a shape whose generic plan PostgreSQL misjudges (LIMIT $n is estimated at
-- 10% of the rows), so it would plan every call: after five custom-planned
-- calls the entry tries the generic plan for five calls, then keeps the
-- faster one.  Which one wins is a measurement, so only its being decided,
-- the one re-prepare for the trial and the rows are shown.
CREATE TABLE tv_gen (id integer PRIMARY KEY, k integer, data jsonb);
INSERT INTO tv_gen SELECT i, i % 10, jsonb_build_object('id', i) FROM generate_series(1, 20000) i;
CREATE INDEX ON tv_gen (k, id);
ANALYZE tv_gen;
CREATE TABLE verdicts (call int, decided bool, plans bigint, rows_ok bool);
DO $$
DECLARE
  got text;
  want text;
BEGIN
  FOR i IN 1..12 LOOP
    SELECT string_agg(s::text, ',') INTO got
    FROM fraiseql.stream('tv_gen', jsonb_build_object('k', jsonb_build_object('eq', i % 10)), '[{"field": "id"}]', 20) s;
    SELECT string_agg(data::text, ',' ORDER BY id) INTO want
    FROM (SELECT id, data FROM tv_gen WHERE k = i % 10 ORDER BY id LIMIT 20) t;
    INSERT INTO verdicts SELECT i, generic_plan IS NOT NULL, plans, got = want
    FROM fraiseql.plan_cache WHERE source = 'tv_gen'::regclass;
  END LOOP;
END $$;
-- the re-prepare for the verdict (at call 11) is there only if the custom plan won
SELECT call, decided, CASE WHEN call <= 10 THEN plans END AS plans, rows_ok
FROM verdicts ORDER BY call;

-- a custom-plan verdict is tried again after 1000 more calls.  A partial
-- index only a custom plan can use (it needs the value) leaves the generic
-- plan a sequential scan, so each trial ends with the verdict custom again.
-- Each change of mode re-prepares the shape in this backend: prepared (1),
-- trial (2), custom (3) by call 12; after 1000 custom calls the shape starts
-- afresh (4), tries again (5) and is custom again (6) by call 1022 (whether a
-- trial ends at its first generic call or after five).
CREATE TABLE tv_part (id integer PRIMARY KEY, k integer, data jsonb);
INSERT INTO tv_part SELECT i, CASE WHEN i % 100000 = 0 THEN 5 ELSE 0 END, '{}'
FROM generate_series(1, 400000) i;
CREATE INDEX ON tv_part (k) WHERE k = 5;
ANALYZE tv_part;
CREATE TABLE retrial (after_calls int, generic_plan bool, plans bigint, rows_ok bool);
DO $$
DECLARE
  c bigint;
BEGIN
  FOR i IN 1..1022 LOOP
    SELECT count(*) INTO c FROM fraiseql.stream('tv_part', '{"k": {"eq": 5}}');
    IF i IN (12, 1005, 1022) THEN
      INSERT INTO retrial SELECT i, generic_plan, plans, c = 4
      FROM fraiseql.plan_cache WHERE source = 'tv_part'::regclass;
    END IF;
  END LOOP;
END $$;
SELECT * FROM retrial ORDER BY after_calls;

-- eviction: one hot shape used between cold ones never used again, 24 more
-- cold shapes than the cache holds
SELECT fraiseql.plan_cache_reset();
CREATE TABLE cold AS SELECT capacity, capacity + 24 AS n FROM fraiseql.plan_cache_info;
CREATE TABLE capacity_seen (entries int);
DO $$
BEGIN
  PERFORM count(*) FROM fraiseql.stream('tv_pc', '{"name": {"eq": "hot"}}');
  FOR i IN 1..(SELECT n FROM cold) LOOP
    PERFORM count(*) FROM fraiseql.stream('tv_pc', jsonb_build_object('cold' || i, jsonb_build_object('eq', 1)));
    PERFORM count(*) FROM fraiseql.stream('tv_pc', '{"name": {"eq": "hot"}}');
    INSERT INTO capacity_seen SELECT entries FROM fraiseql.plan_cache_info;
  END LOOP;
END $$;
-- full but never above capacity; n + 1 misses, n hits, every miss past the
-- capacity-th evicted
SELECT max(entries) = (SELECT capacity FROM cold) AS full_never_above FROM capacity_seen;
SELECT i.entries = c.capacity AS full, i.hits = c.n AS hits, i.misses = c.n + 1 AS misses,
       i.evictions = c.n + 1 - c.capacity AS evictions, i.invalidations
FROM info() i, cold c;
-- the hot shape survived, the coldest (oldest) went, the newest cold are there
SELECT count(*) FILTER (WHERE sql LIKE '%''name''%') AS hot,
       count(*) FILTER (WHERE sql LIKE '%''cold1''%') AS cold1,
       count(*) FILTER (WHERE sql LIKE '%''cold' || (SELECT n FROM cold) || '''%') AS newest_cold
FROM fraiseql.plan_cache;
SELECT calls = (SELECT n + 1 FROM cold) AS hot_calls FROM fraiseql.plan_cache WHERE sql LIKE '%''name''%';

-- a plan this backend drops while a stream opened from it is still open is
-- freed only when the stream is done.  Each case read freed memory before;
-- the first crashed the backend with 16 entries.  More streams open at once
-- than the cache holds (the first ones' plans evicted):
CREATE FUNCTION open_at_once(n int) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  got bigint;
BEGIN
  EXECUTE 'SELECT count(*) FROM ' ||
    (SELECT string_agg(format('fraiseql.stream(''tv_pc'', %L, NULL, 1) s%s',
                              jsonb_build_object('open' || i, '{"isnull": true}'::jsonb), i), ', ')
     FROM generate_series(1, n) i) INTO got;
  RETURN got;
END $$;
SELECT open_at_once(least(capacity + 4, 24)) FROM fraiseql.plan_cache_info;
-- a new verdict (the trial after five custom calls) prepares the shape anew
-- while a stream of that shape is open
SELECT fraiseql.plan_cache_reset();
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"n": {"gte": 1}}');
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"n": {"gte": 2}}');
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"n": {"gte": 3}}');
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"n": {"gte": 4}}');
SELECT x::jsonb->>'id' AS id,
       (SELECT count(*) FROM fraiseql.stream('tv_pc', jsonb_build_object('n', jsonb_build_object('gte', (x::jsonb->>'n')::int)))) AS same_or_more,
       (SELECT count(*) FROM tv_pc WHERE (data->>'n')::int >= (x::jsonb->>'n')::int) AS plain
FROM fraiseql.stream('tv_pc', '{"n": {"gte": 6}}') x;
SELECT generic_plan IS NOT NULL AS decided FROM fraiseql.plan_cache WHERE sql LIKE '%>= $1%';
-- plan_cache_reset() drops every plan of the backend, the open stream's too
SELECT count(*), count(DISTINCT x::text) FROM fraiseql.stream('tv_pc', '{"n": {"eq": 2}}') x,
  LATERAL (SELECT fraiseql.plan_cache_reset() WHERE x IS NOT NULL) r;
-- planning a statement can call fraiseql with the same statement (here a
-- STABLE function the planner evaluates, once per outer call): the plan the
-- nested call entered is replaced, not leaked beside it (two prepared copies
-- remained before, and the LRU list was corrupted)
CREATE FUNCTION nested_bound() RETURNS int LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF current_setting('regress_fq.nested', true) = 'on' THEN
    PERFORM set_config('regress_fq.nested', 'off', false);
    PERFORM fraiseql.count('v_nested', '{"n": {"gte": 2}}');
  END IF;
  RETURN 1000;
END $$;
CREATE VIEW v_nested AS SELECT id, data FROM tv_pc WHERE id <= nested_bound();
CREATE TABLE nested_counts (call int, got bigint);
DO $$
BEGIN
  FOR i IN 1..8 LOOP
    PERFORM set_config('regress_fq.nested', 'on', false);
    INSERT INTO nested_counts SELECT i, fraiseql.count('v_nested', '{"n": {"gte": 1}}');
  END LOOP;
END $$;
SELECT count(*) AS calls, min(got), max(got),
       (SELECT count(*) FROM tv_pc WHERE (data->>'n')::int >= 1) AS plain
FROM nested_counts;
SELECT count(*) AS prepared_copies FROM pg_backend_memory_contexts
WHERE name = 'CachedPlanSource' AND ident LIKE 'SELECT count(*) FROM public.v_nested%';
SELECT fraiseql.plan_cache_reset();
SELECT count(*) AS after_reset FROM pg_backend_memory_contexts
WHERE name = 'CachedPlanSource' AND ident LIKE 'SELECT count(*) FROM public.v_nested%';
DROP VIEW v_nested;
-- a statement whose generic planning fails (user code the planner runs
-- raises) is not kept: each failing call left a prepared copy before
CREATE FUNCTION failing_bound() RETURNS int LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF current_setting('regress_fq.fail', true) = 'on' THEN
    RAISE EXCEPTION 'planning fails';
  END IF;
  RETURN 1000;
END $$;
CREATE VIEW v_failing AS SELECT id, data FROM tv_pc WHERE id <= failing_bound();
-- five custom-planned calls, then the shape's trial wants a generic plan
DO $$ BEGIN FOR i IN 1..5 LOOP PERFORM fraiseql.count('v_failing', jsonb_build_object('n', jsonb_build_object('gte', i))); END LOOP; END $$;
SELECT generic_plan IS NULL AS undecided FROM fraiseql.plan_cache WHERE sql LIKE '%v_failing%';
SET regress_fq.fail = on;
CREATE TABLE failures (call int, message text);
DO $$
BEGIN
  FOR i IN 1..3 LOOP
    BEGIN
      PERFORM fraiseql.count('v_failing', '{"n": {"gte": 1}}');
    EXCEPTION WHEN others THEN
      INSERT INTO failures VALUES (i, SQLERRM);
    END;
  END LOOP;
END $$;
RESET regress_fq.fail;
SELECT * FROM failures ORDER BY call;
SELECT count(*) AS prepared_copies FROM pg_backend_memory_contexts
WHERE name = 'CachedPlanSource' AND ident LIKE 'SELECT count(*) FROM public.v_failing%';
SELECT fraiseql.count('v_failing', '{"n": {"gte": 1}}') AS works_again;
DROP VIEW v_failing;

-- invalidation: CREATE OR REPLACE VIEW drops the source's entries, and the
-- next call sees the new definition (a stale plan would return old rows)
SELECT fraiseql.plan_cache_reset();
CREATE VIEW v_pc AS SELECT id, data FROM tv_pc WHERE id <= 10;
SELECT count(*) FROM fraiseql.stream('v_pc', '{"n": {"eq": 1}}');
SELECT count(*) FROM fraiseql.stream('v_pc', '{"n": {"eq": 1}}');
CREATE OR REPLACE VIEW v_pc AS SELECT id, data FROM tv_pc WHERE id > 10;
SELECT (SELECT count(*) FROM fraiseql.stream('v_pc', '{"n": {"eq": 1}}')) AS after_replace,
       (SELECT count(*) FROM tv_pc WHERE id > 10 AND (data->>'n')::numeric = 1) AS plain;
SELECT * FROM info();
-- a view that turns a data key into a column: a new shape, right rows
CREATE OR REPLACE VIEW v_pc AS SELECT id, data, (data->>'n')::int AS n FROM tv_pc;
SELECT sql FROM fraiseql.to_sql('v_pc', '{"n": {"eq": 1}}');
SELECT (SELECT count(*) FROM fraiseql.stream('v_pc', '{"n": {"eq": 1}}')) AS with_column,
       (SELECT count(*) FROM tv_pc WHERE (data->>'n')::int = 1) AS plain;
-- ALTER TABLE on a table source
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"id": {"lt": 5}}');
ALTER TABLE tv_pc ADD COLUMN extra int;
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"id": {"lt": 5}}');
SELECT invalidations > 0 AS invalidated FROM fraiseql.plan_cache_info;
DROP VIEW v_pc;

-- who may read an entry's SQL: its creator, superusers, pg_read_all_stats
SELECT fraiseql.plan_cache_reset();
CREATE ROLE regress_fq_alice;
CREATE ROLE regress_fq_bob;
GRANT USAGE ON SCHEMA fraiseql TO regress_fq_alice, regress_fq_bob;
GRANT SELECT ON tv_pc TO regress_fq_alice, regress_fq_bob;
SET ROLE regress_fq_alice;
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"name": {"eq": "alice"}}');
SELECT sql FROM fraiseql.plan_cache;
RESET ROLE;
SET ROLE regress_fq_bob;
SELECT count(*) FROM fraiseql.stream('tv_pc', '{"id": {"eq": 1}}');
SELECT sql FROM fraiseql.plan_cache ORDER BY sql;
SELECT fraiseql.plan_cache_reset();
RESET ROLE;
GRANT pg_read_all_stats TO regress_fq_bob;
SET ROLE regress_fq_bob;
SELECT sql FROM fraiseql.plan_cache ORDER BY sql;
RESET ROLE;
SELECT count(*) AS superuser_sees FROM fraiseql.plan_cache WHERE sql NOT LIKE '<%';
REVOKE ALL ON tv_pc FROM regress_fq_alice, regress_fq_bob;
REVOKE ALL ON SCHEMA fraiseql FROM regress_fq_alice, regress_fq_bob;
DROP ROLE regress_fq_alice;
DROP ROLE regress_fq_bob;
