-- The FraiseQLStream custom scan: SELECT ... FROM fraiseql.stream(...) is
-- planned as a custom scan (not a materialising Function Scan) in every
-- position, and returns exactly the rows of the select-list form and of
-- plain SQL.
CREATE TABLE tv_item (id integer PRIMARY KEY, tenant_id integer, data jsonb);
INSERT INTO tv_item
SELECT i, i % 4,
       jsonb_build_object('id', i, 'label', 'item ' || i, 'rank', (i * 37) % 50,
                          'kind', (ARRAY['a', 'b', 'c'])[1 + i % 3])
FROM generate_series(1, 200) i;
ANALYZE tv_item;

-- EXPLAIN's text has the row counts of the last run in "Rows"; mask the
-- memory figure, which depends on the allocator
CREATE FUNCTION explain(q text, options text DEFAULT '') RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF, TIMING OFF, SUMMARY OFF' || options || ') ' || q LOOP
    RETURN NEXT regexp_replace(line, 'Peak Chunk Memory: \d+ kB', 'Peak Chunk Memory: N kB');
  END LOOP;
END $$;

-- constant arguments: the statement is shown at plan time
SELECT * FROM explain($$SELECT * FROM fraiseql.stream('tv_item', '{"kind": {"eq": "a"}}', '[{"field": "rank"}]', 5)$$);
-- an outer LIMIT stops after one chunk: 3 rows asked, one chunk of 10 read
SELECT * FROM explain($$SELECT * FROM fraiseql.stream('tv_item', order_by => '[{"field": "id"}]', chunk_size => 10) LIMIT 3$$, ', ANALYZE');
SELECT * FROM explain($$SELECT count(*) FROM fraiseql.stream('tv_item', chunk_size => 64)$$, ', ANALYZE');
-- the first chunk asks for 64 rows, each next one for twice as many up to
-- chunk_size: 64 + 100 + 36 rows in three chunks; an outer LIMIT of 10 reads 64
SELECT * FROM explain($$SELECT count(*) FROM fraiseql.stream('tv_item', chunk_size => 100)$$, ', ANALYZE');
SELECT * FROM explain($$SELECT * FROM fraiseql.stream('tv_item', order_by => '[{"field": "id"}]') LIMIT 10$$, ', ANALYZE');
SELECT (SELECT array_agg((s->>'id')::int) FROM fraiseql.stream('tv_item', order_by => '[{"field": "id"}]', chunk_size => 100) s)
     = (SELECT array_agg(id ORDER BY id) FROM tv_item) AS growing_chunks_in_order;
-- VERBOSE also shows the plan the generated query ran with
SELECT * FROM explain($$SELECT * FROM fraiseql.stream('tv_item', '{"id": {"eq": 7}}')$$, ', ANALYZE, VERBOSE');
-- the same shape with another value: the plan cache hits
SELECT * FROM explain($$SELECT * FROM fraiseql.stream('tv_item', '{"id": {"eq": 8}}')$$, ', ANALYZE');

-- rows equal the select-list form and plain SQL
SELECT (SELECT array_agg(s::text ORDER BY s::text) FROM fraiseql.stream('tv_item', '{"rank": {"lt": 10}}') s)
     = (SELECT array_agg(s::text ORDER BY s::text) FROM (SELECT fraiseql.stream('tv_item', '{"rank": {"lt": 10}}') s) x)
       AS same_as_select_list,
       (SELECT array_agg(s::text ORDER BY s::text) FROM fraiseql.stream('tv_item', '{"rank": {"lt": 10}}') s)
     = (SELECT array_agg(data::text ORDER BY data::text) FROM tv_item WHERE (data->>'rank')::int < 10)
       AS same_as_plain_sql;

-- a prepared statement: the arguments are parameters, evaluated per execution
PREPARE page(jsonb, bigint) AS
  SELECT s->>'id' AS id FROM fraiseql.stream('tv_item', $1, '[{"field": "id"}]', $2) s;
EXECUTE page('{"kind": {"eq": "b"}}', 3);
EXECUTE page('{"kind": {"eq": "c"}}', 2);
SET plan_cache_mode = force_generic_plan;
SELECT * FROM explain($$EXECUTE page('{"kind": {"eq": "b"}}', 3)$$);
EXECUTE page('{"kind": {"eq": "b"}}', 3);
EXECUTE page('{"tenant_id": {"eq": 1}}', 4);
RESET plan_cache_mode;
DEALLOCATE page;

