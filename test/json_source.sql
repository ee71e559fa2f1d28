-- pgTAP: a json source returns exactly the rows of the same jsonb source for
-- every filter family and for ordering, with fraiseql.enable_simd on (keys
-- read by simdjson through fraiseql.json_get_text / json_get) and off
-- (PostgreSQL's json operators); json text as users write it (duplicate
-- keys, whitespace, escapes, deep nesting) reads as PostgreSQL reads it.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS fraiseql;
SELECT plan(110);

CREATE TABLE tv_js (id int PRIMARY KEY, tenant_id int, data jsonb);
INSERT INTO tv_js
SELECT i, i % 5,
       jsonb_build_object('id', i,
                          'name', CASE WHEN i % 11 = 0 THEN NULL
                                       ELSE 'name_' || i || CASE WHEN i % 7 = 0 THEN '%' WHEN i % 13 = 0 THEN '\_' ELSE '' END END,
                          'city', (ARRAY['Oslo', 'Zürich', 'Kyōto', '東京', 'Łódź'])[1 + i % 5],
                          'rank', CASE WHEN i % 17 = 0 THEN to_jsonb(((i * 13) % 40)::text) ELSE to_jsonb((i * 13) % 40) END,
                          'score', (i % 9) * 1.25,
                          'active', i % 2 = 0,
                          'created_at', '2024-01-01'::date + i,
                          'tags', CASE WHEN i % 3 = 0 THEN '["vip", "a"]'::jsonb WHEN i % 3 = 1 THEN '[]' ELSE 'null' END,
                          'profile', CASE WHEN i % 4 = 0 THEN NULL ELSE jsonb_build_object('city', 'c' || (i % 6), 'level', i % 3) END)
       - CASE WHEN i % 10 = 0 THEN 'score' ELSE '' END
FROM generate_series(1, 240) i;
-- the same objects as json text
CREATE TABLE tv_js_json (id int PRIMARY KEY, tenant_id int, data json);
INSERT INTO tv_js_json SELECT id, tenant_id, data::json FROM tv_js;

-- rows (as jsonb text, in order) of a source for a filter and ordering
CREATE FUNCTION rows_of(source regclass, filter jsonb, order_by jsonb, simd boolean)
RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE result text[];
BEGIN
  PERFORM set_config('fraiseql.enable_simd', simd::text, true);
  SELECT array_agg(s::jsonb::text ORDER BY n) INTO result
  FROM fraiseql.stream(source, filter, order_by, chunk_size => 16) WITH ORDINALITY AS x(s, n);
  RETURN result;
END $$;

CREATE TEMP TABLE families (label text, filter jsonb);
INSERT INTO families VALUES
 ('eq string', '{"name": {"eq": "name_3"}}'),
 ('eq unicode', '{"city": {"eq": "東京"}}'),
 ('neq', '{"city": {"neq": "Oslo"}}'),
 ('gt number', '{"rank": {"gt": 30}}'),
 ('lte decimal', '{"score": {"lte": 2.5}}'),
 ('eq boolean', '{"active": {"eq": true}}'),
 ('gte date cast', '{"createdAt": {"gte": "2024-06-01", "type": "date"}}'),
 ('in', '{"rank": {"in": [1, 2, 3, 26]}}'),
 ('nin strings', '{"city": {"nin": ["Oslo", "Łódź"]}}'),
 ('isnull true', '{"name": {"isnull": true}}'),
 ('isnull false on missing', '{"score": {"isnull": false}}'),
 ('contains %', '{"name": {"contains": "%"}}'),
 ('contains \_', '{"name": {"contains": "\\_"}}'),
 ('icontains unicode', '{"city": {"icontains": "ZÜ"}}'),
 ('startswith', '{"name": {"startswith": "name_1"}}'),
 ('iendswith', '{"name": {"iendswith": "0"}}'),
 ('like', '{"name": {"like": "name_2_"}}'),
 ('regex', '{"name": {"regex": "^name_[0-9]{2}$"}}'),
 ('iregex', '{"city": {"iregex": "^ky"}}'),
 ('array_contains', '{"tags": {"array_contains": ["vip"]}}'),
 ('array_contained_by', '{"tags": {"array_contained_by": ["vip", "a", "b"]}}'),
 ('array_overlaps', '{"tags": {"array_overlaps": ["a", "z"]}}'),
 ('len_eq', '{"tags": {"len_eq": 0}}'),
 ('len_gte', '{"tags": {"len_gte": 2}}'),
 ('has_key', '{"profile": {"has_key": "level"}}'),
 ('nested path', '{"profile": {"city": {"eq": "c1"}}}'),
 ('nested number', '{"profile": {"level": {"gt": 1}}}'),
 ('native column', '{"tenantId": {"eq": 2}}'),
 ('_and', '{"_and": [{"rank": {"lt": 20}}, {"active": {"eq": false}}]}'),
 ('_or', '{"_or": [{"rank": {"lt": 3}}, {"tenantId": {"eq": 4}}]}'),
 ('_not', '{"_not": {"active": {"eq": true}}}');

