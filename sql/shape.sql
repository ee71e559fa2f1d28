-- The shape memo: a call whose shape this backend has translated before
-- takes that translation and converts only its own values.  Each check
-- compares what a warm backend produces for a call B, right after a call A
-- of the same shape, with a fresh translation of B (plan_cache_reset() also
-- forgets this backend's translations), and the rows with plain SQL.
CREATE TYPE shape_mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE tv_shape (id integer PRIMARY KEY, status text, mood shape_mood, data jsonb);
INSERT INTO tv_shape
SELECT i, CASE WHEN i % 3 = 0 THEN 'active' ELSE 'idle' END,
       (ARRAY['sad', 'ok', 'happy'])[i % 3 + 1]::shape_mood,
       jsonb_build_object('id', i, 'name', 'user_' || i || CASE WHEN i % 5 = 0 THEN '%' ELSE '' END,
                          'n', i % 7, 'score', i * 1.5,
                          'born', (date '2000-01-01' + i)::text,
                          'status', CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END,
                          'tags', to_jsonb(ARRAY['t' || (i % 4), 'u' || (i % 3)]),
                          'address', jsonb_build_object('city', 'c' || (i % 6)),
                          'nick', CASE WHEN i % 4 = 0 THEN NULL ELSE 'k' || i END)
FROM generate_series(1, 40) i;

-- to_sql's statement and parameters for B: after A in the same backend, or fresh
CREATE FUNCTION warm(a jsonb, b jsonb, o jsonb DEFAULT NULL, l bigint DEFAULT NULL,
                     off bigint DEFAULT NULL) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  PERFORM fraiseql.plan_cache_reset();
  PERFORM fraiseql.to_sql('tv_shape', a, o, l, off);
  SELECT * INTO r FROM fraiseql.to_sql('tv_shape', b, o, l, off);
  RETURN r.sql || '  ' || r.params::text;
END $$;
CREATE FUNCTION fresh(b jsonb, o jsonb DEFAULT NULL, l bigint DEFAULT NULL,
                      off bigint DEFAULT NULL) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  PERFORM fraiseql.plan_cache_reset();
  SELECT * INTO r FROM fraiseql.to_sql('tv_shape', b, o, l, off);
  RETURN r.sql || '  ' || r.params::text;
END $$;

-- pairs of one shape with other values, every kind of parameter
SET default_text_search_config = 'pg_catalog.english';
CREATE TABLE pairs (k serial, a jsonb, b jsonb);
INSERT INTO pairs (a, b) VALUES
  ('{"id": {"eq": 1}}', '{"id": {"eq": 7}}'),
  ('{"n": {"gte": 2, "lt": 5}}', '{"n": {"gte": 4.5, "lt": 6}}'),
  ('{"name": {"eq": "user_1"}}', '{"name": {"eq": "user_10%"}}'),
  ('{"status": {"in": ["active"]}}', '{"status": {"in": ["idle"]}}'),
  ('{"n": {"nin": [1, 2]}}', '{"n": {"nin": [3, 4]}}'),
  ('{"n": {"in": [1, 2]}}', '{"n": {"in": [3, 4, 5, 6]}}'),
  ('{"n": {"in": []}}', '{"n": {"in": [5]}}'),
  ('{"n": {"in": [5]}}', '{"n": {"in": ["5"]}}'),
  ('{"name": {"contains": "r_1"}}', '{"name": {"contains": "0%"}}'),
  ('{"name": {"startswith": "user_1"}}', '{"name": {"startsWith": "user_2"}}'),
  ('{"name": {"iendswith": "5%"}}', '{"name": {"iendswith": "\\_1"}}'),
  ('{"name": {"regex": "^user_[12]$"}}', '{"name": {"regex": "3$"}}'),
  ('{"tags": {"array_contains": ["t1"]}}', '{"tags": {"array_contains": ["u2"]}}'),
  ('{"tags": {"array_overlaps": ["t1", "t2"]}}', '{"tags": {"array_overlaps": ["u0", "x"]}}'),
  ('{"tags": {"len_eq": 2}}', '{"tags": {"len_eq": 3}}'),
  ('{"address": {"has_key": "city"}}', '{"address": {"has_key": "zip"}}'),
  ('{"address": {"city": {"eq": "c1"}}}', '{"address": {"city": {"eq": "c4"}}}'),
  ('{"born": {"gt": "2000-01-10", "type": "date"}}', '{"born": {"gt": "2000-01-30", "type": "date"}}'),
  ('{"mood": {"eq": "ok"}}', '{"mood": {"eq": "happy"}}'),
  ('{"_or": [{"n": {"eq": 1}}, {"name": {"eq": "user_2"}}]}',
   '{"_or": [{"n": {"eq": 3}}, {"name": {"eq": "user_9"}}]}'),
  ('{"_not": {"status": {"eq": "active"}}}', '{"_not": {"status": {"eq": "idle"}}}'),
  -- the conversions of issue 20's operators
  ('{"name": {"nlike": "user_1%"}}', '{"name": {"nlike": "user\\_2%"}}'),
  ('{"name": {"niregex": "^USER_1"}}', '{"name": {"niregex": "0$"}}'),
  ('{"address": {"has_all_keys": ["city"]}}', '{"address": {"has_all_keys": ["city", "zip"]}}'),
  ('{"address": {"strictly_contains": {"city": "c1"}}}', '{"address": {"strictly_contains": {"city": "c2"}}}'),
  ('{"address": {"path_exists": "$.city"}}', '{"address": {"path_exists": "$.zip ? (@ > 1)"}}'),
  ('{"address": {"path_match": "$.city == \"c1\""}}', '{"address": {"path_match": "$.city starts with \"c\""}}'),
  ('{"name": {"matches": "user"}}', '{"name": {"matches": "user & !x"}}'),
  ('{"name": {"plain_query": "user", "config": "simple"}}', '{"name": {"plain_query": "user 1", "config": "simple"}}'),
  ('{"name": {"phrase_query": "user 1"}}', '{"name": {"phrase_query": "user 2"}}'),
  ('{"name": {"websearch_query": "user -x"}}', '{"name": {"websearch_query": "\"user 3\""}}'),
  ('{"ip": {"in_subnet": "10.0.0.0/8"}}', '{"ip": {"in_subnet": "fe80::/10"}}'),
  ('{"born": {"contains_date": "2000-01-05", "type": "daterange"}}', '{"born": {"contains_date": "2000-02-05", "type": "daterange"}}'),
  ('{"span": {"overlaps": "[1,5)", "type": "int4range"}}', '{"span": {"overlaps": "(,)", "type": "int4range"}}'),
  ('{"tags": {"_some": {"eq": "t1"}}}', '{"tags": {"_some": {"eq": "u2"}}}'),
  ('{"lines": {"_every": {"n": {"gt": 1}, "s": {"matches": "apple"}}}}', '{"lines": {"_every": {"n": {"gt": 5}, "s": {"matches": "b | c"}}}}');
SELECT k, warm(a, b) = fresh(b) AS same, warm(a, b) FROM pairs ORDER BY k;
-- ltree's types: the ltree and lquery[] conversions and nlevel's integer
CREATE EXTENSION ltree;
SELECT warm('{"path": {"ancestor_of": "a.b"}}', '{"path": {"ancestor_of": "c"}}')
     = fresh('{"path": {"ancestor_of": "c"}}') AS same_ltree;
SELECT warm('{"path": {"matches_any_lquery": ["a.*"]}}', '{"path": {"matches_any_lquery": ["b.*", "*.c"]}}')
     = fresh('{"path": {"matches_any_lquery": ["b.*", "*.c"]}}') AS same_lquery_list;
SELECT warm('{"path": {"depth_gt": 1, "matches_ltxtquery": "a"}}', '{"path": {"depth_gt": 3, "matches_ltxtquery": "b & c"}}')
     = fresh('{"path": {"depth_gt": 3, "matches_ltxtquery": "b & c"}}') AS same_depth;
-- the session's text search configuration at the call, not the translation's
SELECT warm('{"name": {"matches": "users"}}', '{"name": {"matches": "users"}}');
SET default_text_search_config = 'pg_catalog.simple';
SELECT (fraiseql.to_sql('tv_shape', '{"name": {"matches": "users"}}')).params;
SET default_text_search_config = 'pg_catalog.english';
-- limit and offset
SELECT warm('{"n": {"eq": 1}}', '{"n": {"eq": 2}}', '[{"field": "id"}]', 3, 1)
     = fresh('{"n": {"eq": 2}}', '[{"field": "id"}]', 3, 1) AS same_paged;

-- the rows of B after A equal plain SQL
CREATE FUNCTION warm_rows(a jsonb, b jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE got text;
BEGIN
  PERFORM fraiseql.plan_cache_reset();
  PERFORM count(*) FROM fraiseql.stream('tv_shape', a);
  SELECT string_agg((s->>'id'), ',' ORDER BY (s->>'id')::int) INTO got
  FROM fraiseql.stream('tv_shape', b) s;
  RETURN got;
END $$;
SELECT warm_rows('{"n": {"gte": 2, "lt": 5}}', '{"n": {"gte": 4.5, "lt": 6}}')
     = (SELECT string_agg(id::text, ',' ORDER BY id) FROM tv_shape
        WHERE (data->>'n')::numeric >= 4.5 AND (data->>'n')::numeric < 6) AS same_rows;
SELECT warm_rows('{"name": {"contains": "1"}}', '{"name": {"contains": "0%"}}')
     = (SELECT string_agg(id::text, ',' ORDER BY id) FROM tv_shape
        WHERE data->>'name' LIKE '%0\%%') AS same_rows;
SELECT warm_rows('{"mood": {"eq": "ok"}}', '{"mood": {"eq": "happy"}}')
     = (SELECT string_agg(id::text, ',' ORDER BY id) FROM tv_shape WHERE mood = 'happy') AS same_rows;
SELECT warm_rows('{"tags": {"_some": {"eq": "t1"}}}', '{"tags": {"_some": {"eq": "u2"}}}')
     = (SELECT string_agg(id::text, ',' ORDER BY id) FROM tv_shape WHERE data->'tags' ? 'u2') AS same_rows;
SELECT warm_rows('{"name": {"nlike": "%1%"}}', '{"name": {"nlike": "%2%"}}')
     = (SELECT string_agg(id::text, ',' ORDER BY id) FROM tv_shape WHERE data->>'name' NOT LIKE '%2%') AS same_rows;
SELECT fraiseql.count('tv_shape', '{"n": {"eq": 1}}'), fraiseql.count('tv_shape', '{"n": {"eq": 2}}'),
       (SELECT count(*) FROM tv_shape WHERE (data->>'n')::numeric = 2) AS plain;

-- values the translation was made with (a cast, isnull's true or false) are
-- part of the shape: other such values get their own translation
SELECT warm('{"nick": {"isnull": true}}', '{"nick": {"isnull": false}}');
SELECT warm('{"n": {"eq": "3", "type": "integer"}}', '{"n": {"eq": "3", "type": "numeric"}}');
SELECT warm_rows('{"nick": {"isnull": true}}', '{"nick": {"isnull": false}}')
     = (SELECT string_agg(id::text, ',' ORDER BY id) FROM tv_shape
        WHERE data->>'nick' IS NOT NULL) AS same_rows;

-- a value that does not convert raises the same error as a fresh translation
SELECT fraiseql.plan_cache_reset();
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"tags": {"len_eq": 2}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"tags": {"len_eq": 2.5}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"born": {"gt": "2000-01-10", "type": "date"}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"born": {"gt": "not a date", "type": "date"}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"mood": {"eq": "ok"}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"mood": {"eq": "angry"}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"n": {"eq": 1}}', "limit" => 2);
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"n": {"eq": 1}}', "limit" => -2);
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"address": {"path_exists": "$.city"}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"address": {"path_exists": "$.city ? ("}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"name": {"websearch_query": "user"}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"name": {"matches": "user"}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"name": {"matches": "user &"}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"ip": {"in_subnet": "10.0.0.0/8"}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"ip": {"in_subnet": "10.0.0.0/88"}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"path": {"ancestor_of": "a"}}');
SELECT count(*) FROM fraiseql.stream('tv_shape', '{"path": {"ancestor_of": "a..b"}}');

