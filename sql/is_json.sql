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
