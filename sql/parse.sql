-- fraiseql.parse(text) against text::jsonb, and fraiseql.is_json(text)
-- against text::json, on a hand-made corpus and on generated documents with
-- random mutations: the same acceptance, the same SQLSTATE, equal values.
-- The JSON writer's text for every accepted document equals jsonb's own.
CREATE TEMP TABLE corpus (n serial, t text);
INSERT INTO corpus (t) VALUES
  ('{}'), ('[]'), ('null'), ('true'), ('false'), ('0'), ('-0'), ('-0.0'), ('1.5e10'),
  ('1E+2'), ('1e-2'), ('0.000001'), ('123456789012345678901234567890.123456789'),
  ('1e400'), ('-1e-400'), ('9223372036854775808'), ('-9223372036854775809'),
  ('1.7976931348623157e309'), ('4.9e-325'),
  ('"a"'), ('""'), ('"\"\\\/\b\f\n\r\t"'), ('"\u00e9\u65e5\ud83d\ude00"'), ('"é日😀"'),
  ('"\u0000"'), ('"a\u0000b"'), ('{"\u0000": 1}'), ('"\ud800"'), ('"\udc00"'), ('"\ud800x"'),
  ('"\uDFFF\uD800"'), ('"\u001f"'),
  ('{"a": 1, "a": 2}'), ('{"a": {"b": 1}, "a": [1]}'), ('{"b": 1, "a": 2, "": 3}'),
  (' {"a" : [ 1 , 2 ] } '), (E'\t[\n1\r]\n'), ('[[[[[[[[[[]]]]]]]]]]'),
  (repeat('[', 3000) || repeat(']', 3000)),
  ('{"k": "' || repeat('x', 100000) || '"}'),
  -- invalid
  (''), (' '), ('{'), ('}'), ('{"a"}'), ('{"a": }'), ('{"a" 1}'), ('{"a": 1,}'), ('[1,]'),
  ('[1 2]'), ('[,1]'), ('01'), ('1.'), ('.5'), ('+1'), ('1e'), ('1e+'), ('-'), ('--1'),
  ('NaN'), ('Infinity'), ('-Infinity'), ('tru'), ('nul'), ('falsey'), ('truex'), ('"abc'),
  ('"\x"'), ('"\u12"'), ('"\u12G4"'), (E'"a\nb"'), (E'"\t"'), (E'"\x01"'), ('{"a": 1} x'),
  ('[] []'), ('1 2'), ('{a: 1}'), ($$'a'$$), ('[1, 2'), ('{"a": [}'), ('"\'), ('//c'),
  ('/* c */ 1'), ('{"a": 1}}'), ('[1]]'), (E'\u00a01'), ('0x10'), ('1_000'),
  -- where the tokenizer reads a value's end off the next structural character
  (E'[true , false\t,null\n, 1 ,"x" ]'), (E'{"a" : "x" , "b":"y"\n}'), ('"abc"def'),
  ('{"a": 1}{"b": 2}'), ('[1]x'), ('[1]"x"'), ('{"a": tru e}'), ('{"a": "b" "c"}'),
  ('[1 ,]'), ('{"a" "b"}'), ('{"a": 1 "b": 2}'), (E'{"a\\": "\\\""}'),
  -- keys already in jsonb's order, nearly, escaped, repeated
  ('{"b": 1, "ab": 2, "abc": 3}'), ('{"ab": 1, "b": 2}'), ('{"b": 1, "c": 2, "a": 3}'),
  ('{"\u0062": 1, "a": 2}'), ('{"a": 1, "b": 2, "b": 3}'), ('{"a": {"y": 1, "x": 2}, "b": [{"d": 1, "c": 2}]}');

-- generated documents: nested objects and arrays of random scalars
SELECT setseed(0.42);
CREATE FUNCTION random_json(depth int) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE r float8 := random(); n int; result jsonb;
BEGIN
  IF depth > 0 AND r < 0.25 THEN
    SELECT coalesce(jsonb_object_agg('k' || (random() * 20)::int || chr(1 + (random() * 500)::int), random_json(depth - 1)), '{}')
      INTO result FROM generate_series(1, (random() * 5)::int);
    RETURN result;
  ELSIF depth > 0 AND r < 0.45 THEN
    SELECT coalesce(jsonb_agg(random_json(depth - 1)), '[]') INTO result
      FROM generate_series(1, (random() * 5)::int);
    RETURN result;
  ELSIF r < 0.6 THEN
    RETURN to_jsonb((SELECT coalesce(string_agg(chr(CASE (random() * 4)::int
                                             WHEN 0 THEN 1 + (random() * 126)::int
                                             WHEN 1 THEN 160 + (random() * 2000)::int
                                             WHEN 2 THEN 65536 + (random() * 60000)::int
                                             ELSE 32 + (random() * 90)::int END), ''), '')
                     FROM generate_series(1, (random() * 12)::int)));
  ELSIF r < 0.8 THEN
    RETURN to_jsonb(round(((random() - 0.5) * 10 ^ (random() * 30)::int)::numeric, (random() * 20)::int));
  ELSIF r < 0.9 THEN
    RETURN to_jsonb(random() < 0.5);
  ELSE
    RETURN 'null';
  END IF;
END $$;
INSERT INTO corpus (t) SELECT coalesce(random_json(4), '""')::text FROM generate_series(1, 300);
-- the same documents with \u escapes, exponents and extra whitespace
INSERT INTO corpus (t)
SELECT regexp_replace(regexp_replace(regexp_replace(t, '([,:\[{])', E'\\1 \n\t', 'g'),
                                     '"([a-z])', '"\\u00e9\1', 'g'),
                      '([0-9])([,\]}])', '\1e-3\2', 'g')
FROM corpus WHERE n > 90 AND n <= 190;
-- and mutated: a character deleted, or one of JSON's own inserted
INSERT INTO corpus (t)
SELECT CASE WHEN random() < 0.5
            THEN overlay(t PLACING '' FROM 1 + (random() * (length(t) - 1))::int FOR 1)
            ELSE overlay(t PLACING substr('{}[],:"\0123e.-+ tfn', 1 + (random() * 20)::int, 1)
                         FROM 1 + (random() * (length(t) - 1))::int FOR 0) END
FROM corpus, generate_series(1, 3) WHERE length(t) > 1;

CREATE FUNCTION pg_jsonb(t text, OUT ok boolean, OUT state text, OUT val jsonb) LANGUAGE plpgsql AS $$
BEGIN
  val := t::jsonb; ok := true;
EXCEPTION WHEN others THEN
  ok := false; state := SQLSTATE;
END $$;
CREATE FUNCTION fq_jsonb(t text, OUT ok boolean, OUT state text, OUT val jsonb) LANGUAGE plpgsql AS $$
BEGIN
  val := fraiseql.parse(t); ok := true;
EXCEPTION WHEN others THEN
  ok := false; state := SQLSTATE;
END $$;
CREATE FUNCTION pg_json_ok(t text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM t::json; RETURN true;
EXCEPTION WHEN others THEN RETURN false;
END $$;

CREATE TEMP TABLE verdicts AS
SELECT n, t, (pg_jsonb(t)).*, (fq_jsonb(t)).ok AS fq_ok, (fq_jsonb(t)).state AS fq_state,
       (fq_jsonb(t)).val AS fq_val, pg_json_ok(t) AS json_ok, fraiseql.is_json(t) AS fq_json_ok
FROM corpus;

SELECT count(*) > 1500 AS big_corpus,
       count(*) FILTER (WHERE ok) > 400 AS many_valid,
       count(*) FILTER (WHERE NOT ok) > 400 AS many_invalid
FROM verdicts;
-- every disagreement would be listed: acceptance, SQLSTATE, value
SELECT n, left(t, 60) AS input, ok, state, fq_ok, fq_state
FROM verdicts
WHERE ok IS DISTINCT FROM fq_ok OR state IS DISTINCT FROM fq_state
   OR val IS DISTINCT FROM fq_val OR json_ok IS DISTINCT FROM fq_json_ok;
-- equal as text too (same numeric scale, same key order)
SELECT count(*) AS text_differs FROM verdicts WHERE ok AND val::text <> fq_val::text;
-- and byte for byte: parse() writes jsonb's binary format itself (offsets every
-- 32 entries, alignment, sorted and de-duplicated keys, numerics)
CREATE CAST (jsonb AS bytea) WITHOUT FUNCTION;
SELECT count(*) AS bytes_differ FROM verdicts WHERE ok AND val::bytea <> fq_val::bytea;
SELECT count(*) AS big_documents_bytes_differ
FROM (SELECT n, '{' || string_agg('"k' || (g % 50) || '": ' ||
                                 CASE g % 4 WHEN 0 THEN '"s' || g || '"' WHEN 1 THEN (g * 1.5)::text
                                            WHEN 2 THEN '[' || g || ', {"x": null, "y": [true]}]' ELSE '-0' END,
                                 ', ' ORDER BY g) || '}' AS t
      FROM generate_series(1, 400, 13) n, generate_series(1, n) g GROUP BY n) d
WHERE fraiseql.parse(t)::bytea <> t::jsonb::bytea;
DROP CAST (jsonb AS bytea);
-- the SQLSTATEs seen: 22P02 for syntax, 22P05 for \u0000
SELECT state, count(*) > 0 AS seen FROM verdicts WHERE NOT ok GROUP BY state ORDER BY state;
-- with simdjson off, the same
SET fraiseql.enable_simd = off;
SELECT count(*) AS disagreements_without_simd FROM verdicts
WHERE (fq_jsonb(t)).val IS DISTINCT FROM val OR fraiseql.is_json(t) IS DISTINCT FROM json_ok;
RESET fraiseql.enable_simd;

-- the writer: stream() of every accepted document gives jsonb's own text
CREATE TABLE tv_corpus (id int PRIMARY KEY, data jsonb);
INSERT INTO tv_corpus SELECT n, val FROM verdicts WHERE ok;
SELECT count(*) AS written, count(*) FILTER (WHERE s::text = c.data::text) AS same_text
FROM fraiseql.stream('tv_corpus', order_by => '[{"field": "id"}]', chunk_size => 50) WITH ORDINALITY AS x(s, i)
JOIN (SELECT row_number() OVER (ORDER BY id) AS i, data FROM tv_corpus) c USING (i);
-- and as sets, in the scan's order
SELECT count(*) AS missing FROM (SELECT data::text FROM tv_corpus EXCEPT ALL
                                 SELECT s::text FROM fraiseql.stream('tv_corpus') s) d;
-- the error message is PostgreSQL's own
SELECT fraiseql.parse('{"a": }');
SELECT fraiseql.parse('"\u0000"');
-- an escaped backslash before "u0000" is no NUL; a real \u0000 anywhere is refused
SELECT fraiseql.parse('{"a": "\\u0000", "b": "\\\\u0000x"}') = '{"a": "\\u0000", "b": "\\\\u0000x"}'::jsonb AS escaped_backslash_ok;
SELECT fraiseql.parse('{"a": ["ok", {"b": "\u0000"}]}');
-- jsonb_in converts every number, also one a later duplicate key replaces, and
-- refuses one out of numeric's range: so does parse(); exponents in range are kept
SELECT fraiseql.parse('{"g": 1e-400000, "g": 1}');
SELECT '{"g": 1e-400000, "g": 1}'::jsonb;
SELECT fraiseql.parse('[1e5, 1.5E-30, -2e+40, 0.000e0, 7e-100]')::text =
       '[1e5, 1.5E-30, -2e+40, 0.000e0, 7e-100]'::jsonb::text AS exponents_same,
       fraiseql.parse('[1e5, 1.5E-3, -2e+4, 0.000e0]') AS exponents;
-- a projected json row with such a number fails as with simd off, selected or not
CREATE TABLE tv_bignum (id int, data json);
INSERT INTO tv_bignum VALUES (1, '{"a": 1, "b": 1e-20000, "a": 2}');
SELECT * FROM fraiseql.stream('tv_bignum', selection => 'a');
SET fraiseql.enable_simd = off;
SELECT * FROM fraiseql.stream('tv_bignum', selection => 'a');
RESET fraiseql.enable_simd;
DROP TABLE tv_bignum;
-- a deep document needs no more C stack than jsonb_in: 600 nested objects in 300kB
SET max_stack_depth = '300kB';
SELECT fraiseql.parse(d) = d::jsonb AS deep_same
FROM (SELECT repeat('{"a": ', 600) || '1' || repeat('}', 600) AS d) s;
RESET max_stack_depth;
-- a large document's parser buffers (about ten bytes per byte of text, outside
-- PostgreSQL's memory contexts) are given back by the next, smaller, call
CREATE FUNCTION rss_kb() RETURNS bigint LANGUAGE sql
AS $$ SELECT substring(pg_read_file('/proc/self/status') FROM 'VmRSS:\s+(\d+) kB')::bigint $$;
CREATE TEMP TABLE big_doc AS
SELECT (SELECT jsonb_agg(jsonb_build_object('k', i, 'v', 'x' || i))
        FROM generate_series(1, 400000) i)::text AS t;
SELECT jsonb_array_length(fraiseql.parse(t)) AS elements FROM big_doc;
SELECT rss_kb() AS rss_big \gset
SELECT fraiseql.parse('[1]');
SELECT :rss_big - rss_kb() > 60000 AS parse_gave_back_over_60mb;
SELECT fraiseql.is_json(t) AS valid FROM big_doc;
SELECT rss_kb() AS rss_big \gset
SELECT fraiseql.is_json('[1]');
SELECT :rss_big - rss_kb() > 10000 AS is_json_gave_back_over_10mb;
DROP FUNCTION rss_kb();
