-- fraiseql.connection(): Relay connections paged by keyset.  Every ordering
-- kind is walked page by page, forward (first/after) and backward
-- (last/before), and the concatenated nodes are compared, in SQL, with the
-- plain ordered query (ties by the primary key, in the direction of the
-- last order_by key): a mismatch prints "f".
CREATE TABLE tb_item (id integer PRIMARY KEY, n integer NOT NULL, data jsonb);
-- ties, SQL NULLs (missing keys), JSON nulls, mixed JSON types, nested paths
INSERT INTO tb_item
SELECT i, i % 4,
       jsonb_strip_nulls(jsonb_build_object(
           'id', i,
           'name', 'name' || (i % 5),
           'rank', CASE WHEN i % 6 = 0 THEN NULL ELSE i % 7 END,
           'at', CASE WHEN i % 5 = 0 THEN NULL
                      ELSE to_char(timestamp '2024-01-01 00:00' + (i % 9) * interval '1 hour',
                                   'YYYY-MM-DD"T"HH24:MI:SS"Z"') END,
           'profile', jsonb_build_object('level', i % 3, 'city', CASE WHEN i % 2 = 0 THEN 'Oslo' END)))
       || CASE i % 8 WHEN 0 THEN '{"score": null}' WHEN 1 THEN '{"score": "high"}'
                     WHEN 2 THEN '{}' ELSE jsonb_build_object('score', (i % 4) * 1.5) END
FROM generate_series(1, 40) i;

-- Walks every page; returns the ids in the connection's (forward) order.
CREATE FUNCTION walk(order_by jsonb, filter jsonb, size integer, backward boolean,
                     source regclass DEFAULT 'tb_item') RETURNS integer[]
LANGUAGE plpgsql AS $$
DECLARE
  ids integer[] := '{}';
  cur text;
  r jsonb;
  page integer[];
  pages integer := 0;
BEGIN
  LOOP
    IF backward THEN
      r := fraiseql.connection(source, 'items', filter, order_by, last => size, "before" => cur,
             selection => 'edges { node { id } } pageInfo { hasPreviousPage startCursor }')::jsonb;
    ELSE
      r := fraiseql.connection(source, 'items', filter, order_by, first => size, after => cur,
             selection => 'edges { node { id } } pageInfo { hasNextPage endCursor }')::jsonb;
    END IF;
    r := r->'data'->'items';
    SELECT coalesce(array_agg((e->'node'->>'id')::int ORDER BY o), '{}') INTO page
      FROM jsonb_array_elements(r->'edges') WITH ORDINALITY AS x(e, o);
    IF backward THEN ids := page || ids; ELSE ids := ids || page; END IF;
    pages := pages + 1;
    IF pages > 100 THEN RAISE EXCEPTION 'no end after 100 pages'; END IF;
    IF backward THEN
      EXIT WHEN NOT (r->'pageInfo'->>'hasPreviousPage')::boolean;
      cur := r->'pageInfo'->>'startCursor';
    ELSE
      EXIT WHEN NOT (r->'pageInfo'->>'hasNextPage')::boolean;
      cur := r->'pageInfo'->>'endCursor';
    END IF;
  END LOOP;
  RETURN ids;
END $$;

-- The plain SQL: ids in the given ORDER BY, of the rows the WHERE selects
CREATE FUNCTION plain(order_sql text, where_sql text, source regclass DEFAULT 'tb_item')
RETURNS integer[] LANGUAGE plpgsql AS $$
DECLARE result integer[];
BEGIN
  -- data::jsonb: the same for jsonb, and a json source's order is its jsonb's
  EXECUTE format('SELECT coalesce(array_agg((data->>''id'')::int ORDER BY %s), ''{}'') '
                 'FROM (SELECT id, n, data::jsonb AS data FROM %s) s WHERE %s',
                 order_sql, source, where_sql) INTO result;
  RETURN result;
END $$;

