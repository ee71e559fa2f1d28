-- fraiseql.to_sql() pins the SQL of the operator families of issue 20 (SPEC section 3):
-- negations, jsonb keys and paths, full text, network, ranges, ltree, and the quantifiers
-- _some/_every/_none.  Keys are quoted literals, operands parameters, and the text depends
-- on the shape alone.  The ltree operators are first tried without the extension (42704).
CREATE TABLE tv_ops (id integer, tenant_id integer, addr inet, path text, data jsonb);
CREATE TABLE tv_ops_json (id integer, data json);
CREATE FUNCTION show_ops(filter jsonb, source regclass DEFAULT 'tv_ops')
RETURNS TABLE (sql text, params jsonb) LANGUAGE sql AS
$$ SELECT * FROM fraiseql.to_sql(source, filter) $$;
\pset format unaligned
\pset fieldsep ' | '
\pset tuples_only on
SET default_text_search_config = 'pg_catalog.english';

-- negations
SELECT * FROM show_ops('{"s": {"nlike": "a%", "nilike": "b_"}}');
SELECT * FROM show_ops('{"s": {"nregex": "^a", "niregex": "^b", "notMatches": "c"}}');
SELECT * FROM show_ops('{"s": {"is_not_null": true}, "t": {"isNotNull": false}}');
SELECT * FROM show_ops('{"tags": {"len_neq": 2}}');
SELECT * FROM show_ops('{"tags": {"array_length_gte": 2, "contained_by": ["a"]}}');
SELECT * FROM show_ops('{"path": {"nlike": "a%"}}');
-- jsonb keys and paths
SELECT * FROM show_ops('{"doc": {"has_any_keys": ["a", "b"], "has_all_keys": ["c"]}}');
SELECT * FROM show_ops('{"doc": {"strictly_contains": {"a": [1, 2]}}}');
SELECT * FROM show_ops('{"doc": {"path_exists": "$.a[*] ? (@ > 1)", "path_match": "$.b == \"x\""}}');
SELECT * FROM show_ops('{"doc": {"pathExists": "$.a"}}', 'tv_ops_json');
-- full text
SELECT * FROM show_ops('{"body": {"matches": "fox & dog"}}');
SELECT * FROM show_ops('{"body": {"plain_query": "fox dog", "config": "simple"}}');
SELECT * FROM show_ops('{"body": {"phrase_query": "brown fox", "config": "pg_catalog.english"}}');
SELECT * FROM show_ops('{"body": {"websearch_query": "fox -dog"}}', 'tv_ops_json');
SELECT * FROM show_ops('{"path": {"matches": "apples"}}');
-- a configuration of a schema of its own is named in it
CREATE SCHEMA fts;
CREATE TEXT SEARCH CONFIGURATION fts."My Config" (COPY = pg_catalog.simple);
SET search_path = public, fts;
SELECT * FROM show_ops('{"body": {"matches": "Foxes", "config": "\"My Config\""}}');
RESET search_path;
SELECT * FROM show_ops('{"body": {"matches": "Foxes", "config": "fts.\"My Config\""}}');
SELECT * FROM show_ops('{"body": {"matches": "Foxes", "config": "\"My Config\""}}');
DROP TEXT SEARCH CONFIGURATION fts."My Config";
DROP SCHEMA fts;
-- network
SELECT * FROM show_ops('{"ip": {"is_ipv4": true, "is_ipv6": false}}');
SELECT * FROM show_ops('{"ip": {"is_private": true}}');
SELECT * FROM show_ops('{"ip": {"is_public": true}}');
SELECT * FROM show_ops('{"ip": {"is_loopback": false, "is_multicast": true, "is_link_local": true}}');
SELECT * FROM show_ops('{"ip": {"in_subnet": "10.0.0.0/8", "contains_subnet": "10.1.0.0/16"}}');
SELECT * FROM show_ops('{"net": {"overlaps": "10.0.0.0/8", "type": "cidr"}}');
SELECT * FROM show_ops('{"addr": {"inSubnet": "10.0.0.0/8"}, "path": {"is_ipv4": true}}');
SELECT * FROM show_ops('{"ip": {"in_subnet": "::1/128"}}', 'tv_ops_json');
-- ranges
SELECT * FROM show_ops('{"period": {"overlaps": "[2024-01-01,2024-02-01)", "contains_date": "2024-01-05"}}');
SELECT * FROM show_ops('{"period": {"adjacent": "[1,2)", "strictly_left": "[5,6)", "type": "int4range"}}');
SELECT * FROM show_ops('{"at": {"strictly_right": "[2024-01-01,)", "not_left": "(,)", "not_right": "empty", "type": "tstzrange"}}');
SELECT * FROM show_ops('{"r": {"contains_date": 5, "type": "numrange"}}');
SELECT * FROM show_ops('{"r": {"contains_date": "2024-01-01 10:00", "type": "tsrange"}}');
SELECT * FROM show_ops('{"r": {"overlaps": "[1,10]", "type": "int8range"}}');
-- quantifiers
SELECT * FROM show_ops('{"lines": {"_some": {"sku": {"eq": "x"}}}}');
SELECT * FROM show_ops('{"lines": {"_every": {"qty": {"gt": 0}}}}');
SELECT * FROM show_ops('{"lines": {"_none": {}}}');
SELECT * FROM show_ops('{"order": {"lines": {"_some": {"parts": {"_every": {"n": {"in": [1, 2]}}}, "_or": [{"a": {"eq": 1}}, {"b": {"isnull": true}}]}}}}');
SELECT * FROM show_ops('{"tags": {"_some": {"eq": "a"}, "len_gt": 1}}');
SELECT * FROM show_ops('{"lines": {"_some": {"sku": {"eq": "x"}}}}', 'tv_ops_json');
-- ltree: without the extension, 42704 and a hint
\set VERBOSITY default
SELECT * FROM show_ops('{"path": {"ancestor_of": "a.b"}}');
SELECT * FROM show_ops('{"path": {"depth_eq": 1}}');
SELECT * FROM show_ops('{"path": {"eq": "a.b", "type": "ltree"}}');
\set VERBOSITY terse
-- with it, in a schema of its own, named schema-qualified
CREATE SCHEMA ext;
CREATE EXTENSION ltree SCHEMA ext;
SELECT * FROM show_ops('{"path": {"ancestor_of": "a.b", "descendant_of": "a"}}');
SELECT * FROM show_ops('{"path": {"matches_lquery": "*.b.*", "matches_ltxtquery": "b & !c"}}');
SELECT * FROM show_ops('{"path": {"matches_any_lquery": ["a.*", "*.c"]}}');
SELECT * FROM show_ops('{"path": {"depth_eq": 1, "depth_neq": 2, "depth_gt": 0, "depth_gte": 1, "depth_lt": 9, "depth_lte": 8}}');
SELECT * FROM show_ops('{"path": {"eq": "a.b", "type": "ltree"}}');
SELECT * FROM show_ops('{"path": {"in": ["a.b", "c"], "gt": "a", "type": "ltree"}}');
SELECT * FROM show_ops('{"path": {"descendantOf": "a"}}', 'tv_ops_json');
SELECT * FROM show_ops('{"path": {"nlevel_eq": 1, "nlevelGte": 2}}');
-- and run: ext is not on the search_path
INSERT INTO tv_ops (id, path, data) VALUES (1, 'a.b', '{"p": "a.b.c"}'), (2, 'a', '{"p": "a"}'), (3, NULL, '{}');
SELECT fraiseql.count('tv_ops', '{"path": {"descendant_of": "a", "depth_gt": 1}, "p": {"in": ["a.b.c", "x"], "type": "ltree"}}');
SELECT fraiseql.count('tv_ops', '{"p": {"gt": "a", "type": "ltree"}}');
-- "type" ltree and inet order too
INSERT INTO tv_ops (id, data) VALUES (4, '{"p": "a.a", "ip": "10.0.0.2"}'), (5, '{"p": "b", "ip": "9.0.0.1"}'),
                                     (6, '{"ip": "::1"}');
SELECT string_agg(coalesce(s->>'p', '-'), ' ') FROM fraiseql.stream('tv_ops', NULL, '[{"field": "p", "type": "ltree"}]') s;
SELECT string_agg(s->>'ip', ' ') FROM fraiseql.stream('tv_ops', '{"ip": {"isnull": false}}', '[{"field": "ip", "type": "inet"}]') s;
DROP EXTENSION ltree;
DROP SCHEMA ext;
DROP FUNCTION show_ops;
DROP TABLE tv_ops, tv_ops_json;
