-- pgTAP: fraiseql.connection() against plain SQL: every page walked forward and
-- backward over a composite primary key, a partitioned table, mixed directions and a
-- json source; nodes equal stream()'s projection of the same rows; flags at both ends
-- and in the middle; totalCount and the flag probe run only when selected; cursors are
-- the same whichever way a row was reached; errors with their SQLSTATEs; a role
-- without SELECT gets 42501 and RLS hides rows.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS fraiseql;
SELECT plan(37);

-- Walks every page of a connection; the node ids in the connection's order
CREATE FUNCTION walk(source regclass, order_by jsonb, filter jsonb, size integer, backward boolean)
RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  ids text[] := '{}';
  cur text;
  r jsonb;
  page text[];
  pages integer := 0;
BEGIN
  LOOP
    r := CASE WHEN backward
         THEN fraiseql.connection(source, 'x', filter, order_by, last => size, "before" => cur,
                selection => 'edges { node { id } } pageInfo { more: hasPreviousPage c: startCursor }')
         ELSE fraiseql.connection(source, 'x', filter, order_by, first => size, after => cur,
                selection => 'edges { node { id } } pageInfo { more: hasNextPage c: endCursor }') END::jsonb->'data'->'x';
    SELECT coalesce(array_agg(e->'node'->>'id' ORDER BY o), '{}') INTO page
      FROM jsonb_array_elements(r->'edges') WITH ORDINALITY AS x(e, o);
    ids := CASE WHEN backward THEN page || ids ELSE ids || page END;
    pages := pages + 1;
    IF pages > 200 THEN RAISE EXCEPTION 'no end'; END IF;
    EXIT WHEN NOT (r->'pageInfo'->>'more')::boolean;
    cur := r->'pageInfo'->>'c';
  END LOOP;
  RETURN ids;
END $$;

-- a composite primary key, text in it, ties on every order_by key
CREATE TABLE tb_pair (a integer, b text, data jsonb, PRIMARY KEY (a, b));
INSERT INTO tb_pair SELECT i % 5, 'b' || (i % 7), jsonb_build_object('id', (i % 5) || '/b' || (i % 7), 'v', i % 3)
FROM generate_series(1, 35) i;
SELECT is(walk('tb_pair', NULL, NULL, 4, false),
          (SELECT array_agg(data->>'id' ORDER BY a, b) FROM tb_pair), 'composite primary key, forward');
SELECT is(walk('tb_pair', NULL, NULL, 4, true),
          (SELECT array_agg(data->>'id' ORDER BY a, b) FROM tb_pair), 'composite primary key, backward');
SELECT is(walk('tb_pair', '[{"field": "v", "direction": "desc"}]', NULL, 3, false),
          (SELECT array_agg(data->>'id' ORDER BY data->'v' DESC, a DESC, b DESC) FROM tb_pair),
          'jsonb key then the composite key, forward');
SELECT is(walk('tb_pair', '[{"field": "v", "direction": "desc"}]', NULL, 3, true),
          (SELECT array_agg(data->>'id' ORDER BY data->'v' DESC, a DESC, b DESC) FROM tb_pair),
          'jsonb key then the composite key, backward');
-- mixed directions: no row comparison applies, the expansion does
SELECT is(walk('tb_pair', '[{"field": "a", "direction": "desc"}, {"field": "v", "type": "integer"}]',
               '{"v": {"neq": 1}}', 2, false),
          (SELECT array_agg(data->>'id' ORDER BY a DESC, (data->>'v')::int, a, b)
           FROM tb_pair WHERE (data->>'v')::numeric <> 1), 'mixed directions with a filter, forward');
SELECT is(walk('tb_pair', '[{"field": "a", "direction": "desc"}, {"field": "v", "type": "integer"}]',
               '{"v": {"neq": 1}}', 2, true),
          (SELECT array_agg(data->>'id' ORDER BY a DESC, (data->>'v')::int, a, b)
           FROM tb_pair WHERE (data->>'v')::numeric <> 1), 'mixed directions with a filter, backward');

