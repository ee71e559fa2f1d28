-- fraiseql.to_sql() pins the SQL that stream() runs, for every operator.
-- Keys appear as quoted literals, values only as parameters, and the text
-- depends on the filter's shape alone.
CREATE TABLE tv_doc (id uuid PRIMARY KEY, tenant_id integer, fk_owner bigint,
                     created timestamptz, data jsonb);
CREATE TABLE tv_doc_json (id uuid, data json);

CREATE FUNCTION show(filter jsonb, order_by jsonb DEFAULT NULL,
                     lim bigint DEFAULT NULL, off bigint DEFAULT NULL,
                     source regclass DEFAULT 'tv_doc')
RETURNS TABLE (sql text, params jsonb) LANGUAGE sql AS
$$ SELECT * FROM fraiseql.to_sql(source, filter, order_by, lim, off) $$;

\pset format unaligned
\pset fieldsep ' | '
\pset tuples_only on

-- comparisons: value kind decides the cast
SELECT * FROM show('{"status": {"eq": "active"}}');
SELECT * FROM show('{"rank": {"eq": 10}}');
SELECT * FROM show('{"verified": {"eq": true}}');
SELECT * FROM show('{"status": {"neq": "x"}, "rank": {"gt": 1, "lt": 5.5}}');
SELECT * FROM show('{"rank": {"gte": 1, "lte": 2}}');
-- explicit casts
SELECT * FROM show('{"createdAt": {"gte": "2024-01-01", "type": "timestamptz"}}');
SELECT * FROM show('{"day": {"lt": "2024-01-01", "type": "date"}}');
SELECT * FROM show('{"n": {"eq": "12", "type": "integer"}}');
SELECT * FROM show('{"n": {"eq": 12, "type": "bigint"}}');
SELECT * FROM show('{"ref": {"eq": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "type": "uuid"}}');
SELECT * FROM show('{"flag": {"eq": "true", "type": "boolean"}}');
SELECT * FROM show('{"s": {"eq": 5, "type": "text"}}');
SELECT * FROM show('{"ts": {"gt": "2024-01-01 10:00", "type": "timestamp"}}');
SELECT * FROM show('{"amount": {"gt": "1.50", "type": "numeric"}}');
-- lists: one array parameter whatever the length
SELECT * FROM show('{"status": {"in": ["a", "b", "c"]}}');
SELECT * FROM show('{"status": {"in": ["a"]}}');
SELECT * FROM show('{"rank": {"nin": [1, 2]}}');
SELECT * FROM show('{"status": {"notIn": []}}');
SELECT * FROM show('{"day": {"in": ["2024-01-01"], "type": "date"}}');
-- null tests
SELECT * FROM show('{"deletedAt": {"isnull": true}}');
SELECT * FROM show('{"deletedAt": {"isNull": false}}');
-- string operators: LIKE metacharacters in the value are escaped
SELECT * FROM show('{"email": {"contains": "50%_off\\"}}');
SELECT * FROM show('{"email": {"icontains": "X"}}');
SELECT * FROM show('{"email": {"startswith": "a_"}}');
SELECT * FROM show('{"email": {"startsWith": "a"}}');
SELECT * FROM show('{"email": {"istartswith": "a"}}');
SELECT * FROM show('{"email": {"endswith": "@example.com"}}');
SELECT * FROM show('{"email": {"iendswith": "@EXAMPLE.COM"}}');
SELECT * FROM show('{"email": {"like": "a%b_"}}');
SELECT * FROM show('{"email": {"ilike": "A%"}}');
SELECT * FROM show('{"email": {"regex": "^a.*z$"}}');
SELECT * FROM show('{"email": {"iregex": "^A"}}');
-- array / jsonb operators
SELECT * FROM show('{"tags": {"array_contains": ["vip"]}}');
SELECT * FROM show('{"tags": {"arrayContains": "vip"}}');
SELECT * FROM show('{"tags": {"array_contained_by": ["a", "b"]}}');
SELECT * FROM show('{"tags": {"array_overlaps": ["a", "b"]}}');
SELECT * FROM show('{"tags": {"len_eq": 2}}');
SELECT * FROM show('{"tags": {"len_gt": 0, "lenLte": 5}}');
SELECT * FROM show('{"tags": {"len_gte": 1}}');
SELECT * FROM show('{"tags": {"len_lt": 3}}');
SELECT * FROM show('{"profile": {"has_key": "rank"}}');
SELECT * FROM show('{"profile": {"hasKey": "rank"}}');
-- nesting, snake_case mapping, logical operators
SELECT * FROM show('{"profile": {"rank": {"gte": 10}, "homeCity": {"eq": "Oslo"}}}');
SELECT * FROM show('{"a": {"b": {"c": {"eq": 1}}}}');
SELECT * FROM show('{"_or": [{"status": {"eq": "a"}}, {"rank": {"gt": 1}, "status": {"eq": "b"}}]}');
SELECT * FROM show('{"OR": [{"x": {"eq": 1}}], "AND": [{"y": {"eq": 2}}, {"z": {"eq": 3}}]}');
SELECT * FROM show('{"_not": {"status": {"eq": "a"}}}');
SELECT * FROM show('{"NOT": {"_or": [{"x": {"eq": 1}}, {"y": {"eq": 2}}]}}');
SELECT * FROM show('{"profile": {"_or": [{"rank": {"eq": 1}}, {"city": {"eq": "x"}}]}}');
SELECT * FROM show('{"_and": [], "_or": []}');
SELECT * FROM show('{}');
SELECT * FROM show('{"profile": {}}');
SET fraiseql.snake_case_keys = off;
SELECT * FROM show('{"firstName": {"eq": "A"}}');
RESET fraiseql.snake_case_keys;
SELECT * FROM show('{"firstName": {"eq": "A"}, "userID": {"eq": 1}, "HTTPServer": {"eq": 2}}');
-- native columns: typed by the column, indexes apply
SELECT * FROM show('{"tenant_id": {"eq": 7}}');
SELECT * FROM show('{"tenantId": {"in": [1, 2]}}');
SELECT * FROM show('{"id": {"eq": "6ba7b810-9dad-11d1-80b4-00c04fd430c8"}}');
SELECT * FROM show('{"fkOwner": {"gt": "5"}, "created": {"gte": "2024-01-01"}}');
SELECT * FROM show('{"tenant_id": {"isnull": true}}');
SELECT * FROM show('{"tenant_id": {"eq": "7", "type": "text"}}');
SELECT * FROM show('{"id": {"startswith": "6ba7"}}');
-- a json source: keys are read with simdjson by fraiseql.json_get_text and
-- fraiseql.json_get (jsonb, for the jsonb-only operators and ordering)
SELECT * FROM show('{"tags": {"array_contains": ["vip"]}, "s": {"eq": "x"}}', source => 'tv_doc_json');
-- ordering and pagination
SELECT * FROM show(NULL, '[{"field": "createdAt", "direction": "desc"}]');
SELECT * FROM show(NULL, '[{"field": "profile.rank", "direction": "asc", "nulls": "last", "type": "numeric"}]');
SELECT * FROM show(NULL, '[{"createdAt": "DESC"}, {"tenantId": "asc"}]');
SELECT * FROM show(NULL, '{"field": "id"}');
SELECT * FROM show(NULL, '[{"field": "name", "nulls": "first"}]', source => 'tv_doc_json');
SELECT * FROM show(NULL, NULL, 20, 40);
SELECT * FROM show(NULL, NULL, 0);
SELECT * FROM show(NULL, NULL, NULL, 5);
-- the shape, not the values, decides the text
SELECT (SELECT sql FROM show('{"status": {"eq": "a"}, "rank": {"gt": 1}}', NULL, 10))
     = (SELECT sql FROM show('{"status": {"eq": "zzz"}, "rank": {"gt": 99.5}}', NULL, 1000)) AS same_shape_same_sql;
SELECT (SELECT sql FROM show('{"rank": {"gt": 1}}'))
     = (SELECT sql FROM show('{"rank": {"gt": "1"}}')) AS number_and_string_differ;
-- hostile keys and values never reach the SQL text
SELECT * FROM show('{"status": {"eq": "x''); DROP TABLE tv_doc; --"}}');
SELECT * FROM show('{"tags": {"has_key": "a''b"}}');
SELECT sql FROM fraiseql.to_sql(NULL);
-- parameters are written as to_json writes them: NaN and infinities as
-- strings, a domain as its base type
SELECT params FROM fraiseql.to_sql('tv_doc', '{"rank": {"eq": "NaN", "type": "numeric"}}');
SELECT params FROM fraiseql.to_sql('tv_doc', '{"rank": {"in": ["-Infinity", "1.5"], "type": "numeric"}}');
CREATE DOMAIN to_sql_small AS integer CHECK (VALUE < 100);
CREATE TABLE tv_dom (id integer, n to_sql_small, data jsonb);
SELECT sql, params FROM fraiseql.to_sql('tv_dom', '{"n": {"eq": 5}}');
DROP TABLE tv_dom;
DROP DOMAIN to_sql_small;