-- EXPLAIN ANALYZE says whether the call's translation was reused
SELECT fraiseql.plan_cache_reset();
CREATE FUNCTION translation(filter jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
  FOR line IN EXECUTE format('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) '
                             'SELECT * FROM fraiseql.stream(''tv_shape'', %L)', filter) LOOP
    IF line LIKE '%Translation:%' THEN RETURN trim(line); END IF;
  END LOOP;
END $$;
SELECT translation('{"n": {"eq": 1}}'), translation('{"n": {"eq": 6}}'),
       translation('{"n": {"eq": "6"}}'), translation('{"n": {"neq": 6}}');
-- an "in" list's length is not part of the shape; its elements' kinds are
SELECT translation('{"n": {"in": [1, 2]}}'), translation('{"n": {"in": [3, 4, 5]}}'),
       translation('{"n": {"in": ["3", "4"]}}');
-- a GUC the translator reads is part of the shape
SET fraiseql.snake_case_keys = off;
SELECT translation('{"n": {"eq": 2}}');
RESET fraiseql.snake_case_keys;
-- and so is quote_all_identifiers, though here only a column's quotes change
CREATE SCHEMA "S q";
CREATE TABLE "S q"."T q" (id integer, data jsonb);
SELECT (fraiseql.to_sql('"S q"."T q"', '{"id": {"eq": 1}}')).sql;
SET quote_all_identifiers = on;
SELECT (fraiseql.to_sql('"S q"."T q"', '{"id": {"eq": 2}}')).sql;
RESET quote_all_identifiers;
DROP TABLE "S q"."T q";
DROP SCHEMA "S q";

-- DDL: a translation made before is not reused after its source changed.
-- A renamed native column: "status" now names the data key instead.
SELECT fraiseql.plan_cache_reset();
SELECT fraiseql.count('tv_shape', '{"status": {"eq": "active"}}');
ALTER TABLE tv_shape RENAME COLUMN status TO state;
SELECT fraiseql.count('tv_shape', '{"status": {"eq": "even"}}'),
       (SELECT count(*) FROM tv_shape WHERE data->>'status' = 'even') AS plain;
SELECT (fraiseql.to_sql('tv_shape', '{"status": {"eq": "even"}}')).sql;
-- two columns swap names: the statement's text is the same, and PostgreSQL
-- re-plans it for the columns the names now mean
ALTER TABLE tv_shape ADD COLUMN a integer, ADD COLUMN b integer;
UPDATE tv_shape SET a = id, b = -id;
SELECT fraiseql.count('tv_shape', '{"a": {"gt": 30}}');
ALTER TABLE tv_shape RENAME COLUMN a TO tmp;
ALTER TABLE tv_shape RENAME COLUMN b TO a;
ALTER TABLE tv_shape RENAME COLUMN tmp TO b;
SELECT fraiseql.count('tv_shape', '{"a": {"gt": 30}}'),
       (SELECT count(*) FROM tv_shape WHERE a > 30) AS plain;
-- a renamed type that a parameter is cast to
SELECT fraiseql.count('tv_shape', '{"mood": {"eq": "ok"}}');
ALTER TYPE shape_mood RENAME TO shape_feeling;
SELECT fraiseql.count('tv_shape', '{"mood": {"eq": "happy"}}'),
       (SELECT count(*) FROM tv_shape WHERE mood = 'happy') AS plain;
SELECT (fraiseql.to_sql('tv_shape', '{"mood": {"eq": "happy"}}')).sql;
-- another type created (a new table's row type) leaves the translation be;
-- the type it names renamed again does not
SELECT translation('{"mood": {"eq": "ok"}}'), translation('{"mood": {"eq": "sad"}}');
CREATE TABLE shape_other (x integer);
SELECT translation('{"mood": {"eq": "ok"}}');
ALTER TYPE shape_feeling RENAME TO shape_mood;
SELECT translation('{"mood": {"eq": "ok"}}');
DROP TABLE shape_other;
-- a view redefined with CREATE OR REPLACE VIEW
CREATE VIEW v_shape AS SELECT id, data FROM tv_shape;
SELECT fraiseql.count('v_shape', '{"id": {"lt": 10}}');
CREATE OR REPLACE VIEW v_shape AS SELECT id, jsonb_build_object('id', id) AS data
FROM tv_shape WHERE id > 5;
SELECT fraiseql.count('v_shape', '{"id": {"lt": 10}}'),
       (SELECT count(*) FROM tv_shape WHERE id > 5 AND id < 10) AS plain;
CREATE OR REPLACE VIEW v_shape AS SELECT id + 100 AS id, data FROM tv_shape;
SELECT fraiseql.count('v_shape', '{"id": {"lt": 110}}'), fraiseql.count('v_shape', '{"id": {"lt": 10}}');

DROP VIEW v_shape;
DROP FUNCTION warm, fresh, warm_rows, translation;
DROP TABLE pairs, tv_shape;
DROP TYPE shape_mood;
DROP EXTENSION ltree;
RESET default_text_search_config;