-- every combination of direction and NULL placement on two nullable keys (a typed one and a
-- jsonb one, with JSON nulls, SQL NULLs and ties), alone and before a third nullable key,
-- walked both ways and read between two cursors: no combination differs
CREATE TABLE tb_nulls (id integer PRIMARY KEY, data jsonb);
INSERT INTO tb_nulls SELECT i, jsonb_build_object('id', i)
  || CASE WHEN i % 5 = 0 THEN '{}' ELSE jsonb_build_object('a', i % 3) END
  || CASE i % 4 WHEN 0 THEN '{}' WHEN 1 THEN '{"b": null}' ELSE jsonb_build_object('b', i % 2) END
  || CASE WHEN i % 7 = 0 THEN '{}' ELSE jsonb_build_object('c', i % 2) END
FROM generate_series(1, 30) i;
CREATE FUNCTION plain_ids(order_sql text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE r text[];
BEGIN
  EXECUTE format('SELECT array_agg(data->>''id'' ORDER BY %s) FROM tb_nulls', order_sql) INTO r;
  RETURN r;
END $$;
CREATE TEMP TABLE combos AS
SELECT da, na, db, nb, k,
       (format('[{"field": "a", "type": "integer", "direction": "%s", "nulls": "%s"}, {"field": "b", "direction": "%s", "nulls": "%s"}',
               da, na, db, nb)
        || CASE WHEN k = 3 THEN format(', {"field": "c", "direction": "%s", "nulls": "%s"}', da, nb) ELSE '' END || ']')::jsonb AS order_by,
       format('(data->>''a'')::int %s NULLS %s, data->''b'' %s NULLS %s, ', da, na, db, nb)
        || CASE WHEN k = 3 THEN format('data->''c'' %s NULLS %s, id %s', da, nb, da) ELSE format('id %s', db) END AS order_sql
FROM unnest(ARRAY['asc', 'desc']) da, unnest(ARRAY['first', 'last']) na,
     unnest(ARRAY['asc', 'desc']) db, unnest(ARRAY['first', 'last']) nb, unnest(ARRAY[2, 3]) k;
SELECT is((SELECT count(DISTINCT plain_ids(order_sql)) FROM combos), 32::bigint, 'thirty-two orders, all different');
SELECT is((SELECT coalesce(array_agg(order_sql || ', page ' || size || CASE WHEN back THEN ' backward' ELSE '' END), '{}')
           FROM combos, (VALUES (1), (4)) s(size), (VALUES (false), (true)) d(back)
           WHERE walk('tb_nulls', order_by, NULL, size, back) IS DISTINCT FROM plain_ids(order_sql)),
          '{}'::text[], 'every direction and NULL placement on two and three nullable keys pages exactly');
-- between two cursors (after and before together), forward and backward
CREATE FUNCTION between_ids(order_by jsonb, backward boolean) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE cursors text[]; r jsonb;
BEGIN
  SELECT array_agg(e->>'cursor' ORDER BY o) INTO cursors
  FROM jsonb_array_elements(fraiseql.connection('tb_nulls', 'x', order_by => order_by, first => 30,
         selection => 'edges { cursor }')::jsonb->'data'->'x'->'edges') WITH ORDINALITY AS x(e, o);
  r := CASE WHEN backward
       THEN fraiseql.connection('tb_nulls', 'x', order_by => order_by, last => 100, after => cursors[5], "before" => cursors[20],
              selection => 'edges { node { id } }')
       ELSE fraiseql.connection('tb_nulls', 'x', order_by => order_by, first => 100, after => cursors[5], "before" => cursors[20],
              selection => 'edges { node { id } }') END::jsonb;
  RETURN (SELECT array_agg(e->'node'->>'id' ORDER BY o)
          FROM jsonb_array_elements(r->'data'->'x'->'edges') WITH ORDINALITY AS x(e, o));
END $$;
SELECT is((SELECT coalesce(array_agg(order_sql || CASE WHEN back THEN ' backward' ELSE '' END), '{}')
           FROM combos, (VALUES (false), (true)) d(back)
           WHERE between_ids(order_by, back) IS DISTINCT FROM (plain_ids(order_sql))[6:19]),
          '{}'::text[], 'the rows strictly between two cursors, every combination');

-- a partitioned table
CREATE TABLE tb_part (id integer PRIMARY KEY, data jsonb) PARTITION BY RANGE (id);
CREATE TABLE tb_part_1 PARTITION OF tb_part FOR VALUES FROM (0) TO (20);
CREATE TABLE tb_part_2 PARTITION OF tb_part FOR VALUES FROM (20) TO (100);
INSERT INTO tb_part SELECT i, jsonb_build_object('id', i, 'g', CASE WHEN i % 4 = 0 THEN NULL ELSE i % 3 END)
FROM generate_series(1, 50) i;
SELECT is(walk('tb_part', '[{"field": "g", "type": "integer", "nulls": "first"}]', NULL, 6, false),
          (SELECT array_agg(data->>'id' ORDER BY (data->>'g')::int NULLS FIRST, id) FROM tb_part),
          'partitioned table, nulls first, forward');
SELECT is(walk('tb_part', '[{"field": "g", "type": "integer", "nulls": "first"}]', NULL, 6, true),
          (SELECT array_agg(data->>'id' ORDER BY (data->>'g')::int NULLS FIRST, id) FROM tb_part),
          'partitioned table, nulls first, backward');

-- a json source gives the very text a jsonb source gives
CREATE TABLE tb_pj (id integer PRIMARY KEY, data json);
INSERT INTO tb_pj SELECT id, data::json FROM tb_part;
SELECT is(regexp_replace(fraiseql.connection('tb_pj', 'x', '{"g": {"gte": 1}}', '[{"field": "g"}]', first => 7,
            selection => 'edges { node { id g } } pageInfo { hasNextPage }')::text, '"cursor": "[^"]*"', '', 'g'),
          regexp_replace(fraiseql.connection('tb_part', 'x', '{"g": {"gte": 1}}', '[{"field": "g"}]', first => 7,
            selection => 'edges { node { id g } } pageInfo { hasNextPage }')::text, '"cursor": "[^"]*"', '', 'g'),
          'json source: the same response as jsonb');
SELECT is(walk('tb_pj', '[{"field": "g", "direction": "desc"}]', NULL, 5, true),
          (SELECT array_agg(data->>'id' ORDER BY data->'g' DESC, id DESC) FROM tb_part),
          'json source, jsonb key, backward');

-- nodes are projected as stream() projects the same rows
SELECT is((SELECT array_agg((e->'node')::text ORDER BY o) FROM jsonb_array_elements(
             fraiseql.connection('tb_part', 'x', order_by => '[{"field": "g"}]', first => 10,
               selection => 'edges { node { id group: g __typename } }', typename => 'Part')::jsonb->'data'->'x'->'edges')
             WITH ORDINALITY AS x(e, o)),
          (SELECT array_agg(s::jsonb::text) FROM fraiseql.stream('tb_part', order_by => '[{"field": "g"}, {"field": "id"}]',
             "limit" => 10, selection => 'id group: g __typename', typename => 'Part') s),
          'nodes equal stream() projections');

-- flags at both ends and in the middle, both directions
CREATE FUNCTION flags(first integer, after text, last integer, before text)
RETURNS text LANGUAGE sql AS $$
  SELECT (c->>'hasPreviousPage') || '/' || (c->>'hasNextPage')
  FROM (SELECT fraiseql.connection('tb_part', 'x', NULL, NULL, first, after, last, before,
                 'pageInfo { hasNextPage hasPreviousPage }')::jsonb->'data'->'x'->'pageInfo') p(c)
$$;
CREATE FUNCTION cursor_of(id integer) RETURNS text LANGUAGE sql AS $$
  SELECT e->>'cursor' FROM jsonb_array_elements(fraiseql.connection('tb_part', 'x', first => 50,
           selection => 'edges { cursor node { id } }')::jsonb->'data'->'x'->'edges') e
  WHERE (e->'node'->>'id')::int = id
$$;
SELECT is(flags(10, NULL, NULL, NULL), 'false/true', 'first page: no previous, a next');
SELECT is(flags(10, cursor_of(20), NULL, NULL), 'true/true', 'middle page forward: both');
SELECT is(flags(10, cursor_of(40), NULL, NULL), 'true/false', 'last page forward: no next');
SELECT is(flags(10, cursor_of(50), NULL, NULL), 'true/false', 'after the last row: empty page, a previous');
SELECT is(flags(NULL, NULL, 10, NULL), 'true/false', 'last page backward: a previous, no next');
SELECT is(flags(NULL, NULL, 10, cursor_of(31)), 'true/true', 'middle page backward: both');
SELECT is(flags(NULL, NULL, 10, cursor_of(11)), 'false/true', 'first page backward: no previous');
SELECT is(flags(NULL, NULL, 10, cursor_of(1)), 'false/true', 'before the first row: empty page, a next');

-- a row's cursor is the same whichever page or direction reached it
SELECT is((SELECT e->>'cursor' FROM jsonb_array_elements(fraiseql.connection('tb_part', 'x', last => 3, "before" => cursor_of(31),
             selection => 'edges { cursor node { id } }')::jsonb->'data'->'x'->'edges') e WHERE e->'node'->>'id' = '29'),
          cursor_of(29), 'the same cursor forward and backward');

-- totalCount and the other flag cost a statement only when selected
SELECT fraiseql.plan_cache_reset();
SELECT ok(fraiseql.connection('tb_part', 'x', '{"g": {"eq": 2}}', first => 2, after => cursor_of(5),
            selection => 'edges { node { id } } pageInfo { hasNextPage }') IS NOT NULL, 'a page without totalCount');
SELECT is((SELECT count(*) FROM fraiseql.plan_cache WHERE sql LIKE '%count(*)%'), 0::bigint,
          'no count statement without totalCount');
SELECT is((SELECT count(*) FROM fraiseql.plan_cache WHERE sql LIKE '%fq_k1%' AND sql LIKE '%DESC%'), 0::bigint,
          'no backward probe without hasPreviousPage');
SELECT is((fraiseql.connection('tb_part', 'x', '{"g": {"eq": 2}}', first => 2, after => cursor_of(5),
             selection => 'totalCount pageInfo { hasPreviousPage }')::jsonb->'data'->'x'->>'totalCount')::bigint,
          (SELECT count(*) FROM tb_part WHERE (data->>'g')::numeric = 2), 'totalCount counts the filter, not the cursor');
SELECT is((SELECT count(*) FROM fraiseql.plan_cache WHERE sql LIKE '%count(*)%'), 1::bigint,
          'one count statement with totalCount');
SELECT is((SELECT count(*) FROM fraiseql.plan_cache WHERE sql LIKE '%fq_k1%' AND sql LIKE '%DESC%'), 1::bigint,
          'one backward probe with hasPreviousPage');

-- errors
SELECT throws_ok($$SELECT fraiseql.connection('tb_part', 'x', after => 'Zm9v')$$, '22023', NULL, 'garbage cursor: 22023');
SELECT throws_ok(format('SELECT fraiseql.connection(%L, %L, after => %L)', 'tb_pj', 'x', cursor_of(3)), '22023', NULL,
                 'a cursor of another source: 22023');
SELECT throws_ok(format('SELECT fraiseql.connection(%L, %L, order_by => %L, "before" => %L)', 'tb_part', 'x',
                        '[{"field": "g"}]', cursor_of(3)), '22023', NULL, 'a cursor of another order: 22023');
SELECT throws_ok($$SELECT fraiseql.connection('tb_part', 'x', first => 1, last => 1)$$, '22023', NULL, 'first and last: 22023');
SELECT throws_ok($$SELECT fraiseql.connection('tb_part', 'x', last => -3)$$, '2201W', NULL, 'negative last: 2201W');
SELECT throws_ok($$SELECT fraiseql.connection('tb_part', 'x', first => 1000000)$$, '22023', NULL,
                 'first above fraiseql.max_page_size: 22023');

-- privileges and RLS
CREATE ROLE regress_fq_conn;
GRANT USAGE ON SCHEMA fraiseql TO regress_fq_conn;
SET LOCAL ROLE regress_fq_conn;
SELECT throws_ok($$SELECT fraiseql.connection('tb_pair', 'x')$$, '42501', NULL, 'without SELECT: 42501');
RESET ROLE;
GRANT SELECT ON tb_pair TO regress_fq_conn;
ALTER TABLE tb_pair ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_a2 ON tb_pair FOR SELECT TO regress_fq_conn USING (a = 2);
SET LOCAL ROLE regress_fq_conn;
SELECT is(fraiseql.connection('tb_pair', 'x', first => 100, selection => 'totalCount edges { node { id } }')::jsonb,
          (SELECT jsonb_build_object('data', jsonb_build_object('x', jsonb_build_object('totalCount', count(*),
                  'edges', jsonb_agg(jsonb_build_object('node', jsonb_build_object('id', data->'id')) ORDER BY a, b))))
           FROM tb_pair), 'RLS: only the visible rows, and their count');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