SELECT is(rows_of('tv_js_json', filter, '[{"field": "id"}]', true),
          rows_of('tv_js', filter, '[{"field": "id"}]', true),
          'json source with simdjson = jsonb source: ' || label)
FROM families ORDER BY label;
SELECT is(rows_of('tv_js_json', filter, '[{"field": "id"}]', false),
          rows_of('tv_js', filter, '[{"field": "id"}]', true),
          'json source, enable_simd off = jsonb source: ' || label)
FROM families ORDER BY label;

-- every family selects something, so the comparisons above are not empty
SELECT is((SELECT count(*) FROM families WHERE rows_of('tv_js', filter, NULL, true) IS NULL),
          0::bigint, 'every family matches some rows');

-- ordering by data keys, with pagination
SELECT is(rows_of('tv_js_json', NULL, '[{"field": "city", "direction": "desc"}, {"field": "id"}]', true),
          rows_of('tv_js', NULL, '[{"field": "city", "direction": "desc"}, {"field": "id"}]', true),
          'json source ordered by a data key = jsonb source');
SELECT is(rows_of('tv_js_json', '{"active": {"eq": true}}', '[{"field": "rank", "type": "numeric", "nulls": "first"}, {"field": "id"}]', true),
          rows_of('tv_js', '{"active": {"eq": true}}', '[{"field": "rank", "type": "numeric", "nulls": "first"}, {"field": "id"}]', true),
          'json source ordered by a cast key = jsonb source');

-- json text as written: duplicate keys (the last counts), whitespace,
-- escapes in keys and values, numbers as written, deep nesting
CREATE TABLE tv_raw (id int PRIMARY KEY, data json);
INSERT INTO tv_raw VALUES
 (1, '{"name": "first", "name": "last", "n": 1}'),
 (2, E'{ "name" :\n "spaced" ,\t"n" : 2.50e1 , "o" : { "k" : [ 1 , 2 ] } }'),
 (3, '{"na\u006de": "esc key", "n": 3, "q": "say \"hi\" \\ \u00e9 \ud83d\ude00"}'),
 (4, '{"n": 4, "a": {"b": {"c": {"d": {"e": "deep"}}}}}'),
 (5, '{"n": -0, "name": null, "o": {"k": []}}'),
 (6, '[1, 2, 3]'),
 (7, '"just a string"');

CREATE FUNCTION raw_ids(filter jsonb, simd boolean) RETURNS int[] LANGUAGE plpgsql AS $$
DECLARE result int[];
BEGIN
  PERFORM set_config('fraiseql.enable_simd', simd::text, true);
  SELECT array_agg(r.id ORDER BY r.id) INTO result
  FROM fraiseql.stream('tv_raw', filter) s JOIN tv_raw r ON r.data::text = s::text;
  RETURN result;
END $$;

SELECT is(raw_ids('{"name": {"eq": "last"}}', true), ARRAY[1], 'duplicate keys: the last one counts');
SELECT is(raw_ids('{"name": {"eq": "first"}}', true), NULL::int[], 'duplicate keys: the first one does not');
SELECT is(raw_ids('{"name": {"eq": "spaced"}}', true), ARRAY[2], 'whitespace around keys and values');
SELECT is(raw_ids('{"n": {"eq": 25}}', true), ARRAY[2], 'a number in exponent form compares numerically');
SELECT is(raw_ids('{"name": {"eq": "esc key"}}', true), ARRAY[3], 'an escaped key matches its unescaped name');
SELECT is(raw_ids('{"q": {"eq": "say \"hi\" \\ é 😀"}}', true), ARRAY[3], 'escapes and a surrogate pair in a value');
SELECT is(raw_ids('{"a": {"b": {"c": {"d": {"e": {"eq": "deep"}}}}}}', true), ARRAY[4], 'a five-key path');
SELECT is(raw_ids('{"name": {"isnull": true}}', true), ARRAY[4, 5, 6, 7], 'JSON null, missing keys and non-objects are NULL');
SELECT is(raw_ids('{"o": {"k": {"len_eq": 2}}}', true), ARRAY[2], 'an array read from the text as written');
SELECT is(raw_ids('{"n": {"lte": 0}}', true), ARRAY[5], '-0 is a number');
SELECT is(raw_ids(f, true), raw_ids(f, false), 'simdjson = PostgreSQL on hand-written json: ' || f::text)
FROM (VALUES ('{"name": {"isnull": false}}'::jsonb), ('{"n": {"gte": 2}}'), ('{"o": {"k": {"array_contains": [2]}}}'),
             ('{"q": {"contains": "\\"}}'), ('{"a": {"b": {"has_key": "c"}}}')) v(f);

-- projection of json rows (read from simdjson tokens) is byte for byte the
-- projection of the same jsonb rows, with simdjson on and off
CREATE FUNCTION projected(source regclass, selection text, simd boolean) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE result text[];
BEGIN
  PERFORM set_config('fraiseql.enable_simd', simd::text, true);
  SELECT array_agg(s::text ORDER BY n) INTO result
  FROM fraiseql.stream(source, order_by => '[{"field": "id"}]', selection => selection, typename => 'Thing')
       WITH ORDINALITY AS x(s, n);
  RETURN result;