-- LATERAL: one stream per outer row, rescanned with new arguments
SELECT * FROM explain($$SELECT t.id, s FROM tv_item t,
  LATERAL fraiseql.stream('tv_item', jsonb_build_object('id', jsonb_build_object('eq', t.id * 2))) s
  WHERE t.id <= 3$$);
SELECT t.id, s->>'label' AS label FROM tv_item t,
  LATERAL fraiseql.stream('tv_item', jsonb_build_object('id', jsonb_build_object('eq', t.id * 2))) s
  WHERE t.id <= 3 ORDER BY t.id;

-- a join with a table, and the same join in plain SQL
SELECT count(*) AS joined,
       (SELECT count(*) FROM tv_item a JOIN tv_item b ON b.id = (a.data->>'rank')::int
        WHERE a.data->>'kind' = 'a') AS plain
FROM fraiseql.stream('tv_item', '{"kind": {"eq": "a"}}') s
JOIN tv_item t ON t.id = (s->>'rank')::int;

-- WITH ORDINALITY numbers the rows in stream order
SELECT * FROM explain($$SELECT * FROM fraiseql.stream('tv_item', "limit" => 2) WITH ORDINALITY$$);
SELECT s->>'id' AS id, n FROM fraiseql.stream('tv_item', '{"id": {"gt": 195}}', '[{"field": "id", "direction": "desc"}]')
  WITH ORDINALITY AS x(s, n);

-- in a CTE and a subquery
SELECT * FROM explain($$WITH w AS (SELECT * FROM fraiseql.stream('tv_item')) SELECT count(*) FROM w$$);
WITH w AS (SELECT * FROM fraiseql.stream('tv_item')) SELECT count(*) FROM w;
SELECT count(*) FROM (SELECT * FROM fraiseql.stream('tv_item', '{"tenant_id": {"eq": 0}}')) sub;

-- a qual on the function's column is evaluated by the scan
SELECT s FROM fraiseql.stream('tv_item') s WHERE s->>'id' = '42';

-- a whole-row reference and ROWS FROM fall back to the Function Scan
-- (for a scalar function "t" is the column itself; with ORDINALITY it is a row)
SELECT * FROM explain($$SELECT t FROM fraiseql.stream('tv_item', "limit" => 1) WITH ORDINALITY AS t(s, n)$$);
SELECT t FROM fraiseql.stream('tv_item', '{"id": {"eq": 3}}') WITH ORDINALITY AS t(s, n);
SELECT * FROM explain($$SELECT * FROM ROWS FROM (fraiseql.stream('tv_item'), generate_series(1, 2))$$);

-- fraiseql.enable_custom_scan = off restores the Function Scan, same rows
SET fraiseql.enable_custom_scan = off;
SELECT * FROM explain($$SELECT * FROM fraiseql.stream('tv_item', "limit" => 2)$$);
SELECT count(*) FROM fraiseql.stream('tv_item', '{"kind": {"eq": "a"}}');
RESET fraiseql.enable_custom_scan;
SELECT count(*) FROM fraiseql.stream('tv_item', '{"kind": {"eq": "a"}}');

-- a cursor over the scan can be read partly, and leaves nothing open after
BEGIN;
DECLARE c CURSOR FOR SELECT * FROM fraiseql.stream('tv_item', order_by => '[{"field": "id"}]', chunk_size => 5);
FETCH 2 FROM c;
SELECT count(*) AS portals_while_reading FROM pg_cursors;
CLOSE c;
SELECT count(*) AS portals_after_close FROM pg_cursors;
COMMIT;

-- cancellation mid-stream (statement_timeout) leaves no portal open, and the
-- backend's next stream works
CREATE VIEW v_slow AS SELECT id, data, pg_sleep(0.005)::text AS nap FROM tv_item;
SET statement_timeout = '200ms';
SELECT count(*) FROM fraiseql.stream('v_slow', chunk_size => 10);
RESET statement_timeout;
SELECT count(*) AS portals_after_cancel FROM pg_cursors;
SELECT count(*) AS next_stream FROM fraiseql.stream('tv_item', '{"kind": {"eq": "a"}}', chunk_size => 10);
