-- pgTAP: fraiseql.stream() returns exactly the rows of the equivalent hand-written SQL for
-- every operator family of SPEC §3, on a fixture of edge values: JSON null, missing keys,
-- SQL NULL data, non-object roots, unicode, %, _ and \ in strings, numbers stored as
-- strings, exponents and big numbers, non-arrays where arrays are expected; ordering
-- (jsonb order, casts, NULLS, several keys, native columns) and pagination; native-column
-- filters; an early LIMIT leaves no portal open.
--
-- The expected side is written independently of the translator: strpos/left/right for
-- the LIKE family, regular expressions for like/ilike, element tests for the array
-- operators; SQL's three-valued logic decides what a missing key matches.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS fraiseql;
SELECT plan(71);

CREATE TABLE tv_edge (id int PRIMARY KEY, tenant_id int, created_at timestamptz, data jsonb);
INSERT INTO tv_edge VALUES
 (1, 1, '2024-01-01', '{"id": 1, "name": "plain", "n": 1, "s": "1", "b": true, "day": "2024-01-15",
                        "tags": ["a", "b"], "nested": {"k": "v", "deep": {"x": 1}}, "created_on": "2024-01-01"}'),
 (2, 1, '2024-01-02', '{"id": 2, "name": "with % percent", "n": 2.5, "s": "2", "b": false, "day": "2024-02-01",
                        "tags": [], "nested": {"k": null}}'),
 (3, 2, '2024-01-03', '{"id": 3, "name": "with _ underscore", "n": -3, "s": "10", "day": null,
                        "tags": ["a"], "nested": {}}'),
 (4, 2, '2024-01-04', '{"id": 4, "name": "back\\slash", "n": 0, "s": 5, "b": "true",
                        "tags": ["b", "c"], "nested": {"k": "w", "deep": {"x": 2}}}'),
 (5, 3, '2024-01-05', '{"id": 5, "name": null, "n": null, "s": null, "b": null, "tags": null, "nested": null}'),
 (6, 3, '2024-01-06', '{"id": 6}'),
 (7, NULL, '2024-01-07', '{"id": 7, "name": "Ünïcödé 東京 😀", "n": 1e3, "s": "3", "b": false, "day": "2023-12-31",
                        "tags": ["ü", "a"], "nested": {"k": "東京"}}'),
 (8, NULL, NULL, '{"id": 8, "name": "PLAIN", "n": "5", "s": "4", "b": true, "tags": "not an array",
                        "nested": "not an object", "created_on": "2024-03-01"}'),
 (9, 4, '2024-01-09', '{"id": 9, "name": "%", "n": 100000000000000000000, "tags": ["a", "b", "c"],
                        "nested": {"k": "%"}}'),
 (10, 4, '2024-01-10', '{"id": 10, "name": "", "n": -0.5, "s": "0", "b": false, "tags": [[1], {"a": 1}]}'),
 (11, 5, '2024-01-11', '[1, 2]'),
 (12, 5, '2024-01-12', 'null'),
 (13, 5, '2024-01-13', NULL);
ANALYZE tv_edge;