END $$;
CREATE TABLE tv_raw_jsonb AS SELECT id, data::jsonb AS data FROM tv_raw;
CREATE TEMP TABLE selections (sel text);
INSERT INTO selections VALUES
 ('id name city __typename'),
 ('n: name score rank tags'),
 ('profile { city level } createdAt missing'),
 ('name n o { k } q a { b { c { d { e } } } } __typename'),
 ('o q n a');
SELECT is(projected('tv_js_json', sel, true), projected('tv_js', sel, true),
          'projection of json rows = of jsonb rows: ' || sel)
FROM selections WHERE sel NOT LIKE '%{ k }%' AND sel <> 'o q n a' ORDER BY sel;
SELECT is(projected('tv_raw', sel, true), projected('tv_raw_jsonb', sel, true),
          'projection of hand-written json = of its jsonb: ' || sel)
FROM selections ORDER BY sel;
SELECT is(projected('tv_raw', sel, false), projected('tv_raw_jsonb', sel, true),
          'projection of hand-written json, enable_simd off = of its jsonb: ' || sel)
FROM selections ORDER BY sel;
SELECT is((projected('tv_raw', 'n o', true))[2], '{"n": 25.0, "o": {"k": [1, 2]}}',
          'numbers and containers of a json row are written as jsonb writes them');
INSERT INTO tv_raw VALUES (8, '{"n": 1, "name": "nul \u0000 here"}');
SELECT throws_ok($$SELECT projected('tv_raw', 'name', true)$$, '22P05', NULL,
                 'a \u0000 in a projected json row raises PostgreSQL''s error');
DELETE FROM tv_raw WHERE id = 8;

-- the helper functions agree with the json operators value by value
SELECT is(fraiseql.json_get_text(data, 'o'), data->>'o', 'json_get_text returns a container as written: row 2')
FROM tv_raw WHERE id = 2;
SELECT ok(bool_and(fraiseql.json_get_text(data, k) IS NOT DISTINCT FROM data->>k AND
                   fraiseql.json_get(data, k) IS NOT DISTINCT FROM (data->k)::jsonb),
          'json_get_text / json_get = ->> / -> for every key of the hand-written rows')
FROM tv_raw, unnest(ARRAY['name', 'n', 'o', 'q', 'a', 'missing']) k;

-- the last of duplicate keys, however the later one is written
SELECT is(fraiseql.json_get_text('{"name": "a", "na\u006de": "b"}', 'name'), 'b', 'a later duplicate written with an escape wins');
SELECT is(fraiseql.json_get_text('{"k": {"x": 1}, "z": [1, {"k": 0}], "k": 2}', 'k'), '2', 'a later duplicate after a container wins');
SELECT is(fraiseql.json_get_text('{"k": 1, "other": {"k": 3}}', 'k'), '1', 'the same key in a nested object is not a duplicate');
SELECT is(fraiseql.json_get_text('{"a": {"k": 1, "k": 4}, "k": 5}', 'a', 'k'), '4', 'duplicates inside a nested object');
-- after a match the rest of the object is searched for '"' key '"' 16 bytes at a time
-- instead of walked: the key as a value, as a nested key, as a prefix, far away, at the end
SELECT is(fraiseql.json_get_text('{"k": 1, "v": "k", "w": ["k"], "x": {"k": 2}}', 'k'), '1', 'the key written as a value or a nested key is not a duplicate');
SELECT is(fraiseql.json_get_text('{"k": "a", "kk": "b", "k2": 3, "kx": {"k ": 4}}', 'k'), 'a', 'keys the key is a prefix of are not duplicates');
SELECT is(fraiseql.json_get_text('{"k": 1, "pad": "0123456789012345678901234567890123456789", "k": 2}', 'k'), '2', 'a duplicate 60 bytes later wins');
SELECT is(fraiseql.json_get_text('{"k":1,"k":22}', 'k'), '22', 'a duplicate in the last bytes of the document wins');
SELECT is(fraiseql.json_get_text('{"": 1, "a": "", "": 3}', ''), '3', 'the empty key: the last one counts');
SELECT is(fraiseql.json_get_text('{"a\"b": 1, "x": 2}', 'a"b'), '1', 'a key that needs an escape');
SELECT is(fraiseql.json_get_text('{"a\"b": 1, "x": 2, "a\u0022b": 3}', 'a"b'), '3', 'a key that needs an escape, repeated');

-- what simdjson cannot answer, PostgreSQL answers with its own error
SELECT throws_ok($$SELECT fraiseql.json_get_text('{"a": "x\u0000y"}', 'a')$$, '22P05', NULL,
                 '\u0000 in a value: PostgreSQL''s error');
SELECT is(fraiseql.json_get_text('{"a": 1e400}', 'a'), '1e400', 'a number beyond double range is returned as written');

SELECT * FROM finish();
ROLLBACK;
