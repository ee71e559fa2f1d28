-- pgTAP: the operator families over PostgreSQL types (SPEC section 3) -- full text
-- (matches plain_query phrase_query websearch_query, "config"), network (is_ipv4 ...
-- is_link_local, in_subnet contains_subnet overlaps), ranges (overlaps contains_date adjacent
-- strictly_left strictly_right not_left not_right, "type") and ltree (ancestor_of ...
-- depth_lte) -- return exactly the rows of hand-written SQL on a jsonb source and the same
-- rows as json (simd on and off), and count() agrees; several answers are pinned by hand.
-- Edge values: missing keys, JSON null, IPv6 addresses, subnets of both families, ltree
-- roots, unbounded and empty ranges; errors: tsquery syntax (42601), unknown
-- configurations (42704), invalid inet, ltree and range text (their SQLSTATEs), wrong kinds
-- and types (22023).  (Without the ltree extension: sql/operators.sql.)
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS fraiseql;
CREATE EXTENSION IF NOT EXISTS ltree;
SELECT no_plan();
SET LOCAL default_text_search_config = 'pg_catalog.english';

CREATE TABLE tv_t (id int PRIMARY KEY, data jsonb);
INSERT INTO tv_t VALUES
 (1, '{"id": 1, "body": "The quick brown fox jumps over the lazy dog", "ip": "10.1.2.3", "net": "10.0.0.0/8",
       "period": "[2024-01-01,2024-02-01)", "r": "[1,5)", "at": "[2024-01-01 00:00+00,2024-01-02 00:00+00)",
       "path": "top.science.physics"}'),
 (2, '{"id": 2, "body": "Cats and dogs living together", "ip": "192.168.0.1", "net": "192.168.0.0/16",
       "period": "[2024-01-15,)", "r": "[5,10)", "path": "top"}'),
 (3, '{"id": 3, "body": null, "ip": null, "net": null, "period": "empty", "r": "empty", "path": null}'),
 (4, '{"id": 4}'),
 (5, '{"id": 5, "body": "a fox", "ip": "fe80::1", "net": "fe80::/10", "period": "(,2024-01-01)",
       "r": "(,0)", "path": "top.art"}'),
 (6, '{"id": 6, "body": "dog", "ip": "8.8.8.8", "net": "8.8.8.0/24", "period": "[2023-12-01,2024-01-01)",
       "r": "[10,)", "path": "other.science.physics.quantum"}'),
 (7, '{"id": 7, "body": "foxes jumping quickly", "ip": "2001:4860::8888", "net": "2001:4860::/32",
       "period": "[2024-01-01,2024-01-02)", "r": "[3,4)", "path": "top.science.chemistry"}'),
 (8, '{"id": 8, "body": "the", "ip": "224.0.0.1", "period": "(,)", "path": "Top"}'),
 (9, '{"id": 9, "body": "fox-dog hybrid", "ip": "169.254.10.10"}'),
 (10, '{"id": 10, "ip": "ff02::1"}'),
 (11, '{"id": 11, "ip": "127.0.0.1"}'),
 (12, '{"id": 12, "ip": "fd12::1"}'),
 (13, '{"id": 13, "ip": "2001:db8::1"}'),
 (14, '{"id": 14, "ip": "100.64.0.1"}'),
 (15, '{"id": 15, "ip": "::1"}'),
 (16, '{"id": 16, "ip": "172.20.1.1"}');
CREATE TABLE tv_t_json (id int PRIMARY KEY, data json);
INSERT INTO tv_t_json SELECT id, data::json FROM tv_t;

SET test.op_table = 'tv_t';
\ir lib/operator_checks.sql