CREATE TABLE orderings (label text, order_by jsonb, order_sql text);
INSERT INTO orderings VALUES
 ('primary key only', NULL, 'id'),
 ('data key, jsonb', '[{"field": "name"}]', 'data->''name'', id'),
 ('data key, jsonb, mixed types', '[{"field": "score", "direction": "desc"}]',
  'data->''score'' DESC, id DESC'),
 ('typed asc', '[{"field": "rank", "type": "integer"}]', '(data->>''rank'')::int, id'),
 ('typed desc', '[{"field": "rank", "type": "integer", "direction": "desc"}]',
  '(data->>''rank'')::int DESC, id DESC'),
 ('typed asc nulls first', '[{"field": "rank", "type": "integer", "nulls": "first"}]',
  '(data->>''rank'')::int NULLS FIRST, id'),
 ('typed desc nulls last', '[{"field": "rank", "type": "integer", "direction": "desc", "nulls": "last"}]',
  '(data->>''rank'')::int DESC NULLS LAST, id DESC'),
 ('timestamptz, then name desc', '[{"field": "at", "type": "timestamptz"}, {"field": "name", "direction": "desc"}]',
  '(data->>''at'')::timestamptz, data->''name'' DESC, id DESC'),
 ('nested path', '[{"field": "profile.city", "nulls": "first"}, {"field": "profile.level", "direction": "desc"}]',
  'data->''profile''->''city'' NULLS FIRST, data->''profile''->''level'' DESC, id DESC'),
 ('short form', '[{"rank": "DESC"}]', 'data->''rank'' DESC, id DESC'),
 ('native column asc', '[{"field": "n"}]', 'n, id'),
 ('native column desc', '[{"field": "n", "direction": "desc"}]', 'n DESC, id DESC'),
 ('native column, typed desc nulls last', '[{"field": "n"}, {"field": "rank", "type": "integer", "direction": "desc", "nulls": "last"}]',
  'n, (data->>''rank'')::int DESC NULLS LAST, id DESC'),
 ('primary key desc', '[{"field": "id", "direction": "desc"}]', 'id DESC'),
 ('typed, then primary key asc', '[{"field": "rank", "type": "integer", "direction": "desc"}, {"field": "id"}]',
  '(data->>''rank'')::int DESC, id');

CREATE TABLE filters (flabel text, filter jsonb, where_sql text);
INSERT INTO filters VALUES
 ('none', NULL, 'true'),
 ('and, or', '{"name": {"neq": "name1"}, "_or": [{"rank": {"gte": 2}}, {"rank": {"isnull": true}}]}',
  '(data->>''name'') <> ''name1'' AND (((data->>''rank'')::numeric) >= 2 OR (data->>''rank'') IS NULL)'),
 ('empty', '{"id": {"gt": 100}}', 'id > 100');

-- every ordering x filter x page size x direction: all true
SELECT o.label, f.flabel AS filter,
       bool_and(walk(o.order_by, f.filter, s.size, d.backward) = plain(o.order_sql, f.where_sql)) AS equal,
       min(cardinality(plain(o.order_sql, f.where_sql))) AS rows
FROM orderings o, filters f, (VALUES (1), (3), (50)) s(size), (VALUES (false), (true)) d(backward)
GROUP BY o.label, f.flabel
ORDER BY o.label, f.flabel;