-- the value when it is an array / an object, else NULL (for the expected side)
CREATE FUNCTION arr(j jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN j END $$;
CREATE FUNCTION obj(j jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN jsonb_typeof(j) = 'object' THEN j END $$;

-- what stream() returns, as jsonb text in stream order
CREATE FUNCTION got(filter jsonb, order_by jsonb DEFAULT '[{"field": "id"}]',
                    lim bigint DEFAULT NULL, off bigint DEFAULT NULL) RETURNS text[]
LANGUAGE sql AS $$
  SELECT array_agg(s::jsonb::text ORDER BY n)
  FROM fraiseql.stream('tv_edge', filter, order_by, lim, off, chunk_size => 3) WITH ORDINALITY AS x(s, n)
$$;
-- what the hand-written query returns
CREATE FUNCTION want(cond text, ord text DEFAULT 'id', lim bigint DEFAULT NULL, off bigint DEFAULT NULL)
RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE result text[];
BEGIN
  EXECUTE format('SELECT array_agg(t ORDER BY r) FROM (SELECT data::text AS t, row_number() OVER (ORDER BY %s) AS r
                  FROM tv_edge WHERE %s ORDER BY %s LIMIT %s OFFSET %s) q',
                 ord, cond, ord, coalesce(lim::text, 'ALL'), coalesce(off, 0))
    INTO result;
  RETURN result;
END $$;

CREATE TEMP TABLE cases (label text, filter jsonb, cond text);
INSERT INTO cases VALUES
 -- comparison
 ('eq string with %', '{"name": {"eq": "with % percent"}}', $$data->>'name' = 'with % percent'$$),
 ('eq unicode', '{"name": {"eq": "Ünïcödé 東京 😀"}}', $$data->>'name' = 'Ünïcödé 東京 😀'$$),
 ('eq empty string', '{"name": {"eq": ""}}', $$data->>'name' = ''$$),
 ('eq backslash', '{"name": {"eq": "back\\slash"}}', $$data->>'name' = E'back\\slash'$$),
 ('neq string (missing and null excluded)', '{"name": {"neq": "plain"}}', $$data->>'name' <> 'plain'$$),
 ('eq number matches a number stored as a string', '{"n": {"eq": 5}}', $$(data->>'n')::numeric = 5$$),
 ('gt number (exponent, big number)', '{"n": {"gt": 0}}', $$(data->>'n')::numeric > 0$$),
 ('lte number (negative, -0.5)', '{"n": {"lte": 0}}', $$(data->>'n')::numeric <= 0$$),
 ('gte on strings holding numbers', '{"s": {"gte": 3}}', $$(data->>'s')::numeric >= 3$$),
 ('eq string on a number stored as a number', '{"s": {"eq": "5"}}', $$data->>'s' = '5'$$),
 ('lt string compares as text', '{"s": {"lt": "2"}}', $$data->>'s' < '2'$$),
 ('eq boolean (the string "true" casts)', '{"b": {"eq": true}}', $$(data->>'b')::boolean$$),
 ('neq boolean', '{"b": {"neq": true}}', $$NOT (data->>'b')::boolean$$),
 ('date cast', '{"day": {"gte": "2024-01-15", "type": "date"}}', $$(data->>'day')::date >= date '2024-01-15'$$),
 ('integer cast of strings', '{"s": {"eq": "10", "type": "integer"}}', $$(data->>'s')::integer = 10$$),
 ('text cast of a number', '{"n": {"eq": 1, "type": "text"}}', $$data->>'n' = '1'$$),
 -- list
 ('in strings', '{"name": {"in": ["plain", "%", ""]}}', $$data->>'name' IN ('plain', '%', '')$$),
 ('in numbers', '{"n": {"in": [1, 5, -3]}}', $$(data->>'n')::numeric IN (1, 5, -3)$$),
 ('nin strings (null excluded)', '{"name": {"nin": ["plain", "PLAIN"]}}', $$data->>'name' NOT IN ('plain', 'PLAIN')$$),
 ('notIn spelling', '{"n": {"notIn": [0, 1]}}', $$(data->>'n')::numeric NOT IN (0, 1)$$),
 -- null
 ('isnull true (JSON null, missing, non-objects, NULL data)', '{"name": {"isnull": true}}', $$data->>'name' IS NULL$$),
 ('isnull false', '{"name": {"isnull": false}}', $$data->>'name' IS NOT NULL$$),
 ('isnull on a nested key', '{"nested": {"k": {"isnull": true}}}', $$data->'nested'->>'k' IS NULL$$),
 -- string
 ('contains %', '{"name": {"contains": "%"}}', $$strpos(data->>'name', '%') > 0$$),
 ('contains _', '{"name": {"contains": "_"}}', $$strpos(data->>'name', '_') > 0$$),
 ('contains \', '{"name": {"contains": "\\"}}', $$strpos(data->>'name', E'\\') > 0$$),
 ('contains unicode', '{"name": {"contains": "東京"}}', $$strpos(data->>'name', '東京') > 0$$),
 ('startswith "with _"', '{"name": {"startswith": "with _"}}', $$left(data->>'name', 6) = 'with _'$$),
 ('endswith', '{"name": {"endswith": "slash"}}', $$right(data->>'name', 5) = 'slash'$$),
 ('icontains', '{"name": {"icontains": "LAI"}}', $$strpos(lower(data->>'name'), 'lai') > 0$$),
 ('istartswith', '{"name": {"istartswith": "WITH %"}}', $$lower(left(data->>'name', 6)) = 'with %'$$),
 ('iendswith', '{"name": {"iendswith": "PERCENT"}}', $$lower(right(data->>'name', 7)) = 'percent'$$),
 ('like is a pattern', '{"name": {"like": "with _ %"}}', $$data->>'name' ~ '^with . .*$'$$),
 ('ilike is a pattern', '{"name": {"ilike": "p%"}}', $$data->>'name' ~* '^p'$$),
 ('regex', '{"name": {"regex": "^with [%_]"}}', $$left(data->>'name', 6) IN ('with %', 'with _')$$),
 ('iregex', '{"name": {"iregex": "^plain$"}}', $$lower(data->>'name') = 'plain'$$),
 ('startsWith camelCase spelling', '{"name": {"startsWith": "%"}}', $$left(data->>'name', 1) = '%'$$),
 -- array / jsonb
 ('array_contains', '{"tags": {"array_contains": ["a"]}}',
  $$jsonb_typeof(data->'tags') = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements(arr(data->'tags')) e WHERE e = '"a"')$$),
 ('array_contains two', '{"tags": {"array_contains": ["a", "b"]}}',
  $$jsonb_typeof(data->'tags') = 'array' AND (SELECT count(DISTINCT e) FROM jsonb_array_elements(arr(data->'tags')) e WHERE e IN ('"a"', '"b"')) = 2$$),
 ('array_contained_by', '{"tags": {"array_contained_by": ["a", "b"]}}',
  $$jsonb_typeof(data->'tags') = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(arr(data->'tags')) e WHERE e NOT IN ('"a"', '"b"'))$$),
 ('array_overlaps', '{"tags": {"array_overlaps": ["c", "ü"]}}',
  $$jsonb_typeof(data->'tags') = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements(arr(data->'tags')) e WHERE e IN ('"c"', '"ü"'))$$),
 ('len_eq 0 (non-arrays excluded)', '{"tags": {"len_eq": 0}}', $$jsonb_array_length(arr(data->'tags')) = 0$$),
 ('len_gte 2', '{"tags": {"len_gte": 2}}', $$jsonb_array_length(arr(data->'tags')) >= 2$$),
 ('len_lt 2', '{"tags": {"len_lt": 2}}', $$jsonb_array_length(arr(data->'tags')) < 2$$),
 ('has_key', '{"nested": {"has_key": "k"}}',
  $$jsonb_typeof(data->'nested') = 'object' AND EXISTS (SELECT 1 FROM jsonb_object_keys(obj(data->'nested')) k WHERE k = 'k')$$),
 ('hasKey on a deeper path', '{"nested": {"deep": {"hasKey": "x"}}}',
  $$jsonb_typeof(data->'nested'->'deep') = 'object' AND EXISTS (SELECT 1 FROM jsonb_object_keys(obj(data->'nested'->'deep')) k WHERE k = 'x')$$),
 -- paths and names
 ('nested path', '{"nested": {"k": {"eq": "東京"}}}', $$data->'nested'->>'k' = '東京'$$),
 ('three-key path, number', '{"nested": {"deep": {"x": {"gt": 1}}}}', $$(data->'nested'->'deep'->>'x')::numeric > 1$$),
 ('camelCase maps to snake_case', '{"createdOn": {"gte": "2024-02-01", "type": "date"}}', $$(data->>'created_on')::date >= date '2024-02-01'$$),
 -- logic
 ('_and', '{"_and": [{"n": {"gte": 0}}, {"b": {"eq": false}}]}', $$(data->>'n')::numeric >= 0 AND NOT (data->>'b')::boolean$$),
 ('_or with a missing key', '{"_or": [{"name": {"eq": "%"}}, {"s": {"eq": "10"}}]}', $$data->>'name' = '%' OR data->>'s' = '10'$$),
 ('_not keeps NULL out', '{"_not": {"n": {"gt": 0}}}', $$NOT ((data->>'n')::numeric > 0)$$),
 ('OR / NOT spellings', '{"OR": [{"NOT": {"b": {"eq": true}}}, {"n": {"eq": 5}}]}', $$NOT (data->>'b')::boolean OR (data->>'n')::numeric = 5$$),
 ('nested logic', '{"_and": [{"_or": [{"n": {"lt": 0}}, {"n": {"gt": 2}}]}, {"_not": {"name": {"contains": "_"}}}]}',
  $$((data->>'n')::numeric < 0 OR (data->>'n')::numeric > 2) AND NOT strpos(data->>'name', '_') > 0$$),
 -- native columns
 ('native eq', '{"tenantId": {"eq": 2}}', $$tenant_id = 2$$),
 ('native in', '{"tenant_id": {"in": [1, 4]}}', $$tenant_id IN (1, 4)$$),
 ('native isnull', '{"tenantId": {"isnull": true}}', $$tenant_id IS NULL$$),
 ('native timestamptz', '{"createdAt": {"lt": "2024-01-05"}}', $$created_at < timestamptz '2024-01-05'$$),
 ('native and data together', '{"tenantId": {"gte": 3}, "name": {"isnull": false}}', $$tenant_id >= 3 AND data->>'name' IS NOT NULL$$);