-- full text, with the session's configuration and with "config"
SELECT check_op('{"body": {"matches": "fox & dog"}}', $$to_tsvector(data->>'body') @@ to_tsquery('fox & dog')$$, '{1,9}');
SELECT check_op('{"body": {"matches": "jump:*"}}', $$to_tsvector(data->>'body') @@ to_tsquery('jump:*')$$, '{1,7}');
SELECT check_op('{"body": {"search": "!fox"}}', $$to_tsvector(data->>'body') @@ to_tsquery('!fox')$$, '{2,6,8}');
SELECT check_op('{"body": {"plain_query": "quick foxes"}}', $$to_tsvector(data->>'body') @@ plainto_tsquery('quick foxes')$$, '{1,7}');
SELECT check_op('{"body": {"plainQuery": "fox", "config": "simple"}}',
                $$to_tsvector('simple', data->>'body') @@ plainto_tsquery('simple', 'fox')$$, '{1,5,9}');
SELECT check_op('{"body": {"phrase_query": "brown fox"}}', $$to_tsvector(data->>'body') @@ phraseto_tsquery('brown fox')$$, '{1}');
SELECT check_op('{"body": {"phraseto_tsquery": "fox dog"}}', $$to_tsvector(data->>'body') @@ phraseto_tsquery('fox dog')$$, '{9}');
SELECT check_op('{"body": {"websearch_query": "fox -dog"}}', $$to_tsvector(data->>'body') @@ websearch_to_tsquery('fox -dog')$$, '{5,7}');
SELECT check_op('{"body": {"websearchQuery": "\"lazy dog\" or cats", "config": "english"}}',
                $$to_tsvector('english', data->>'body') @@ websearch_to_tsquery('english', '"lazy dog" or cats')$$, '{1,2}');
-- a query of stop words only matches nothing (PostgreSQL notices it)
SET LOCAL client_min_messages = warning;
SELECT check_op('{"body": {"plain_query": "the"}}', $$to_tsvector(data->>'body') @@ plainto_tsquery('the')$$, '{}');
RESET client_min_messages;
-- the session's configuration at the call, not at translation
SET LOCAL default_text_search_config = 'pg_catalog.simple';
SELECT check_op('{"body": {"matches": "the"}}', $$to_tsvector(data->>'body') @@ to_tsquery('the')$$, '{1,8}');
SET LOCAL default_text_search_config = 'pg_catalog.english';

