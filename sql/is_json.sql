-- fraiseql.is_json(text) must agree with text::json on every input.
-- The corpus covers what simdjson and PostgreSQL each treat specially:
-- numbers beyond double range, lone surrogates, \u0000, deep nesting,
-- whitespace, trailing garbage, control characters.
CREATE TEMP TABLE corpus (t text);
INSERT INTO corpus VALUES
  ('{}'), ('[]'), ('null'), ('true'), ('false'), ('0'), ('-0'), ('1.5e10'),
  ('"a"'), ('{"a": [1, 2, {"b": null}]}'), (' {"a" : 1 } '), (E'\t[\n1\r]'),
  ('1e400'), ('-1e-400'), ('123456789012345678901234567890'),
  ('"\u0000"'), ('"\ud800"'), ('"\ud83d\ude00"'), ('"\uDFFF"'), ('"é日本😀"'),
  ('{"a": 1, "a": 2}'),
  (repeat('[', 2000) || repeat(']', 2000)),
  -- invalid
  (''), (' '), ('{'), ('{"a"}'), ('{"a": }'), ('[1,]'), ('[1 2]'), ('01'), ('1.'),
  ('.5'), ('+1'), ('1e'), ('NaN'), ('Infinity'), ('tru'), ('nul'), ('"abc'),
  ('"\x"'), ('"\u12"'), (E'"a\nb"'), (E'"\t"'), ('{"a": 1} x'), ('[] []'),
  ('{a: 1}'), ($$'a'$$), ('[1, 2'), ('{"a": [}'), ('"\'), ('//c'),
  -- bytes after a closing quote (validation checks no string of a document
  -- without a backslash: stage 1 must make each of these an index)
  ('["a"b]'), ('{"a"b: 1}'), ('{"a" "b": 1}'), ('["a" "b"]'), ('"a" x'),
  ('{"a": "b"c}'), ('["a"1]'), ('["a"true]'), ('["a"]"'), ('["é"x]'), ('"a""b"');

CREATE FUNCTION pg_is_json(t text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM t::json;
  RETURN true;
EXCEPTION WHEN others THEN
  RETURN false;
END $$;

-- every disagreement would be listed here
SELECT left(t, 40) AS input, fraiseql.is_json(t), pg_is_json(t)
FROM corpus WHERE fraiseql.is_json(t) IS DISTINCT FROM pg_is_json(t);

-- the same with simdjson switched off
SET fraiseql.enable_simd = off;
SELECT left(t, 40) AS input FROM corpus
WHERE fraiseql.is_json(t) IS DISTINCT FROM pg_is_json(t);
RESET fraiseql.enable_simd;

-- and the verdicts themselves, checked by hand
SELECT count(*) FILTER (WHERE fraiseql.is_json(t)) AS valid,
       count(*) FILTER (WHERE NOT fraiseql.is_json(t)) AS invalid
FROM corpus;
SELECT fraiseql.is_json(NULL) IS NULL AS strict;
-- the kernel simdjson picked is one it knows (which one depends on the CPU)
SELECT fraiseql.simd_implementation() IN ('icelake', 'haswell', 'westmere', 'fallback', 'arm64', 'ppc64', 'lsx', 'lasx') AS known_kernel;

-- Shapes: where the CPU runs fraiseql's own stage 1, validation remembers
-- the token structure of the last documents it accepted and then checks
-- only the scalars of a document with the same structure.  Valid
-- documents of two shapes come first, then documents of the same
-- structure whose scalars or bytes are wrong, then whitespace alone (no
-- tokens at all), then escapes, in a new backend whose parser remembers
-- no shape yet.
-- Evaluated in n's order (the sort is below the call).
\c
CREATE TEMP TABLE shapes (n int, t text);
INSERT INTO shapes VALUES
  (1, '{"id": 1, "ok": true, "tags": ["a", "b"], "p": {"x": null}}'),
  (2, '[1, "a", false]'),
  (3, '{ "id" : -2.5e3 , "ok" : false, "tags": ["cc", "d"], "p": {"x": 0}}'),
  (4, '{"id": 01, "ok": true, "tags": ["a", "b"], "p": {"x": null}}'),
  (5, '{"id": 1., "ok": true, "tags": ["a", "b"], "p": {"x": null}}'),
  (6, '{"id": -, "ok": true, "tags": ["a", "b"], "p": {"x": null}}'),
  (7, '{"id": +1, "ok": true, "tags": ["a", "b"], "p": {"x": null}}'),
  (8, '{"id": 1, "ok": tru, "tags": ["a", "b"], "p": {"x": null}}'),
  (9, '{"id": 1, "ok": truex, "tags": ["a", "b"], "p": {"x": null}}'),
  (10, '{"id": 1, "ok": true, "tags": ["a", "b"], "p": {"x": nul}}'),
  (11, '{"id": 1, "ok": true, "tags": ["a", "b"], "p": {"x": NaN}}'),
  (12, E'{"id": 1\x01, "ok": true, "tags": ["a", "b"], "p": {"x": null}}'),
  (13, '{"id": é, "ok": true, "tags": ["a", "b"], "p": {"x": null}}'),
  (14, E'{"id": 1, "ok": true, "tags": ["a\tb", "b"], "p": {"x": null}}'),
  (15, '[1e, "a", false]'),
  (16, '[1, "a", falsy]'),
  (17, '[1, "a", false'),
  (18, ' '),
  (19, E'\n\t '),
  (20, '[2, "b", true]'),
  -- escapes: those stage 1 checks, \u and invalid ones left to the grammar
  (21, '{"id": 1, "ok": true, "tags": ["a\"b/", "c\\d\n\t"], "p": {"x": null}}'),
  (22, '{"id": 1, "ok": true, "tags": ["a\xb", "b"], "p": {"x": null}}'),
  (23, '{"id": 1, "ok": true, "tags": ["\u00e9", "b"], "p": {"x": null}}'),
  (24, '{"id": 1, "ok": true, "tags": ["\u12", "b"], "p": {"x": null}}'),
  (25, '{"id": 1, "ok": true, "tags": ["a\", "b"], "p": {"x": null}}'),
  (26, '{"id": 1, "ok": true, "tags": ["a\\", "b"], "p": {"x": 1\}}');
SELECT n, fraiseql.is_json(t), pg_is_json(t)
FROM (SELECT * FROM shapes ORDER BY n OFFSET 0) s;

-- deep nesting (issue 17): text::json raises "stack depth limit exceeded" on
-- 100k open brackets, so is_json says false instead of raising; a document
-- deeper than simdjson's limit that text::json accepts is still true
SELECT fraiseql.is_json(repeat('[', 100000)) AS deep_open,
       pg_is_json(repeat('[', 100000)) AS pg_deep_open,
       fraiseql.is_json(repeat('[', 100000) || repeat(']', 100000)) AS deep_closed,
       pg_is_json(repeat('[', 100000) || repeat(']', 100000)) AS pg_deep_closed,
       fraiseql.is_json(repeat('{"a":', 3000) || '1' || repeat('}', 3000)) AS deep_3000,
       pg_is_json(repeat('{"a":', 3000) || '1' || repeat('}', 3000)) AS pg_deep_3000;
SET fraiseql.enable_simd = off;
SELECT fraiseql.is_json(repeat('[', 100000)) AS deep_open_no_simd;
RESET fraiseql.enable_simd;