SELECT is(got(filter), want(cond), label) FROM cases ORDER BY label;

-- every case selects something and leaves something out, so none is vacuous
SELECT is((SELECT count(*) FROM cases WHERE coalesce(cardinality(want(cond)), 0) IN (0, 13)), 0::bigint,
          'every filter keeps some rows and drops some');

-- ordering and pagination
SELECT is(got(NULL, '[{"field": "n"}, {"field": "id"}]'),
          want('true', $$data->'n', id$$), 'jsonb order of a key across types, missing last');
SELECT is(got(NULL, '[{"field": "n", "direction": "desc", "nulls": "first", "type": "numeric"}, {"field": "id"}]',
              NULL, NULL),
          want('true', $$(data->>'n')::numeric DESC NULLS FIRST, id$$),
          'numeric cast, DESC NULLS FIRST');
SELECT is(got('{"n": {"isnull": false}}', '[{"name": "DESC"}, {"id": "ASC"}]', 3, 2),
          want($$data->>'n' IS NOT NULL$$, $$data->'name' DESC, id ASC$$, 3, 2),
          'single-key order items, limit 3 offset 2');
SELECT is(got(NULL, '[{"field": "tenantId", "direction": "desc", "nulls": "last"}, {"field": "createdAt"}]', 5),
          want('true', 'tenant_id DESC NULLS LAST, created_at', 5), 'native columns order, limit 5');
SELECT is(got(NULL, '[{"field": "nested.deep.x", "direction": "desc"}, {"field": "id"}]', 2),
          want('true', $$data->'nested'->'deep'->'x' DESC, id$$, 2), 'dotted path order');
SELECT is(got(NULL, '[{"field": "id"}]', 0), NULL::text[], 'limit 0 returns nothing');
SELECT is(got(NULL, '[{"field": "id"}]', NULL, 100), NULL::text[], 'offset past the end returns nothing');

-- an early LIMIT closes the cursor, in both forms
SELECT is((SELECT count(*) FROM (SELECT * FROM fraiseql.stream('tv_edge', chunk_size => 2) LIMIT 1) s), 1::bigint,
          'custom scan under LIMIT 1');
SELECT is((SELECT count(*) FROM pg_cursors), 0::bigint, 'no portal left after LIMIT in FROM');
SELECT is((SELECT count(*) FROM (SELECT fraiseql.stream('tv_edge', chunk_size => 2) LIMIT 1) s), 1::bigint,
          'select-list SRF under LIMIT 1');
SELECT is((SELECT count(*) FROM pg_cursors), 0::bigint, 'no portal left after LIMIT in the select list');

SELECT * FROM finish();
ROLLBACK;
