-- pgTAP: fraiseql.stream() returns exactly the rows of the equivalent hand-written SQL for
-- every operator family of SPEC §3 (comparison, list, null, string, array/jsonb, "type"
-- casts, nested paths, snake_case mapping, _and/_or/_not and their spellings, empty
-- filters, native columns typed by the column), on a fixture of edge values: JSON null,
-- missing keys, SQL NULL data, non-object roots, unicode, %, _, \, quotes and control
-- characters in strings, numbers stored as strings, exponents and big numbers, non-arrays
-- where arrays are expected, uuids in mixed case, timestamps with zones.  Then ordering
-- (SPEC §4: jsonb order of a key across types, casts, directions, NULLS placement, several
-- keys, dotted paths, native columns, single-key items) with limit/offset across chunk
-- boundaries, the select-list form of stream(), the errors hand-written SQL would raise,
-- and that an early LIMIT leaves no portal open.
--
-- The expected side is hand-written SQL over the fixture, written independently of the
-- translator where it can be: strpos/left/right/lower for the LIKE family, element and key
-- tests for the jsonb operators, lower() for uuids; literal id lists pin the jsonb order.
-- SQL's three-valued logic decides what a missing key, a JSON null or a NULL row matches.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS fraiseql;
SELECT plan(169);

SET LOCAL timezone = 'UTC';

-- native columns besides data: int, timestamptz, uuid, text, a camelCase column, jsonb
CREATE TABLE tv_edge (id int PRIMARY KEY, tenant_id int, created_at timestamptz, uid uuid, code text,
                      "extRef" text, labels jsonb, data jsonb);
INSERT INTO tv_edge (id, tenant_id, created_at, data) VALUES
 (1, 1, '2024-01-01', '{"id": 1, "name": "plain", "n": 1, "s": "1", "b": true, "day": "2024-01-15",
                        "tags": ["a", "b"], "nested": {"k": "v", "deep": {"x": 1}, "tenant_id": 2},
                        "created_on": "2024-01-01", "tenant_id": 2, "user_id": 1,
                        "ref": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "at": "2024-01-01T00:00:00Z"}'),
 (2, 1, '2024-01-02', '{"id": 2, "name": "with % percent", "n": 2.5, "s": "2", "b": false, "day": "2024-02-01",
                        "tags": [], "nested": {"k": null}, "ref": "6BA7B810-9DAD-11D1-80B4-00C04FD430C8",
                        "at": "2024-01-01T01:00:00+02:00"}'),
 (3, 2, '2024-01-03', '{"id": 3, "name": "with _ underscore", "n": -3, "s": "10", "day": null,
                        "tags": ["a"], "nested": {}, "createdOn": "2025-01-01", "user_id": "3",
                        "ref": "00000000-0000-0000-0000-000000000000"}'),
 (4, 2, '2024-01-04', '{"id": 4, "name": "back\\slash", "n": 0, "s": 5, "b": "true",
                        "tags": ["b", "c"], "nested": {"k": "w", "deep": {"x": 2}}}'),
 (5, 3, '2024-01-05', '{"id": 5, "name": null, "n": null, "s": null, "b": null, "tags": null, "nested": null,
                        "ref": null}'),
 (6, 3, '2024-01-06', '{"id": 6}'),
 (7, NULL, '2024-01-07', '{"id": 7, "name": "Ünïcödé 東京 😀", "n": 1e3, "s": "3", "b": false, "day": "2023-12-31",
                        "tags": ["ü", "a"], "nested": {"k": "東京"}, "at": "2024-06-01 12:00"}'),
 (8, NULL, NULL, '{"id": 8, "name": "PLAIN", "n": "5", "s": "4", "b": true, "tags": "not an array",
                        "nested": "not an object", "created_on": "2024-03-01"}'),
 (9, 4, '2024-01-09', '{"id": 9, "name": "%", "n": 100000000000000000000, "tags": ["a", "b", "c"],
                        "nested": {"k": "%"}}'),
 (10, 4, '2024-01-10', '{"id": 10, "name": "", "n": -0.5, "s": "0", "b": false, "tags": [[1], {"a": 1}]}'),
 (11, 5, '2024-01-11', '[1, 2]'),
 (12, 5, '2024-01-12', 'null'),
 (13, 5, '2024-01-13', NULL),
 (14, 6, '2024-01-14', '{"id": 14, "name": "quote\" nl\n tab\t", "n": "1e2", "s": " 7 ", "b": "f",
                        "tags": ["a", null, 1], "nested": {"k": ["v"]}}');