-- what the pages look like: the first, a middle and the last page of an ordering with
-- NULLs, with flags, counts, cursors' presence, __typename and aliases
SELECT fraiseql.connection('tb_item', 'items', '{"id": {"lte": 10}}',
         '[{"field": "rank", "type": "integer", "direction": "desc"}]', first => 3,
         selection => 'total: totalCount __typename edges { node { id rank } __typename }
                       pageInfo { hasNextPage hasPreviousPage __typename }', typename => 'Item');
SELECT c->'data'->'items'->'pageInfo'->>'endCursor' AS p1 FROM
  (SELECT fraiseql.connection('tb_item', 'items', '{"id": {"lte": 10}}',
            '[{"field": "rank", "type": "integer", "direction": "desc"}]', first => 3)::jsonb AS c) x \gset
SELECT fraiseql.connection('tb_item', 'items', '{"id": {"lte": 10}}',
         '[{"field": "rank", "type": "integer", "direction": "desc"}]', first => 3, after => :'p1',
         selection => 'totalCount edges { node { id rank } } pageInfo { hasNextPage hasPreviousPage }');
SELECT fraiseql.connection('tb_item', 'items', '{"id": {"lte": 10}}',
         '[{"field": "rank", "type": "integer", "direction": "desc"}]', last => 3,
         selection => 'totalCount edges { node { id rank } } pageInfo { hasNextPage hasPreviousPage }');
SELECT c->'data'->'items'->'pageInfo'->>'startCursor' AS l1 FROM
  (SELECT fraiseql.connection('tb_item', 'items', '{"id": {"lte": 10}}',
            '[{"field": "rank", "type": "integer", "direction": "desc"}]', last => 3)::jsonb AS c) x \gset
SELECT fraiseql.connection('tb_item', 'items', '{"id": {"lte": 10}}',
         '[{"field": "rank", "type": "integer", "direction": "desc"}]', last => 3, "before" => :'l1',
         selection => 'edges { node { id rank } } pageInfo { hasNextPage hasPreviousPage }');
-- after and before together: the rows between, first of them
SELECT fraiseql.connection('tb_item', 'items', '{"id": {"lte": 10}}',
         '[{"field": "rank", "type": "integer", "direction": "desc"}]', first => 10,
         after => :'p1', "before" => :'l1', selection => 'edges { node { id } } pageInfo { hasNextPage hasPreviousPage }');
-- the cursors are of the rows: startCursor = the first edge's, endCursor = the last's
SELECT c->'pageInfo'->>'startCursor' = c->'edges'->0->>'cursor' AS start_ok,
       c->'pageInfo'->>'endCursor' = c->'edges'->-1->>'cursor' AS end_ok
FROM (SELECT fraiseql.connection('tb_item', 'items', first => 4,
        selection => 'edges { cursor } pageInfo { startCursor endCursor }')::jsonb->'data'->'items' AS c) x;
-- default selection: edges with whole nodes and pageInfo; neither first nor last: 20 rows
-- (cursors hold the source's OID, which varies: shown as "C")
SELECT regexp_replace(fraiseql.connection('tb_item', 'items', '{"id": {"lte": 2}}')::text,
                      '(ursor": )"[A-Za-z0-9+/=]+"', '\1"C"', 'g') AS connection;
SELECT json_array_length(fraiseql.connection('tb_item', 'items', selection => 'edges { node { id } }')
                         ->'data'->'items'->'edges') AS default_rows;
-- empty results, first 0, totalCount alone, unknown fields are null
SELECT fraiseql.connection('tb_item', 'items', '{"id": {"gt": 100}}',
         selection => 'totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }');
SELECT fraiseql.connection('tb_item', 'items', first => 0,
         selection => 'totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor } nodes');
SELECT fraiseql.connection('tb_item', 'items', '{"n": {"eq": 1}}', selection => 'totalCount');

-- rows inserted and deleted between pages: no row twice, none skipped that stayed
CREATE TABLE tb_live (id integer PRIMARY KEY, data jsonb);
INSERT INTO tb_live SELECT i, jsonb_build_object('id', i, 'k', i * 10) FROM generate_series(1, 10) i;
SELECT c->'data'->'items'->'pageInfo'->>'endCursor' AS c1,
       (SELECT array_agg((e->'node'->>'id')::int) FROM jsonb_array_elements(c->'data'->'items'->'edges') e) AS page1
FROM (SELECT fraiseql.connection('tb_live', 'items', order_by => '[{"field": "k", "type": "integer"}]',
        first => 4)::jsonb AS c) x \gset
SELECT :'page1' AS page1;
INSERT INTO tb_live VALUES (11, '{"id": 11, "k": 5}'),   -- before the cursor: not seen
                           (12, '{"id": 12, "k": 65}');  -- ahead: seen
DELETE FROM tb_live WHERE id IN (4, 6);                  -- the cursor's own row, and one ahead
SELECT (SELECT array_agg((e->'node'->>'id')::int) FROM jsonb_array_elements(c->'data'->'items'->'edges') e) AS page2
FROM (SELECT fraiseql.connection('tb_live', 'items', order_by => '[{"field": "k", "type": "integer"}]',
        first => 100, after => :'c1')::jsonb AS c) x;

-- errors, each with its SQLSTATE
CREATE FUNCTION conn_err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text;
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
  RETURN st || ' ' || msg || coalesce(': ' || nullif(det, ''), '');
END $$;
SELECT c->'data'->'items'->'pageInfo'->>'endCursor' AS pk_cursor FROM
  (SELECT fraiseql.connection('tb_item', 'items', first => 2)::jsonb AS c) x \gset
SELECT c->'data'->'items'->'pageInfo'->>'endCursor' AS name_cursor FROM
  (SELECT fraiseql.connection('tb_item', 'items', order_by => '[{"field": "name"}]', first => 2)::jsonb AS c) x \gset
-- the layout (cursor.c): version (byte 1), check (2-9), number of keys (10-11), then per
-- key its type OID (12-15), length (16-19) and value (20-)
SELECT label, conn_err(format('SELECT fraiseql.connection(''tb_item'', ''items'', order_by => %L, after => %L)',
                         order_by, cursor))
FROM (VALUES
  ('garbage', NULL, 'not base64 !!'),
  ('too short', NULL, 'AAAA'),
  ('empty', NULL, ''),
  ('another order', '[{"field": "n"}]', :'pk_cursor'),
  ('another direction', '[{"field": "id", "direction": "desc"}]', :'pk_cursor'),
  ('truncated', NULL, encode(substring(decode(:'pk_cursor', 'base64') FROM 1 FOR 17), 'base64')),
  ('trailing bytes', NULL, encode(decode(:'pk_cursor', 'base64') || '\x00'::bytea, 'base64')),
  ('another version', NULL, encode(overlay(decode(:'pk_cursor', 'base64') PLACING '\x02' FROM 1 FOR 1), 'base64')),
  ('more keys', NULL, encode(overlay(decode(:'pk_cursor', 'base64') PLACING '\x0002' FROM 10 FOR 2), 'base64')),
  ('wrong type (int8)', NULL, encode(overlay(decode(:'pk_cursor', 'base64') PLACING '\x00000014' FROM 12 FOR 4), 'base64')),
  ('short value', NULL, encode(overlay(decode(:'pk_cursor', 'base64') PLACING '\x00000002' FROM 16 FOR 4), 'base64')),
  ('NULL primary key', NULL, encode(substring(decode(:'pk_cursor', 'base64') FROM 1 FOR 15) || '\xffffffff'::bytea, 'base64')),
  ('not jsonb', '[{"field": "name"}]',
   encode(overlay(decode(:'name_cursor', 'base64') PLACING '\x01' || convert_to('{"x', 'UTF8') FROM 20 FOR 4), 'base64')),
  ('valid', '[{"field": "name"}]', :'name_cursor')
) v(label, order_by, cursor);
SELECT conn_err(format('SELECT fraiseql.connection(''tb_live'', ''items'', after => %L)', :'pk_cursor')) AS another_source,
       conn_err(format('SELECT fraiseql.connection(''tb_item'', ''items'', "before" => %L)', 'x')) AS before;
-- page sizes
SELECT q, conn_err(q) FROM (VALUES
  ('SELECT fraiseql.connection(''tb_item'', ''items'', first => 1, last => 1)'),
  ('SELECT fraiseql.connection(''tb_item'', ''items'', first => -1)'),
  ('SELECT fraiseql.connection(''tb_item'', ''items'', last => -1)'),
  ('SELECT fraiseql.connection(''tb_item'', ''items'', first => 1001)'),
  ('SELECT fraiseql.connection(''tb_item'', ''items'', first => 1000)')) v(q);
SET fraiseql.max_page_size = 5;
SELECT conn_err('SELECT fraiseql.connection(''tb_item'', ''items'', last => 6)');
SELECT json_array_length(fraiseql.connection('tb_item', 'items', last => 5)->'data'->'items'->'edges') AS last5;
SELECT json_array_length(fraiseql.connection('tb_item', 'items')->'data'->'items'->'edges') AS default_capped;
RESET fraiseql.max_page_size;
-- the messages with their hints
\set VERBOSITY default
SELECT fraiseql.connection('tb_item', 'items', after => 'AAAA');
SELECT fraiseql.connection('tb_item', 'items', first => 1, last => 1);
SELECT fraiseql.connection('tb_item', 'items', first => 1001);
-- a source without a primary key or id
CREATE VIEW v_noid AS SELECT n, data FROM tb_item;
SELECT fraiseql.connection('v_noid', 'items');
-- a view whose id is NULL in a row: paged where ORDER BY puts it, not lost (one NULL: an id must be unique)
CREATE VIEW v_nullid AS SELECT CASE WHEN id = 3 THEN NULL ELSE id END AS id, n, data FROM tb_item;
SELECT size, backward, walk(NULL, NULL, size, backward, 'v_nullid') = plain('id', 'true', 'v_nullid') AS equal,
       (walk(NULL, NULL, size, backward, 'v_nullid'))[38:40] AS last_three
FROM (VALUES (1), (2), (3)) s(size), (VALUES (false), (true)) d(backward);
SELECT walk('[{"field": "n", "direction": "desc"}]', NULL, 2, false, 'v_nullid')
       = plain('n DESC, id DESC', 'true', 'v_nullid') AS equal;
\set VERBOSITY terse

-- a view pages by its id column; a json source; both compared with plain SQL
CREATE VIEW v_item AS SELECT id, n, data FROM tb_item;
CREATE TABLE tb_json (id integer PRIMARY KEY, n integer NOT NULL, data json);
INSERT INTO tb_json SELECT id, n, data::json FROM tb_item;
SELECT o.label, src,
       bool_and(walk(o.order_by, NULL, s.size, d.backward, src::regclass) = plain(o.order_sql, 'true', src::regclass)) AS equal
FROM orderings o, (VALUES ('v_item'), ('tb_json')) v(src), (VALUES (2), (7)) s(size), (VALUES (false), (true)) d(backward)
GROUP BY o.label, src ORDER BY src, o.label;

-- one shape per (order, direction, cursor): every page of a walk after the first is a hit
SELECT fraiseql.plan_cache_reset();
SELECT walk('[{"field": "rank", "type": "integer"}]', NULL, 3, false) = plain('(data->>''rank'')::int, id', 'true') AS equal;
SELECT calls, left(sql, 60) AS sql FROM fraiseql.plan_cache WHERE sql LIKE '%fq_k1%' ORDER BY calls;

-- a page deep into an indexed ordering is bounded by the cursor in the index
CREATE TABLE tb_big (id integer PRIMARY KEY, k integer NOT NULL, data jsonb);
INSERT INTO tb_big SELECT i, i % 1000, jsonb_build_object('id', i, 'rank', CASE WHEN i % 10 = 0 THEN NULL ELSE i % 1000 END)
FROM generate_series(1, 20000) i;
CREATE INDEX ON tb_big (k, id);
CREATE INDEX ON tb_big (((data->>'rank')::integer), id);
ANALYZE tb_big;
SELECT fraiseql.plan_cache_reset();
-- a native NOT NULL key: a row comparison, taken by the index as its bound
SELECT c->'data'->'items'->'pageInfo'->>'endCursor' AS deep FROM
  (SELECT fraiseql.connection('tb_big', 'items', '{"id": {"gt": 19000}}', '[{"field": "k"}]', first => 5,
      selection => 'pageInfo { endCursor }')::jsonb AS c) x \gset
SELECT fraiseql.connection('tb_big', 'items', order_by => '[{"field": "k"}]', first => 3,
         after => :'deep', selection => 'edges { node { id } }');
SELECT sql AS page_sql FROM fraiseql.plan_cache WHERE sql LIKE '%(k, id) >%' \gset
SELECT :'page_sql' AS page_sql;
PREPARE page AS :page_sql;
EXPLAIN (COSTS OFF) EXECUTE page(500, 19500, 4);
-- a nullable key under NULLS LAST: a bounded branch and a NULL branch, each an index scan
SELECT c->'data'->'items'->'pageInfo'->>'endCursor' AS deep FROM
  (SELECT fraiseql.connection('tb_big', 'items', '{"id": {"gt": 19000}}', '[{"field": "rank", "type": "integer"}]',
      first => 5, selection => 'pageInfo { endCursor }')::jsonb AS c) x \gset
SELECT fraiseql.connection('tb_big', 'items', order_by => '[{"field": "rank", "type": "integer"}]', first => 3,
         after => :'deep', selection => 'edges { node { id rank } }');
SELECT sql AS rank_sql FROM fraiseql.plan_cache WHERE sql LIKE '%UNION ALL%' \gset
SELECT :'rank_sql' AS rank_sql;
PREPARE rank_page AS :rank_sql;
EXPLAIN (COSTS OFF) EXECUTE rank_page(500, 19500, 4);

-- row-level security: hidden rows never appear, nor count
CREATE ROLE fq_conn_reader;
GRANT SELECT ON tb_item, orderings TO fq_conn_reader;
ALTER TABLE tb_item ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_even ON tb_item FOR SELECT TO fq_conn_reader USING (id % 2 = 0);
GRANT EXECUTE ON FUNCTION walk(jsonb, jsonb, integer, boolean, regclass), plain(text, text, regclass) TO fq_conn_reader;
SET ROLE fq_conn_reader;
SELECT bool_and(walk(o.order_by, NULL, 4, d.backward) = plain(o.order_sql, 'true')) AS equal,
       bool_and(cardinality(plain(o.order_sql, 'true')) = 20) AS twenty
FROM orderings o, (VALUES (false), (true)) d(backward);
SELECT fraiseql.connection('tb_item', 'items', filter => '{"id": {"lte": 6}}', selection => 'totalCount edges { node { id } }');
RESET ROLE;
DROP POLICY only_even ON tb_item;
ALTER TABLE tb_item DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON tb_item, orderings FROM fq_conn_reader;
REVOKE ALL ON FUNCTION walk(jsonb, jsonb, integer, boolean, regclass), plain(text, text, regclass) FROM fq_conn_reader;
DROP ROLE fq_conn_reader;