-- with "config", the statement has an expression index's form: the index serves it
CREATE INDEX tv_t_body_fts ON tv_t USING gin (to_tsvector('english', data->>'body'));
CREATE FUNCTION plan_of(filter jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE q record; line text; result text := '';
BEGIN
  SELECT * INTO q FROM fraiseql.to_sql('tv_t', filter);
  EXECUTE 'PREPARE fts_plan AS ' || q.sql;
  FOR line IN EXECUTE format('EXPLAIN (COSTS OFF) EXECUTE fts_plan(%L)', q.params->>0) LOOP
    result := result || line || E'\n';
  END LOOP;
  DEALLOCATE fts_plan;
  RETURN result;
END $$;
SET LOCAL enable_seqscan = off;
SELECT matches(plan_of('{"body": {"websearch_query": "fox", "config": "english"}}'), 'Bitmap Index Scan on tv_t_body_fts',
               'a GIN index on to_tsvector(''english'', data->>''body'') serves websearch_query with config english');
SELECT doesnt_match(plan_of('{"body": {"websearch_query": "fox", "config": "simple"}}'), 'tv_t_body_fts',
                    'and not another configuration');
RESET enable_seqscan;
SELECT check_op('{"body": {"phrase_query": "lazy dog", "config": "english"}}',
                $$to_tsvector('english', data->>'body') @@ phraseto_tsquery('english', 'lazy dog')$$, '{1}');

-- network: the classes, IPv4 and IPv6, true and false
SELECT check_op('{"ip": {"is_ipv4": true}}', $$family((data->>'ip')::inet) = 4$$, '{1,2,6,8,9,11,14,16}');
SELECT check_op('{"ip": {"isIPv6": true}}', $$family((data->>'ip')::inet) = 6$$, '{5,7,10,12,13,15}');
SELECT check_op('{"ip": {"is_ipv4": false}}', $$family((data->>'ip')::inet) <> 4$$, '{5,7,10,12,13,15}');
SELECT check_op('{"ip": {"is_private": true}}',
  $$(data->>'ip')::inet << '10.0.0.0/8' OR (data->>'ip')::inet << '172.16.0.0/12' OR (data->>'ip')::inet << '192.168.0.0/16'
    OR (data->>'ip')::inet << 'fc00::/7'$$, '{1,2,12,16}');
SELECT check_op('{"ip": {"isPrivate": false}}',
  $$NOT ((data->>'ip')::inet << '10.0.0.0/8' OR (data->>'ip')::inet << '172.16.0.0/12' OR (data->>'ip')::inet << '192.168.0.0/16'
    OR (data->>'ip')::inet << 'fc00::/7')$$);
SELECT check_op('{"ip": {"is_loopback": true}}', $$(data->>'ip')::inet << '127.0.0.0/8' OR (data->>'ip')::inet = '::1'$$, '{11,15}');
SELECT check_op('{"ip": {"is_link_local": true}}', $$(data->>'ip')::inet << '169.254.0.0/16' OR (data->>'ip')::inet << 'fe80::/10'$$, '{5,9}');
SELECT check_op('{"ip": {"isMulticast": true}}', $$(data->>'ip')::inet << '224.0.0.0/4' OR (data->>'ip')::inet << 'ff00::/8'$$, '{8,10}');
SELECT check_op('{"ip": {"is_public": true}}', $$id IN (6, 7)$$, '{6,7}');
SELECT check_op('{"ip": {"is_public": false}}', $$data->>'ip' IS NOT NULL AND id NOT IN (6, 7)$$);
-- subnets: <<=, >>=, &&, an address or a subnet, the other family never matching
SELECT check_op('{"ip": {"in_subnet": "10.0.0.0/8"}}', $$(data->>'ip')::inet <<= '10.0.0.0/8'$$, '{1}');
SELECT check_op('{"ip": {"inRange": "2001:4860::/32"}}', $$(data->>'ip')::inet <<= '2001:4860::/32'$$, '{7}');
SELECT check_op('{"net": {"in_subnet": "192.168.0.0/16"}}', $$(data->>'net')::inet <<= '192.168.0.0/16'$$, '{2}');
SELECT check_op('{"net": {"contains_subnet": "10.1.0.0/16"}}', $$(data->>'net')::inet >>= '10.1.0.0/16'$$, '{1}');
SELECT check_op('{"net": {"subnet_contains": "fe80::1234"}}', $$(data->>'net')::inet >>= 'fe80::1234'$$, '{5}');
SELECT check_op('{"net": {"overlaps": "8.0.0.0/8", "type": "inet"}}', $$(data->>'net')::inet && '8.0.0.0/8'$$, '{6}');
SELECT check_op('{"net": {"subnet_overlaps": "0.0.0.0/0", "type": "cidr"}}', $$(data->>'net')::cidr && '0.0.0.0/0'::cidr$$, '{1,2,6}');

-- ranges: daterange by default, unbounded and empty ranges
SELECT check_op('{"period": {"overlaps": "[2024-01-10,2024-01-20)"}}',
                $$(data->>'period')::daterange && '[2024-01-10,2024-01-20)'$$, '{1,2,8}');
SELECT check_op('{"period": {"contains_date": "2024-01-01"}}', $$(data->>'period')::daterange @> '2024-01-01'::date$$, '{1,7,8}');
SELECT check_op('{"period": {"containsDate": "2023-06-01"}}', $$(data->>'period')::daterange @> '2023-06-01'::date$$, '{5,8}');
SELECT check_op('{"period": {"adjacent": "[2024-01-01,2024-03-01)"}}', $$(data->>'period')::daterange -|- '[2024-01-01,2024-03-01)'$$, '{5,6}');
SELECT check_op('{"period": {"strictly_left": "[2024-01-01,)"}}', $$(data->>'period')::daterange << '[2024-01-01,)'$$, '{5,6}');
SELECT check_op('{"period": {"strictly_right": "(,2024-01-01)"}}', $$(data->>'period')::daterange >> '(,2024-01-01)'$$, '{1,2,7}');
SELECT check_op('{"period": {"not_left": "[2024-01-01,2024-01-05)"}}', $$(data->>'period')::daterange &> '[2024-01-01,2024-01-05)'$$, '{1,2,7}');
SELECT check_op('{"period": {"not_right": "[2024-01-01,2024-01-05)"}}', $$(data->>'period')::daterange &< '[2024-01-01,2024-01-05)'$$, '{5,6,7}');
SELECT check_op('{"period": {"overlaps": "empty"}}', $$(data->>'period')::daterange && 'empty'$$, '{}');
-- other range types with "type"
SELECT check_op('{"r": {"overlaps": "[4,6)", "type": "int4range"}}', $$(data->>'r')::int4range && '[4,6)'$$, '{1,2}');
SELECT check_op('{"r": {"contains_date": 3, "type": "int4range"}}', $$(data->>'r')::int4range @> 3$$, '{1,7}');
SELECT check_op('{"r": {"contains_date": "12", "type": "int8range"}}', $$(data->>'r')::int8range @> 12::bigint$$, '{6}');
SELECT check_op('{"r": {"strictly_left": "[0,1]", "type": "numrange"}}', $$(data->>'r')::numrange << '[0,1]'::numrange$$, '{5}');
SELECT check_op('{"at": {"contains_date": "2024-01-01 12:00+00", "type": "tstzrange"}}',
                $$(data->>'at')::tstzrange @> '2024-01-01 12:00+00'::timestamptz$$, '{1}');
SELECT check_op('{"at": {"overlaps": "[2024-01-01 23:00,2024-01-03)", "type": "tsrange"}}',
                $$(data->>'at')::tsrange && '[2024-01-01 23:00,2024-01-03)'::tsrange$$, '{1}');

-- ltree: roots, descendants, queries, depth
SELECT check_op('{"path": {"ancestor_of": "top.science.physics"}}', $$(data->>'path')::ltree @> 'top.science.physics'$$, '{1,2}');
SELECT check_op('{"path": {"descendant_of": "top"}}', $$(data->>'path')::ltree <@ 'top'$$, '{1,2,5,7}');
SELECT check_op('{"path": {"isdescendant": "top.science"}}', $$(data->>'path')::ltree <@ 'top.science'$$, '{1,7}');
SELECT check_op('{"path": {"matches_lquery": "*.science.*"}}', $$(data->>'path')::ltree ~ '*.science.*'$$, '{1,6,7}');
SELECT check_op('{"path": {"matchesLquery": "top|Top"}}', $$(data->>'path')::ltree ~ 'top|Top'$$, '{2,8}');
SELECT check_op('{"path": {"matches_ltxtquery": "physics & !quantum"}}', $$(data->>'path')::ltree @ 'physics & !quantum'$$, '{1}');
SELECT check_op('{"path": {"matches_any_lquery": ["top.art", "*.quantum"]}}',
                $$(data->>'path')::ltree ? array['top.art', '*.quantum']::lquery[]$$, '{5,6}');
SELECT check_op('{"path": {"matches_any_lquery": []}}', $$(data->>'path')::ltree ? '{}'::lquery[]$$, '{}');
SELECT check_op('{"path": {"depth_eq": 1}}', $$nlevel((data->>'path')::ltree) = 1$$, '{2,8}');
SELECT check_op('{"path": {"depth_neq": 1}}', $$nlevel((data->>'path')::ltree) <> 1$$, '{1,5,6,7}');
SELECT check_op('{"path": {"depth_gt": 2}}', $$nlevel((data->>'path')::ltree) > 2$$, '{1,6,7}');
SELECT check_op('{"path": {"depthGte": 3, "depth_lt": 4}}', $$nlevel((data->>'path')::ltree) BETWEEN 3 AND 3$$, '{1,7}');
SELECT check_op('{"path": {"depth_lte": 0}}', $$nlevel((data->>'path')::ltree) <= 0$$, '{}');
-- the SQL names ltree's types and operators in the extension's schema, so a search_path
-- without it still works
CREATE SCHEMA other;
SET LOCAL search_path = other;
CREATE TABLE public.got AS
SELECT public.fq_ids('public.tv_t', '{"path": {"descendant_of": "top.science", "depth_gt": 2}}', true) AS ids;
RESET search_path;
SELECT is((SELECT ids FROM got), '{1,7}', 'ltree operators without the extension on the search_path');

-- errors
CREATE FUNCTION err(filter jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE s text; d text;
BEGIN
  PERFORM count(*) FROM fraiseql.stream('tv_t', filter);
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, d = PG_EXCEPTION_DETAIL;
  RETURN s || ' ' || coalesce(d, '');
END $$;
SELECT is(err('{"body": {"matches": "fox &"}}'), '42601 The operand of operator "matches" on field "body" does not convert.',
          'a tsquery syntax error: 42601, the field in the detail');
SELECT is(err('{"body": {"matches": "fox &"}}'), '42601 The operand of operator "matches" on field "body" does not convert.',
          'again, on the remembered shape');
SELECT is(err('{"body": {"matches": "(fox"}}'), '42601 The operand of operator "matches" on field "body" does not convert.',
          'an unbalanced tsquery: 42601');
SELECT is(err('{"body": {"matches": "fox", "config": "no_such_config"}}'),
          '42704 The "config" of operator "matches" on field "body" names it.', 'an unknown config: 42704');
SELECT is(err('{"body": {"matches": "fox", "config": 1}}'), '22023 ', 'a config that is no string: 22023');
SELECT is(err('{"body": {"eq": "fox", "config": "simple"}}'), '22023 ', 'a config without a full-text operator: 22023');
SELECT is(err('{"body": {"matches": 1}}'), '22023 ', 'a full-text query that is no string: 22023');
SELECT is(err('{"ip": {"in_subnet": "10.0.0.0/33"}}'), '22P02 The operand of operator "in_subnet" on field "ip" does not convert.',
          'an invalid subnet: 22P02');
SELECT is(err('{"ip": {"contains_subnet": "nope"}}'), '22P02 The operand of operator "contains_subnet" on field "ip" does not convert.',
          'an invalid address: 22P02');
SELECT is(err('{"ip": {"is_private": "yes"}}'), '22023 ', 'is_private of a string: 22023');
SELECT is(err('{"ip": {"in_subnet": "10.0.0.0/8", "type": "date"}}'), '22023 ', 'a network operator with type date: 22023');
SELECT is(err('{"period": {"overlaps": "[2024-01-01"}}'), '22P02 Unexpected end of input. The operand of operator "overlaps" on field "period" does not convert.',
          'malformed range text: 22P02');
SELECT is(err('{"period": {"overlaps": "[2024-02-01,2024-01-01)"}}'), '22000 The operand of operator "overlaps" on field "period" does not convert.',
          'a range whose bounds are reversed: 22000');
SELECT is(err('{"period": {"contains_date": "not a date"}}'), '22007 The operand of operator "contains_date" on field "period" does not convert.',
          'an invalid date: 22007');
SELECT is(err('{"period": {"adjacent": 5}}'), '22023 ', 'a range of a number: 22023');
SELECT is(err('{"period": {"overlaps": "[1,2)", "type": "integer"}}'), '22023 ', 'a range operator with type integer: 22023');
SELECT is(err('{"path": {"ancestor_of": "a..b"}}'), '42601 The operand of operator "ancestor_of" on field "path" does not convert.',
          'an invalid ltree: 42601');
SELECT is(err('{"path": {"matches_lquery": "a.{"}}'), '42601 The operand of operator "matches_lquery" on field "path" does not convert.',
          'an invalid lquery: 42601');
SELECT is(err('{"path": {"matches_ltxtquery": "a & & b"}}'), '42601 The operand of operator "matches_ltxtquery" on field "path" does not convert.',
          'an invalid ltxtquery: 42601');
SELECT is(err('{"path": {"matches_any_lquery": ["a", 1]}}'), '22023 ', 'an lquery list with a number: 22023');
SELECT is(err('{"path": {"depth_eq": -1}}'), '22023 ', 'a negative depth: 22023');
SELECT is(err('{"path": {"depth_eq": "1"}}'), '22023 ', 'a depth as a string: 22023');

SELECT * FROM finish();
ROLLBACK;