UPDATE tv_edge SET uid = v.uid, code = v.code, "extRef" = v.ext, labels = v.labels
FROM (VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, 'A_1', 'r1', '["x"]'::jsonb),
             (2, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', 'A%2', 'r2', '["x", "y"]'),
             (3, NULL, 'AB3', NULL, '[]'),
             (4, 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a14', E'a\\4', 'r1', NULL),
             (5, 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a15', NULL, 'r3', '"x"'),
             (7, 'c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a17', 'Ü東', NULL, '{"x": 1}'),
             (9, 'c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a19', '', 'R1', '["y"]')) v(id, uid, code, ext, labels)
WHERE tv_edge.id = v.id;
ANALYZE tv_edge;

-- the value when it is an array / an object, else NULL (for the expected side)
CREATE FUNCTION arr(j jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN j END $$;
CREATE FUNCTION obj(j jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN jsonb_typeof(j) = 'object' THEN j END $$;
-- true iff j is an array with an element equal to one of elems
CREATE FUNCTION has_elem(j jsonb, VARIADIC elems jsonb[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS
  $$ SELECT EXISTS (SELECT 1 FROM jsonb_array_elements(arr(j)) e WHERE e = ANY(elems)) $$;
-- true iff j is an object with one of keys
CREATE FUNCTION has_any_key(j jsonb, VARIADIC keys text[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS
  $$ SELECT EXISTS (SELECT 1 FROM jsonb_object_keys(obj(j)) k WHERE k = ANY(keys)) $$;

-- the query text of a stream: in FROM (the custom scan) or in the select list (ProjectSet)
CREATE FUNCTION stream_sql(filter jsonb, order_by jsonb DEFAULT NULL, lim bigint DEFAULT NULL,
                           off bigint DEFAULT NULL, in_from boolean DEFAULT true) RETURNS text
LANGUAGE sql AS $$
  SELECT CASE WHEN in_from
    THEN format('SELECT s::jsonb::text FROM fraiseql.stream(%L, %L::jsonb, %L::jsonb, %s, %s, chunk_size => 2) AS s',
                'tv_edge', filter, order_by, coalesce(lim::text, 'NULL'), coalesce(off::text, 'NULL'))
    ELSE format('SELECT s::jsonb::text FROM (SELECT fraiseql.stream(%L, %L::jsonb, %L::jsonb, %s, %s, chunk_size => 3) AS s) q',
                'tv_edge', filter, order_by, coalesce(lim::text, 'NULL'), coalesce(off::text, 'NULL'))
  END
$$;
-- the hand-written query
CREATE FUNCTION plain_sql(cond text, ord text DEFAULT NULL, lim bigint DEFAULT NULL, off bigint DEFAULT NULL)
RETURNS text LANGUAGE sql AS $$
  SELECT format('SELECT data::text FROM tv_edge WHERE %s', cond)
         || CASE WHEN ord IS NOT NULL THEN ' ORDER BY ' || ord ELSE '' END
         || format(' LIMIT %s OFFSET %s', coalesce(lim::text, 'ALL'), coalesce(off, 0))
$$;
-- rows of a query as text, in its order / sorted
CREATE FUNCTION rows_of(q text, sorted boolean) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE result text[];
BEGIN
  IF sorted THEN
    EXECUTE format('SELECT array_agg(t ORDER BY t NULLS FIRST) FROM (%s) q(t)', q) INTO result;
  ELSE
    EXECUTE format('SELECT array_agg(t) FROM (%s) q(t)', q) INTO result;
  END IF;
  RETURN result;
END $$;
-- the ids (matched back through data) of a stream, in stream order
CREATE FUNCTION ids_of(order_by jsonb, lim bigint DEFAULT NULL, off bigint DEFAULT NULL) RETURNS int[]
LANGUAGE sql AS $$
  SELECT array_agg(t.id ORDER BY x.n)
  FROM fraiseql.stream('tv_edge', NULL, order_by, lim, off, chunk_size => 2) WITH ORDINALITY AS x(s, n)
  JOIN tv_edge t ON t.data IS NOT DISTINCT FROM x.s::jsonb
$$;

------------------------------------------------------------------------------------------
-- filters: one row per case; trivial cases keep all rows or none on purpose
CREATE TEMP TABLE cases (label text, filter jsonb, cond text, trivial boolean DEFAULT false);
INSERT INTO cases (label, filter, cond) VALUES
 -- comparison: a string compares as text, a number as numeric, a boolean as boolean
 ('eq string with %', '{"name": {"eq": "with % percent"}}', $$data->>'name' = 'with % percent'$$),
 ('eq unicode', '{"name": {"eq": "Ünïcödé 東京 😀"}}', $$data->>'name' = 'Ünïcödé 東京 😀'$$),
 ('eq empty string', '{"name": {"eq": ""}}', $$data->>'name' = ''$$),
 ('eq backslash', '{"name": {"eq": "back\\slash"}}', $$data->>'name' = E'back\\slash'$$),
 ('eq quote, newline, tab', '{"name": {"eq": "quote\" nl\n tab\t"}}', $$data->>'name' = E'quote" nl\n tab\t'$$),
 ('neq string (missing and null excluded)', '{"name": {"neq": "plain"}}', $$data->>'name' <> 'plain'$$),
 ('eq number matches a number stored as a string', '{"n": {"eq": 5}}', $$(data->>'n')::numeric = 5$$),
 ('eq number matches 1e3 stored as a number', '{"n": {"eq": 1000}}', $$id = 7$$),
 ('eq number matches "1e2" stored as a string', '{"n": {"eq": 100}}', $$id = 14$$),
 ('eq big number exactly', '{"n": {"eq": 100000000000000000000}}', $$(data->>'n')::numeric = 100000000000000000000$$),
 ('gt number (exponent, big number)', '{"n": {"gt": 0}}', $$(data->>'n')::numeric > 0$$),
 ('lte number (negative, -0.5)', '{"n": {"lte": 0}}', $$(data->>'n')::numeric <= 0$$),
 ('lt decimal', '{"n": {"lt": -0.5}}', $$(data->>'n')::numeric < -0.5$$),
 ('gt and lt on one field', '{"n": {"gt": 1, "lt": 1000}}', $$(data->>'n')::numeric > 1 AND (data->>'n')::numeric < 1000$$),
 ('gte on strings holding numbers', '{"s": {"gte": 3}}', $$(data->>'s')::numeric >= 3$$),
 ('eq string on a number stored as a number', '{"s": {"eq": "5"}}', $$data->>'s' = '5'$$),
 ('lt string compares as text', '{"s": {"lt": "2"}}', $$data->>'s' < '2'$$),
 ('eq boolean (the string "true" casts)', '{"b": {"eq": true}}', $$(data->>'b')::boolean$$),
 ('neq boolean (the string "f" casts)', '{"b": {"neq": true}}', $$NOT (data->>'b')::boolean$$),
 ('gt boolean', '{"b": {"gt": false}}', $$(data->>'b')::boolean IS TRUE$$),
 -- "type" casts both sides
 ('date cast', '{"day": {"gte": "2024-01-15", "type": "date"}}', $$(data->>'day')::date >= date '2024-01-15'$$),
 ('integer cast of strings', '{"s": {"eq": "10", "type": "integer"}}', $$(data->>'s')::integer = 10$$),
 ('bigint cast (" 7 " casts)', '{"s": {"gte": 4, "type": "bigint"}}', $$(data->>'s')::bigint >= 4$$),
 ('numeric cast of a string value', '{"n": {"gt": "1.50", "type": "numeric"}}', $$(data->>'n')::numeric > 1.5$$),
 ('text cast of a number', '{"n": {"eq": 1, "type": "text"}}', $$data->>'n' = '1'$$),
 ('boolean cast of "yes"', '{"b": {"eq": "yes", "type": "boolean"}}', $$(data->>'b')::boolean = true$$),
 ('timestamptz cast honours the zones', '{"at": {"lt": "2024-01-01T00:00:00Z", "type": "timestamptz"}}', $$id = 2$$),
 ('timestamp cast drops the zones', '{"at": {"gte": "2024-01-01 01:00", "type": "timestamp"}}', $$id IN (2, 7)$$),
 ('uuid cast ignores case', '{"ref": {"eq": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "type": "uuid"}}',
  $$lower(data->>'ref') = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'$$),
 ('the same uuid without a cast is text', '{"ref": {"eq": "6ba7b810-9dad-11d1-80b4-00c04fd430c8"}}',
  $$data->>'ref' = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'$$),
 ('in with a date cast', '{"day": {"in": ["2024-01-15", "2023-12-31"], "type": "date"}}',
  $$(data->>'day')::date IN (date '2024-01-15', date '2023-12-31')$$),
 -- list
 ('in strings', '{"name": {"in": ["plain", "%", ""]}}', $$data->>'name' IN ('plain', '%', '')$$),
 ('in one string', '{"name": {"in": ["with _ underscore"]}}', $$data->>'name' = 'with _ underscore'$$),
 ('in numbers (string "5" casts)', '{"n": {"in": [1, 5, -3]}}', $$(data->>'n')::numeric IN (1, 5, -3)$$),
 ('nin strings (null excluded)', '{"name": {"nin": ["plain", "PLAIN"]}}', $$data->>'name' NOT IN ('plain', 'PLAIN')$$),
 ('notIn spelling', '{"n": {"notIn": [0, 1]}}', $$(data->>'n')::numeric NOT IN (0, 1)$$),
 -- null
 ('isnull true (JSON null, missing, non-objects, NULL data)', '{"name": {"isnull": true}}', $$data->>'name' IS NULL$$),
 ('isnull false', '{"name": {"isnull": false}}', $$data->>'name' IS NOT NULL$$),
 ('isNull spelling', '{"b": {"isNull": true}}', $$data->>'b' IS NULL$$),
 ('isnull on a nested key', '{"nested": {"k": {"isnull": true}}}', $$data->'nested'->>'k' IS NULL$$),
 -- string: contains/startswith/endswith escape %, _ and \ of the value
 ('contains %', '{"name": {"contains": "%"}}', $$strpos(data->>'name', '%') > 0$$),
 ('contains _', '{"name": {"contains": "_"}}', $$strpos(data->>'name', '_') > 0$$),
 ('contains \', '{"name": {"contains": "\\"}}', $$strpos(data->>'name', E'\\') > 0$$),
 ('contains unicode', '{"name": {"contains": "東京"}}', $$strpos(data->>'name', '東京') > 0$$),
 ('contains quote and newline', '{"name": {"contains": "\" nl\n"}}', $$strpos(data->>'name', E'" nl\n') > 0$$),
 ('contains empty string (every string)', '{"name": {"contains": ""}}', $$data->>'name' IS NOT NULL$$),
 ('startswith "with _"', '{"name": {"startswith": "with _"}}', $$left(data->>'name', 6) = 'with _'$$),
 ('startsWith %', '{"name": {"startsWith": "%"}}', $$left(data->>'name', 1) = '%'$$),
 ('starts_with spelling', '{"name": {"starts_with": "with"}}', $$left(data->>'name', 4) = 'with'$$),
 ('endswith', '{"name": {"endswith": "slash"}}', $$right(data->>'name', 5) = 'slash'$$),
 ('endswith %', '{"name": {"endswith": "%"}}', $$right(data->>'name', 1) = '%'$$),
 ('icontains', '{"name": {"icontains": "LAI"}}', $$strpos(lower(data->>'name'), 'lai') > 0$$),
 ('icontains unicode', '{"name": {"icontains": "üNÏ"}}', $$strpos(lower(data->>'name'), 'ünï') > 0$$),
 ('istartswith', '{"name": {"istartswith": "WITH %"}}', $$lower(left(data->>'name', 6)) = 'with %'$$),
 ('iendswith', '{"name": {"iendswith": "PERCENT"}}', $$lower(right(data->>'name', 7)) = 'percent'$$),
 -- like/ilike take a pattern; regex/iregex a regular expression
 ('like is a pattern', '{"name": {"like": "with _ %"}}', $$data->>'name' ~ '^with . .*$'$$),
 ('like \% is a literal %', '{"name": {"like": "\\%"}}', $$data->>'name' = '%'$$),
 ('like \\ is a literal \', '{"name": {"like": "back\\\\%"}}', $$left(data->>'name', 5) = E'back\\'$$),
 ('ilike is a pattern', '{"name": {"ilike": "p%"}}', $$data->>'name' ~* '^p'$$),
 ('ilike unicode', '{"name": {"ilike": "üNÏ%"}}', $$lower(left(data->>'name', 3)) = 'ünï'$$),
 ('regex', '{"name": {"regex": "^with [%_]"}}', $$left(data->>'name', 6) IN ('with %', 'with _')$$),
 ('regex unicode', '{"name": {"regex": "東京 .$"}}', $$right(data->>'name', 4) = '東京 😀'$$),
 ('iregex', '{"name": {"iregex": "^plain$"}}', $$lower(data->>'name') = 'plain'$$),
 ('iregex unicode', '{"name": {"iregex": "^ü"}}', $$lower(left(data->>'name', 1)) = 'ü'$$),
 -- array / jsonb: @>, <@, ?|, jsonb_array_length, ?
 ('array_contains', '{"tags": {"array_contains": ["a"]}}', $$has_elem(data->'tags', '"a"')$$),
 ('array_contains two', '{"tags": {"array_contains": ["a", "b"]}}',
  $$has_elem(data->'tags', '"a"') AND has_elem(data->'tags', '"b"')$$),
 ('arrayContains a scalar', '{"tags": {"arrayContains": "a"}}', $$has_elem(data->'tags', '"a"')$$),
 ('array_contains a JSON null element', '{"tags": {"array_contains": [null]}}', $$has_elem(data->'tags', 'null')$$),
 ('array_contains on a scalar value (@>)', '{"tags": {"array_contains": "not an array"}}',
  $$data->'tags' = '"not an array"'$$),
 ('array_contains an object (@>)', '{"nested": {"array_contains": {"k": "v"}}}',
  $$obj(data->'nested')->'k' = '"v"'$$),
 ('array_contained_by', '{"tags": {"array_contained_by": ["a", "b"]}}',
  $$jsonb_typeof(data->'tags') = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(arr(data->'tags')) e WHERE e NOT IN ('"a"', '"b"'))$$),
 ('array_contained_by takes a scalar in (<@)', '{"tags": {"array_contained_by": ["not an array", "a"]}}',
  $$(jsonb_typeof(data->'tags') = 'array'
     AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(arr(data->'tags')) e WHERE e NOT IN ('"not an array"', '"a"')))
    OR data->'tags' IN ('"not an array"', '"a"')$$),
 ('array_overlaps', '{"tags": {"array_overlaps": ["c", "ü"]}}', $$has_elem(data->'tags', '"c"', '"ü"')$$),
 ('array_overlaps on a scalar string (?|)', '{"tags": {"array_overlaps": ["not an array", "zz"]}}',
  $$data->'tags' = '"not an array"'$$),
 ('array_overlaps on an object tests keys (?|)', '{"nested": {"array_overlaps": ["deep", "zz"]}}',
  $$has_any_key(data->'nested', 'deep', 'zz')$$),
 ('len_eq 0 (non-arrays excluded)', '{"tags": {"len_eq": 0}}', $$jsonb_array_length(arr(data->'tags')) = 0$$),
 ('lenGt spelling', '{"tags": {"lenGt": 1}}', $$jsonb_array_length(arr(data->'tags')) > 1$$),
 ('len_gte 2', '{"tags": {"len_gte": 2}}', $$jsonb_array_length(arr(data->'tags')) >= 2$$),
 ('len_lt 2', '{"tags": {"len_lt": 2}}', $$jsonb_array_length(arr(data->'tags')) < 2$$),
 ('len_lte 1', '{"tags": {"len_lte": 1}}', $$jsonb_array_length(arr(data->'tags')) <= 1$$),
 ('len_gt and len_lte together', '{"tags": {"len_gt": 0, "len_lte": 2}}',
  $$jsonb_array_length(arr(data->'tags')) BETWEEN 1 AND 2$$),
 ('has_key', '{"nested": {"has_key": "k"}}', $$has_any_key(data->'nested', 'k')$$),
 ('hasKey on a deeper path', '{"nested": {"deep": {"hasKey": "x"}}}', $$has_any_key(data->'nested'->'deep', 'x')$$),
 ('has_key on an array tests string elements (?)', '{"tags": {"has_key": "a"}}', $$has_elem(data->'tags', '"a"')$$),
 -- paths and names
 ('nested path', '{"nested": {"k": {"eq": "東京"}}}', $$data->'nested'->>'k' = '東京'$$),
 ('nested value that is an array, as text', '{"nested": {"k": {"eq": "[\"v\"]"}}}', $$id = 14$$),
 ('three-key path, number', '{"nested": {"deep": {"x": {"gt": 1}}}}', $$(data->'nested'->'deep'->>'x')::numeric > 1$$),
 ('camelCase maps to snake_case', '{"createdOn": {"gte": "2024-02-01", "type": "date"}}',
  $$(data->>'created_on')::date >= date '2024-02-01'$$),
 ('userID maps to user_id ("3" casts)', '{"userID": {"eq": 3}}', $$(data->>'user_id')::numeric = 3$$),
 ('a nested key named like a column is a key', '{"nested": {"tenantId": {"eq": 2}}}',
  $$(data->'nested'->>'tenant_id')::numeric = 2$$),
 -- logic
 ('two fields are ANDed', '{"n": {"gte": 0}, "b": {"eq": false}}', $$(data->>'n')::numeric >= 0 AND NOT (data->>'b')::boolean$$),
 ('_and', '{"_and": [{"n": {"gte": 0}}, {"b": {"eq": false}}]}', $$(data->>'n')::numeric >= 0 AND NOT (data->>'b')::boolean$$),
 ('_or with a missing key', '{"_or": [{"name": {"eq": "%"}}, {"s": {"eq": "10"}}]}', $$data->>'name' = '%' OR data->>'s' = '10'$$),
 ('_not keeps NULL out', '{"_not": {"n": {"gt": 0}}}', $$NOT ((data->>'n')::numeric > 0)$$),
 ('OR / NOT spellings', '{"OR": [{"NOT": {"b": {"eq": true}}}, {"n": {"eq": 5}}]}', $$NOT (data->>'b')::boolean OR (data->>'n')::numeric = 5$$),
 ('AND / NOT spellings', '{"AND": [{"n": {"gte": 0}}], "NOT": {"b": {"eq": true}}}', $$(data->>'n')::numeric >= 0 AND NOT (data->>'b')::boolean$$),
 ('nested logic', '{"_and": [{"_or": [{"n": {"lt": 0}}, {"n": {"gt": 2}}]}, {"_not": {"name": {"contains": "_"}}}]}',
  $$((data->>'n')::numeric < 0 OR (data->>'n')::numeric > 2) AND NOT strpos(data->>'name', '_') > 0$$),
 ('_or inside a nested path', '{"nested": {"_or": [{"k": {"eq": "v"}}, {"deep": {"x": {"gte": 2}}}]}}',
  $$data->'nested'->>'k' = 'v' OR (data->'nested'->'deep'->>'x')::numeric >= 2$$),
 -- native columns: typed by the column; the column wins over a data key of that name
 ('native eq (not the data key tenant_id)', '{"tenantId": {"eq": 2}}', $$tenant_id = 2$$),
 ('native in, string values typed as integer', '{"tenant_id": {"in": ["01", "4"]}}', $$tenant_id IN (1, 4)$$),
 ('native nin (NULL excluded)', '{"tenantId": {"nin": [1, 5]}}', $$tenant_id NOT IN (1, 5)$$),
 ('native isnull', '{"tenantId": {"isnull": true}}', $$tenant_id IS NULL$$),
 ('native timestamptz lt', '{"createdAt": {"lt": "2024-01-05"}}', $$created_at < timestamptz '2024-01-05 00:00+00'$$),
 ('native timestamptz eq in another zone', '{"createdAt": {"eq": "2024-01-02T02:00:00+02:00"}}', $$id = 2$$),
 ('native uuid eq in upper case', '{"uid": {"eq": "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"}}', $$id = 1$$),
 ('native uuid in', '{"uid": {"in": ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12", "c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a19"]}}', $$id IN (2, 9)$$),
 ('native uuid isnull false', '{"uid": {"isnull": false}}', $$uid IS NOT NULL$$),
 ('native text startswith escapes _', '{"code": {"startswith": "A_"}}', $$left(code, 2) = 'A_'$$),
 ('native text contains \', '{"code": {"contains": "\\"}}', $$strpos(code, E'\\') > 0$$),
 ('native text eq empty', '{"code": {"eq": ""}}', $$code = ''$$),
 ('native text iregex unicode', '{"code": {"iregex": "^ü"}}', $$lower(left(code, 1)) = 'ü'$$),
 ('native integer startswith compares column::text', '{"tenantId": {"startswith": "1"}}', $$left(tenant_id::text, 1) = '1'$$),
 ('native camelCase column as written', '{"extRef": {"eq": "r1"}}', $$"extRef" = 'r1'$$),
 ('native jsonb array_contains', '{"labels": {"array_contains": ["x"]}}', $$has_elem(labels, '"x"')$$),
 ('native jsonb has_key', '{"labels": {"has_key": "x"}}', $$labels ? 'x'$$),
 ('native jsonb len_gte', '{"labels": {"len_gte": 1}}', $$jsonb_array_length(arr(labels)) >= 1$$),
 ('native and data together', '{"tenantId": {"gte": 3}, "name": {"isnull": false}}', $$tenant_id >= 3 AND data->>'name' IS NOT NULL$$),
 ('native inside _or with data', '{"_or": [{"uid": {"isnull": true}}, {"b": {"eq": true}}]}', $$uid IS NULL OR (data->>'b')::boolean$$);
INSERT INTO cases (label, filter, cond, trivial) VALUES
 ('empty filter', '{}', 'true', true),
 ('NULL filter', NULL, 'true', true),
 ('empty nested path', '{"nested": {}}', 'true', true),
 ('_and: [] is true', '{"_and": []}', 'true', true),
 ('_or: [] is false', '{"_or": []}', 'false', true),
 ('in: [] matches nothing', '{"name": {"in": []}}', 'false', true),
 ('nin: [] matches everything (even a NULL row)', '{"name": {"nin": []}}', 'true', true);

-- each case: the custom scan (stream in FROM, no order) against the hand-written query
SELECT bag_eq(stream_sql(filter), plain_sql(cond), label) FROM cases ORDER BY label;

-- every non-trivial case keeps some rows and drops some, so none is vacuous
SELECT is(array_agg(label ORDER BY label), NULL,
          'every non-trivial filter keeps some rows and drops some')
FROM cases
WHERE NOT trivial
  AND coalesce(cardinality(rows_of(plain_sql(cond), true)), 0) IN (0, (SELECT count(*) FROM tv_edge));

-- the select-list form (ProjectSet), with an order, agrees on every case
SELECT is(array_agg(label ORDER BY label), NULL, 'stream() in the select list, ordered by id: every case agrees')
FROM cases
WHERE rows_of(stream_sql(filter, '[{"field": "id"}]', in_from => false), false)
      IS DISTINCT FROM rows_of(plain_sql(cond, 'id'), false);

-- snake_case_keys = off: names are storage keys as written; columns still match
SET LOCAL fraiseql.snake_case_keys = off;
SELECT bag_eq(stream_sql('{"createdOn": {"isnull": false}}'), plain_sql($$data ? 'createdOn'$$),
              'snake_case_keys off: createdOn is the key createdOn');
SELECT bag_eq(stream_sql('{"tenant_id": {"eq": 2}}'), plain_sql('tenant_id = 2'),
              'snake_case_keys off: tenant_id is still the column');
SET LOCAL fraiseql.snake_case_keys = on;

-- stored values that do not cast raise the cast's error, as the hand-written SQL does
SELECT throws_ok(stream_sql('{"name": {"gt": 1}}'), '22P02', NULL, 'a number filter on non-numeric strings: 22P02');
SELECT throws_ok(plain_sql($$(data->>'name')::numeric > 1$$), '22P02', NULL, '... as the hand-written query');
SELECT throws_ok(stream_sql('{"n": {"gt": 1, "type": "bigint"}}'), '22P02', NULL, 'a bigint cast of 2.5: 22P02');

------------------------------------------------------------------------------------------
-- ordering and pagination: stream order against ORDER BY ... LIMIT ... OFFSET, row by row
CREATE TEMP TABLE orders (label text, order_by jsonb, ord text, filter jsonb, cond text, lim bigint, off bigint);
INSERT INTO orders VALUES
 ('jsonb order of a key across types, missing last', '[{"field": "n"}, {"field": "id"}]',
  $$data->'n', id$$, NULL, 'true', NULL, NULL),
 ('desc puts missing first', '[{"field": "n", "direction": "desc"}, {"field": "id"}]',
  $$data->'n' DESC, id$$, NULL, 'true', NULL, NULL),
 ('asc nulls first', '[{"field": "n", "nulls": "first"}, {"field": "id"}]',
  $$data->'n' NULLS FIRST, id$$, NULL, 'true', NULL, NULL),
 ('booleans, strings, JSON null: desc nulls last, id desc', '[{"field": "b", "direction": "desc", "nulls": "last"}, {"field": "id", "direction": "desc"}]',
  $$data->'b' DESC NULLS LAST, id DESC$$, NULL, 'true', NULL, NULL),
 ('numeric cast, desc nulls first', '[{"field": "n", "direction": "desc", "nulls": "first", "type": "numeric"}, {"field": "id"}]',
  $$(data->>'n')::numeric DESC NULLS FIRST, id$$, NULL, 'true', NULL, NULL),
 ('upper-case direction and nulls', '[{"field": "n", "direction": "DESC", "nulls": "LAST", "type": "numeric"}, {"field": "id"}]',
  $$(data->>'n')::numeric DESC NULLS LAST, id$$, NULL, 'true', NULL, NULL),
 ('integer cast of strings with spaces', '[{"field": "s", "type": "integer", "direction": "desc", "nulls": "last"}, {"field": "id"}]',
  $$(data->>'s')::integer DESC NULLS LAST, id$$, NULL, 'true', NULL, NULL),
 ('text cast orders numbers as text', '[{"field": "s", "type": "text"}, {"field": "id"}]',
  $$data->>'s', id$$, NULL, 'true', NULL, NULL),
 ('date cast desc (JSON null and missing first)', '[{"field": "day", "type": "date", "direction": "desc"}, {"field": "id"}]',
  $$(data->>'day')::date DESC, id$$, NULL, 'true', NULL, NULL),
 ('unicode and empty strings in jsonb order', '[{"name": "asc"}, {"id": "desc"}]',
  $$data->'name', id DESC$$, NULL, 'true', NULL, NULL),
 ('single-key items, filter, limit 3 offset 2', '[{"name": "DESC"}, {"id": "ASC"}]',
  $$data->'name' DESC, id ASC$$, '{"n": {"isnull": false}}', $$data->>'n' IS NOT NULL$$, 3, 2),
 ('camelCase order field', '[{"field": "createdOn"}, {"field": "id"}]',
  $$data->'created_on', id$$, NULL, 'true', NULL, NULL),
 ('dotted path, limit 2', '[{"field": "nested.deep.x", "direction": "desc"}, {"field": "id"}]',
  $$data->'nested'->'deep'->'x' DESC, id$$, NULL, 'true', 2, NULL),
 ('dotted path to mixed values', '[{"field": "nested.k"}, {"field": "id"}]',
  $$data->'nested'->'k', id$$, NULL, 'true', NULL, NULL),
 ('native columns desc nulls last, limit 5', '[{"field": "tenantId", "direction": "desc", "nulls": "last"}, {"field": "createdAt"}]',
  'tenant_id DESC NULLS LAST, created_at', NULL, 'true', 5, NULL),
 ('native desc (NULLs first), limit 4 offset 3 across chunks', '[{"tenantId": "desc"}, {"createdAt": "asc"}]',
  'tenant_id DESC, created_at ASC', NULL, 'true', 4, 3),
 ('native uuid desc', '[{"field": "uid", "direction": "desc"}, {"field": "id"}]',
  'uid DESC, id', NULL, 'true', NULL, NULL),
 ('native camelCase column', '[{"field": "extRef"}, {"field": "id"}]',
  '"extRef", id', NULL, 'true', NULL, NULL),
 ('data key then native column', '[{"field": "b"}, {"field": "tenantId", "direction": "desc", "nulls": "last"}, {"field": "id"}]',
  $$data->'b', tenant_id DESC NULLS LAST, id$$, NULL, 'true', NULL, NULL),
 ('a single item without the array, limit 3', '{"field": "id", "direction": "desc"}',
  'id DESC', NULL, 'true', 3, NULL),
 ('filter, order, limit 2 offset 1', '[{"field": "name"}, {"field": "id"}]',
  $$data->'name', id$$, '{"tags": {"len_gte": 1}}', $$jsonb_array_length(arr(data->'tags')) >= 1$$, 2, 1),
 ('offset only', '[{"field": "id"}]', 'id', NULL, 'true', NULL, 11),
 ('limit past the end', '[{"field": "id"}]', 'id', NULL, 'true', 100, 10),
 ('limit and offset 0', '[{"field": "id"}]', 'id', NULL, 'true', 3, 0),
 ('limit 0 returns nothing', '[{"field": "id"}]', 'id', NULL, 'true', 0, NULL),
 ('offset past the end returns nothing', '[{"field": "id"}]', 'id', NULL, 'true', NULL, 100);

SELECT results_eq(stream_sql(filter, order_by, lim, off), plain_sql(cond, ord, lim, off), label)
FROM orders ORDER BY label;

SELECT is(array_agg(label ORDER BY label), NULL, 'stream() in the select list: every ordering agrees')
FROM orders
WHERE rows_of(stream_sql(filter, order_by, lim, off, in_from => false), false)
      IS DISTINCT FROM rows_of(plain_sql(cond, ord, lim, off), false);

-- the jsonb order SPEC §4 relies on, pinned by hand: JSON null < strings < numbers
-- (numerically) < booleans, SQL NULL (missing key, non-object, NULL data) last
SELECT is(ids_of('[{"field": "n"}, {"field": "id"}]'), ARRAY[5, 14, 8, 3, 10, 4, 1, 2, 7, 9, 6, 11, 12, 13],
          'order by n: null, "1e2", "5", -3, -0.5, 0, 1, 2.5, 1e3, 1e20, then missing');
SELECT is(ids_of('[{"field": "b", "direction": "desc", "nulls": "last"}, {"field": "id", "direction": "desc"}]'),
          ARRAY[8, 1, 10, 7, 2, 4, 14, 5, 13, 12, 11, 9, 6, 3],
          'order by b desc nulls last: true, false, "true", "f", null, then missing');
SELECT is(ids_of('[{"field": "n", "type": "numeric", "nulls": "first"}, {"field": "id"}]', 4, 9),
          ARRAY[2, 8, 14, 7], 'numeric cast: five NULLs first, then "5" and "1e2" as numbers (limit 4 offset 9)');
SELECT is((SELECT count(*) FROM fraiseql.stream('tv_edge', "limit" => 5, chunk_size => 2)), 5::bigint,
          'limit without an order: 5 rows');

-- negative limit / offset raise the standard SQLSTATEs
SELECT throws_ok(stream_sql(NULL, NULL, -1), '2201W', NULL, 'negative limit: 2201W');
SELECT throws_ok(stream_sql(NULL, NULL, NULL, -1), '2201X', NULL, 'negative offset: 2201X');

-- an early LIMIT closes the cursor, in both forms
SELECT is((SELECT count(*) FROM (SELECT * FROM fraiseql.stream('tv_edge', chunk_size => 2) LIMIT 1) s), 1::bigint,
          'custom scan under LIMIT 1');
SELECT is((SELECT count(*) FROM pg_cursors), 0::bigint, 'no portal left after LIMIT in FROM');
SELECT is((SELECT count(*) FROM (SELECT fraiseql.stream('tv_edge', chunk_size => 2) LIMIT 1) s), 1::bigint,
          'select-list SRF under LIMIT 1');
SELECT is((SELECT count(*) FROM pg_cursors), 0::bigint, 'no portal left after LIMIT in the select list');

SELECT * FROM finish();
ROLLBACK;
