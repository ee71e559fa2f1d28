-- Every error case of SPEC section 10, with its SQLSTATE.
-- err() runs a statement and shows SQLSTATE, message, detail and hint.
CREATE FUNCTION err(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE state text; message text; detail text; hint text;
BEGIN
  EXECUTE statement;
  RETURN 'no error';
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
  RETURN state || ': ' || message
         || coalesce(E'\n  DETAIL: ' || nullif(detail, ''), '')
         || coalesce(E'\n  HINT: ' || nullif(hint, ''), '');
END $$;
\pset format unaligned
\pset tuples_only on
CREATE TABLE tv_ok (id int, data jsonb);
CREATE TABLE no_data (id int, doc jsonb);
CREATE TABLE text_data (id int, data text);
CREATE SEQUENCE some_seq;

-- source has no data column / data is not json or jsonb
SELECT err($$SELECT fraiseql.stream('no_data')$$);
SELECT err($$SELECT fraiseql.count('text_data')$$);
SELECT err($$SELECT * FROM fraiseql.to_sql('some_seq')$$);
-- unknown operator, wrong value kind, bad field name, bad type
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"equals": 1}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"eq": [1]}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"eq": null}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"in": "x"}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"in": [1, "x"]}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"isnull": "yes"}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"contains": 5}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"array_overlaps": [1]}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"len_eq": 1.5}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"len_eq": -1}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"has_key": 1}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"type": "numeric"}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": 1}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a-b": {"eq": 1}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a''); DROP TABLE tv_ok; --": {"eq": 1}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"1a": {"eq": 1}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"eq": 1, "type": "int; DROP TABLE tv_ok"}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"eq": 1, "type": "money"}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '[1]')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"_or": {"a": {"eq": 1}}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"_not": []}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"id": {"array_contains": [1]}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"id": {"x": {"eq": 1}}}')$$);
-- order_by
SELECT err($$SELECT fraiseql.stream('tv_ok', order_by => '[{"field": "a", "direction": "sideways"}]')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', order_by => '[{"field": "a; DROP TABLE tv_ok"}]')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', order_by => '[{"field": "a", "type": "text) ; --"}]')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', order_by => '[{"field": "a", "colour": "red"}]')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', order_by => '[{"a": "asc", "b": "desc"}]')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', order_by => '"a"')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', order_by => '[{"field": "a", "nulls": "middle"}]')$$);
-- filter nested deeper than fraiseql.max_filter_depth
SET fraiseql.max_filter_depth = 3;
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"b": {"c": {"eq": 1}}}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"_not": {"_not": {"_not": {"a": {"eq": 1}}}}}')$$);
RESET fraiseql.max_filter_depth;
SELECT err($$SELECT count(*) FROM fraiseql.stream('tv_ok', (repeat('{"_not": ', 40) || '{}' || repeat('}', 40))::jsonb)$$);
-- negative limit / offset
SELECT err($$SELECT fraiseql.stream('tv_ok', "limit" => -1)$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', "offset" => -1)$$);
-- chunk_size out of range
SELECT err($$SELECT fraiseql.stream('tv_ok', chunk_size => 0)$$);
-- a bad value for a typed comparison is the type's own input error
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"eq": "not a date", "type": "date"}}')$$);
-- the tables are still there
SELECT count(*) FROM tv_ok;

-- a data column of a domain over jsonb or json is read as its base type
-- (issue 17); a domain over text is still refused
CREATE DOMAIN doc_jsonb AS jsonb CHECK (jsonb_typeof(VALUE) = 'object');
CREATE DOMAIN doc_json AS json;
CREATE DOMAIN doc_text AS text;
CREATE TABLE tv_domdoc (id int, data doc_jsonb);
CREATE TABLE tv_domdoc_json (id int, data doc_json);
CREATE TABLE tv_domdoc_text (id int, data doc_text);
INSERT INTO tv_domdoc VALUES (1, '{"a": 1, "b": "x"}'), (2, '{"a": 2, "b": "y"}');
INSERT INTO tv_domdoc_json SELECT id, data::json FROM tv_domdoc;
SELECT fraiseql.stream('tv_domdoc', '{"a": {"gte": 2}}', selection => 'b');
SELECT fraiseql.stream('tv_domdoc_json', '{"a": {"gte": 2}}', selection => 'b');
SELECT fraiseql.count('tv_domdoc', '{"b": {"eq": "x"}}'), fraiseql.count('tv_domdoc_json', '{"b": {"in": ["x", "y"]}}');
SELECT fraiseql.query('tv_domdoc', 'docs', order_by => '[{"a": "desc"}]');
SELECT err($$SELECT fraiseql.count('tv_domdoc_text')$$);

-- messages for the mistakes of a first session (issue 21): a misspelled order
-- item key, a filter passed positionally where order_by stands
SELECT err($$SELECT fraiseql.stream('tv_ok', order_by => '[{"fild": "email"}]')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', '{"a": {"eq": 1}}', '{"a": {"eq": 1}}')$$);
SELECT err($$SELECT fraiseql.stream('tv_ok', order_by => '{"a": 1}')$$);

-- the operators of issue 20: wrong kinds and types are 22023; an operand that does not
-- convert fails with the conversion's own SQLSTATE and names operator and field
SELECT err($$SELECT fraiseql.count('tv_ok', '{"s": {"nilike": ["x"]}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"d": {"has_all_keys": [1]}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"d": {"path_match": "$.a ==="}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"d": {"path_exists": null}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"b": {"matches": "a & (b"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"b": {"websearch_query": "a", "config": "klingon"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"b": {"plain_query": "a", "config": ["simple"]}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"b": {"gt": "a", "config": "simple"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"ip": {"is_ipv6": 1}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"ip": {"in_subnet": "300.1.1.1"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"ip": {"contains_subnet": "::1", "type": "uuid"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"p": {"overlaps": "[1,"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"p": {"overlaps": "[1,2)", "type": "int4range"}, "q": {"adjacent": "[2,1)", "type": "int4range"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"p": {"contains_date": true}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"p": {"not_left": "[1,2)", "type": "text"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"p": {"overlaps": "[1,2)", "type": "intrange"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"t": {"descendant_of": "a.b"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"lines": {"_some": {"sku": {"eq": null}}}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"lines": {"_every": "x"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"_none": {}}')$$);
-- a misspelled operator is named as one, with the nearest valid spelling (issue 21)
SELECT err($$SELECT fraiseql.count('tv_ok', '{"status": {"eqq": "x"}}')$$);
SELECT err($$SELECT fraiseql.count('tv_ok', '{"profile": {"city": {"startWith": "x"}}}')$$);
