-- pgTAP: _some / _every / _none over arrays of objects (SPEC section 3) return exactly the
-- rows of hand-written SQL, on a jsonb source and the same rows as json (simd on and off),
-- and count() agrees.  The hand-written side counts matching elements with
-- jsonb_array_elements under CASE jsonb_typeof(...) = 'array' (a form unlike the
-- translator's EXISTS), so the documented semantics are checked, not restated:
--   _some: some element matches; _every: every element matches (a sub-filter that is false
--   or NULL fails); _none: no element matches; a value that is not an array (missing key,
--   JSON null, a scalar, an object) satisfies none of the three; an empty array satisfies
--   _every and _none.
-- Covered: every operator family inside an element, nested paths in elements, _and/_or/_not
-- inside and around, quantifiers inside quantifiers, elements that are scalars (the
-- sub-filter an operator object), elements that are not objects, reserved keys, errors.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS fraiseql;
SELECT no_plan();

CREATE TABLE tv_q (id int PRIMARY KEY, tenant_id int, data jsonb);
INSERT INTO tv_q VALUES
 (1, 1, '{"id": 1, "lines": [{"sku": "x", "qty": 2, "parts": [{"n": 1}, {"n": 3}]}, {"sku": "y", "qty": 0}],
          "tags": ["a", "b"]}'),
 (2, 1, '{"id": 2, "lines": [], "tags": []}'),
 (3, 1, '{"id": 3, "lines": null, "tags": null}'),
 (4, 2, '{"id": 4}'),
 (5, 2, '{"id": 5, "lines": {"sku": "x"}, "tags": "a"}'),
 (6, 2, '{"id": 6, "lines": [{"sku": "x", "qty": 5, "parts": [{"n": 5}]}, {"sku": "x", "qty": 1, "parts": []}],
          "tags": ["c"]}'),
 (7, 3, '{"id": 7, "lines": [{"qty": 3}, {"sku": null, "meta": {"color": "red"}}], "tags": ["a", null]}'),
 (8, 3, '{"id": 8, "lines": [{"sku": "z", "parts": [], "meta": {"color": "blue"}}], "tags": [1]}'),
 (9, 3, '{"id": 9, "lines": [1, "x", null, [{"sku": "x"}]], "tags": [["a"]]}'),
 (10, 4, '{"id": 10, "lines": [{"sku": "y", "parts": [{"n": 5}, {"n": "5"}], "ips": "10.0.0.1"}]}');
CREATE TABLE tv_q_json (id int PRIMARY KEY, tenant_id int, data json);
INSERT INTO tv_q_json SELECT id, tenant_id, data::json FROM tv_q;

SET test.op_table = 'tv_q';
\ir lib/operator_checks.sql
-- how many elements of the array "arr" (a jsonb expression over data) satisfy "cond" (over
-- e), and how many there are; NULL when arr is not an array
CREATE FUNCTION q(arr text, cond text, quant text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT format('CASE WHEN jsonb_typeof(%1$s) = ''array'' THEN (SELECT %3$s FROM jsonb_array_elements(%1$s) e) ELSE false END',
                arr,
                cond,
                CASE quant
                  WHEN 'some' THEN format('count(*) FILTER (WHERE (%s) IS TRUE) > 0', cond)
                  WHEN 'every' THEN format('count(*) FILTER (WHERE (%s) IS TRUE) = count(*)', cond)
                  ELSE format('count(*) FILTER (WHERE (%s) IS TRUE) = 0', cond) END)
$$;

-- fraiseql.elements, which the quantifiers read arrays with: an array's elements in order
-- (a JSON null element is the jsonb null), one SQL NULL for anything else
SELECT is((SELECT array_agg(e::text ORDER BY n) FROM fraiseql.elements('[3, "a", null, [1, {"b": []}], {"c": "\u00e9"}]') WITH ORDINALITY AS t(e, n)),
          (SELECT array_agg(e::text ORDER BY n) FROM jsonb_array_elements('[3, "a", null, [1, {"b": []}], {"c": "\u00e9"}]') WITH ORDINALITY AS t(e, n)),
          'elements: an array''s elements in order, as jsonb_array_elements gives them');
SELECT is((SELECT count(*) FROM fraiseql.elements('[]')), 0::bigint, 'elements: an empty array gives no row');
SELECT is((SELECT count(*) FROM fraiseql.elements('[null]') AS t(e) WHERE e IS NULL), 0::bigint,
          'elements: a JSON null element is not SQL NULL');
SELECT is((SELECT array_agg(e IS NULL) FROM fraiseql.elements(v) AS t(e)), '{t}',
          format('elements: %s gives one NULL', coalesce(v::text, 'SQL NULL')))
FROM unnest(ARRAY['5', '"x"', 'null', 'true', '{}', '{"a": [1]}', NULL]::jsonb[]) AS v;
SELECT is((SELECT count(*) FROM tv_q, fraiseql.elements(data->'lines')), 15::bigint,
          'elements: lateral over the rows (a missing key and each non-array once)');

-- the three quantifiers over one sub-filter
SELECT check_op('{"lines": {"_some": {"sku": {"eq": "x"}}}}', q($$data->'lines'$$, $$e->>'sku' = 'x'$$, 'some'), '{1,6}');
SELECT check_op('{"lines": {"_every": {"sku": {"eq": "x"}}}}', q($$data->'lines'$$, $$e->>'sku' = 'x'$$, 'every'), '{2,6}');
SELECT check_op('{"lines": {"_none": {"sku": {"eq": "x"}}}}', q($$data->'lines'$$, $$e->>'sku' = 'x'$$, 'none'), '{2,7,8,9,10}');
-- an empty sub-filter: some element / is an array / is an empty array
SELECT check_op('{"lines": {"_some": {}}}', q($$data->'lines'$$, 'true', 'some'), '{1,6,7,8,9,10}');
SELECT check_op('{"lines": {"_every": {}}}', q($$data->'lines'$$, 'true', 'every'), '{1,2,6,7,8,9,10}');
SELECT check_op('{"lines": {"_none": {}}}', q($$data->'lines'$$, 'true', 'none'), '{2}');
-- operators of every family inside an element
SELECT check_op('{"lines": {"_some": {"qty": {"gt": 1}, "sku": {"in": ["x", "y"]}}}}',
                q($$data->'lines'$$, $$(e->>'qty')::numeric > 1 AND e->>'sku' IN ('x', 'y')$$, 'some'), '{1,6}');
SELECT check_op('{"lines": {"_every": {"qty": {"isnull": false}}}}', q($$data->'lines'$$, $$e->>'qty' IS NOT NULL$$, 'every'));
SELECT check_op('{"lines": {"_some": {"sku": {"nlike": "x%"}}}}', q($$data->'lines'$$, $$e->>'sku' NOT LIKE 'x%'$$, 'some'), '{1,8,10}');
SELECT check_op('{"lines": {"_some": {"sku": {"startsWith": "z"}}}}', q($$data->'lines'$$, $$e->>'sku' LIKE 'z%'$$, 'some'));
SELECT check_op('{"lines": {"_some": {"parts": {"len_gt": 0}}}}',
                q($$data->'lines'$$, $$CASE WHEN jsonb_typeof(e->'parts') = 'array' THEN jsonb_array_length(e->'parts') > 0 END$$, 'some'));
SELECT check_op('{"lines": {"_some": {"parts": {"array_contains": [{"n": 5}]}}}}',
                q($$data->'lines'$$, $$e->'parts' @> '[{"n": 5}]'$$, 'some'), '{6,10}');
SELECT check_op('{"lines": {"_some": {"meta": {"has_key": "color"}}}}', q($$data->'lines'$$, $$e->'meta' ? 'color'$$, 'some'), '{7,8}');
SELECT check_op('{"lines": {"_some": {"parts": {"path_exists": "$[*] ? (@.n == 3)"}}}}',
                q($$data->'lines'$$, $$e->'parts' @? '$[*] ? (@.n == 3)'$$, 'some'), '{1}');
SELECT check_op('{"lines": {"_some": {"ips": {"in_subnet": "10.0.0.0/8"}}}}',
                q($$data->'lines'$$, $$(e->>'ips')::inet <<= '10.0.0.0/8'$$, 'some'), '{10}');
SELECT check_op('{"lines": {"_some": {"qty": {"eq": "3", "type": "integer"}}}}',
                q($$data->'lines'$$, $$(e->>'qty')::integer = 3$$, 'some'), '{7}');
-- a nested path in an element
SELECT check_op('{"lines": {"_some": {"meta": {"color": {"eq": "red"}}}}}', q($$data->'lines'$$, $$e->'meta'->>'color' = 'red'$$, 'some'), '{7}');
-- logical keys inside and around
SELECT check_op('{"lines": {"_some": {"_or": [{"sku": {"eq": "z"}}, {"qty": {"eq": 0}}]}}}',
                q($$data->'lines'$$, $$e->>'sku' = 'z' OR (e->>'qty')::numeric = 0$$, 'some'), '{1,8}');
SELECT check_op('{"lines": {"_every": {"_not": {"sku": {"eq": "y"}}}}}', q($$data->'lines'$$, $$NOT (e->>'sku' = 'y')$$, 'every'));
SELECT check_op('{"_not": {"lines": {"_some": {"sku": {"eq": "x"}}}}}', 'NOT (' || q($$data->'lines'$$, $$e->>'sku' = 'x'$$, 'some') || ')');
-- a non-array satisfies no quantifier (false, not NULL), so _not matches it
SELECT check_op('{"_not": {"lines": {"_every": {"sku": {"eq": "x"}}}}}', 'NOT (' || q($$data->'lines'$$, $$e->>'sku' = 'x'$$, 'every') || ')',
                '{1,3,4,5,7,8,9,10}');
SELECT check_op('{"_not": {"lines": {"_none": {}}}}', 'NOT (' || q($$data->'lines'$$, 'true', 'none') || ')', '{1,3,4,5,6,7,8,9,10}');
SELECT check_op('{"_or": [{"lines": {"_none": {}}}, {"tags": {"_some": {"eq": "c"}}}]}',
                q($$data->'lines'$$, 'true', 'none') || ' OR ' || q($$data->'tags'$$, $$e #>> '{}' = 'c'$$, 'some'), '{2,6}');
-- a quantifier beside operators of the same field, and beside native columns
SELECT check_op('{"lines": {"_some": {"sku": {"eq": "x"}}, "len_eq": 2}, "tenant_id": {"eq": 2}}',
                q($$data->'lines'$$, $$e->>'sku' = 'x'$$, 'some') || $$ AND tenant_id = 2$$, '{6}');
-- quantifiers inside quantifiers
SELECT check_op('{"lines": {"_some": {"parts": {"_some": {"n": {"gte": 3}}}}}}',
                q($$data->'lines'$$, q($$e->'parts'$$, $$(e->>'n')::numeric >= 3$$, 'some'), 'some'), '{1,6,10}');
SELECT check_op('{"lines": {"_some": {"parts": {"_every": {"n": {"eq": 5}}}}}}',
                q($$data->'lines'$$, q($$e->'parts'$$, $$(e->>'n')::numeric = 5$$, 'every'), 'some'), '{6,8,10}');
SELECT check_op('{"lines": {"_every": {"parts": {"_none": {"n": {"eq": 1}}}}}}',
                q($$data->'lines'$$, q($$e->'parts'$$, $$(e->>'n')::numeric = 1$$, 'none'), 'every'));
-- elements that are scalars: the sub-filter an operator object on the element itself
SELECT check_op('{"tags": {"_some": {"eq": "a"}}}', q($$data->'tags'$$, $$e #>> '{}' = 'a'$$, 'some'), '{1,7}');
SELECT check_op('{"tags": {"_every": {"in": ["a", "b"]}}}', q($$data->'tags'$$, $$e #>> '{}' IN ('a', 'b')$$, 'every'), '{1,2}');
SELECT check_op('{"tags": {"_none": {"isnull": true}}}', q($$data->'tags'$$, $$e #>> '{}' IS NULL$$, 'none'), '{1,2,6,8,9}');
SELECT check_op('{"tags": {"_some": {"array_contains": ["a"]}}}', q($$data->'tags'$$, $$e @> '["a"]'$$, 'some'), '{9}');
-- arrays of arrays: a quantifier as the sub-filter tests the element itself
SELECT check_op('{"lines": {"_some": {"_some": {"sku": {"eq": "x"}}}}}',
                q($$data->'lines'$$, q('e', $$e->>'sku' = 'x'$$, 'some'), 'some'), '{9}');
SELECT check_op('{"tags": {"_some": {"_every": {"eq": "a"}}}}', q($$data->'tags'$$, q('e', $$e #>> '{}' = 'a'$$, 'every'), 'some'), '{9}');
SELECT check_op('{"tags": {"_some": {"_not": {"_some": {}}}}}', q($$data->'tags'$$, 'NOT (' || q('e', 'true', 'some') || ')', 'some'), '{1,6,7,8}');
-- elements that are not objects do not match a key test (their keys are missing)
SELECT check_op('{"lines": {"_some": {"sku": {"isnull": true}}}}', q($$data->'lines'$$, $$e->>'sku' IS NULL$$, 'some'), '{7,9}');
-- a json source: quantifiers read the array as jsonb; the element tests are jsonb's
SELECT is((fraiseql.to_sql('tv_q_json', '{"lines": {"_some": {"sku": {"eq": "x"}}}}')).sql,
          $$SELECT data FROM public.tv_q_json WHERE EXISTS (SELECT FROM fraiseql.elements(fraiseql.json_get(data, 'lines')) AS q1(e) WHERE q1.e IS NOT NULL AND ((q1.e->>'sku') = $1::text))$$,
          'a json source reads the array with fraiseql.json_get');
-- a native jsonb column
CREATE TABLE tv_qc (id int, labels jsonb, data jsonb);
INSERT INTO tv_qc SELECT id, data->'tags', data FROM tv_q;
SELECT is(fq_ids('tv_qc', '{"labels": {"_some": {"eq": "a"}}}', true), '{1,7}', '_some on a jsonb column');
SELECT is(fq_ids('tv_qc', '{"labels": {"_every": {"isnull": false}, "len_gt": 0}}', true), '{1,6,8,9}', '_every beside len_gt on a jsonb column');
SELECT is((fraiseql.to_sql('tv_qc', '{"labels": {"_none": {"eq": "a"}}}')).sql,
          $$SELECT data FROM public.tv_qc WHERE NOT EXISTS (SELECT FROM fraiseql.elements(labels) AS q1(e) WHERE q1.e IS NULL OR (((q1.e #>> '{}')) = $1::text))$$,
          'the column is the array');
-- the shape memo: other values, the same statement and the right rows
SELECT is(fq_ids('tv_q', '{"lines": {"_some": {"sku": {"eq": "y"}}}}', true), '{1,10}', 'a second value of the shape');
SELECT is(fq_ids('tv_q', '{"lines": {"_some": {"sku": {"eq": "z"}}}}', true), '{8}', 'a third');

-- reserved keys and errors
SELECT throws_ok($$SELECT * FROM fraiseql.stream('tv_q', '{"lines": {"_some": [1]}}')$$, '22023',
                 '_some expects a filter object', '_some of an array: 22023');
SELECT throws_ok($$SELECT * FROM fraiseql.stream('tv_q', '{"_every": {"sku": {"eq": 1}}}')$$, '22023',
                 '_every must be inside a field', 'a quantifier at the top: 22023');
SELECT throws_ok($$SELECT * FROM fraiseql.stream('tv_q', '{"lines": {"_none": {"sku": {"bogus": 1}}}}')$$, '22023',
                 'unknown operator "bogus" for field "sku"', 'an unknown operator inside: 22023');
SELECT throws_ok($$SELECT * FROM fraiseql.stream('tv_q', '{"lines": {"_none": {"sku": {"eq": 1, "bogus": 1}}}}')$$, '22023',
                 'unknown operator "bogus" on field "sku"', 'an unknown operator beside one: 22023');
SELECT throws_ok($$SELECT * FROM fraiseql.stream('tv_q', '{"lines": {"_some": {"sku": {"regex": "("}}}}')$$, '2201B',
                 NULL, 'an invalid regex inside: 2201B');
SELECT throws_ok($$SELECT * FROM fraiseql.stream('tv_q', '{"tenant_id": {"_some": {}}}')$$, '22023',
                 '_some needs a jsonb array, but column "tenant_id" is of type integer', 'a quantifier on an integer column: 22023');
SET LOCAL fraiseql.max_filter_depth = 4;
SELECT throws_ok($$SELECT * FROM fraiseql.stream('tv_q', '{"a": {"_some": {"b": {"_some": {"c": {"_some": {}}}}}}}')$$, '54000',
                 NULL, 'quantifiers count toward max_filter_depth');
RESET fraiseql.max_filter_depth;

SELECT * FROM finish();
ROLLBACK;
