-- pgTAP: the FraiseQLStream custom scan returns exactly what the Function
-- Scan returns, for every filter family; it survives rescans under nested
-- loops; the plan really is the one each setting asks for.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS fraiseql;
SELECT plan(28);

CREATE TABLE tv_cs (id int PRIMARY KEY, tenant_id int, data jsonb);
INSERT INTO tv_cs
SELECT i, i % 5,
       jsonb_build_object('id', i, 'name', 'name_' || i || CASE WHEN i % 7 = 0 THEN '%' ELSE '' END,
                          'rank', (i * 13) % 40, 'active', i % 2 = 0,
                          'tags', CASE WHEN i % 3 = 0 THEN '["vip", "a"]'::jsonb WHEN i % 3 = 1 THEN '[]' ELSE 'null' END,
                          'profile', CASE WHEN i % 4 = 0 THEN NULL ELSE jsonb_build_object('city', 'c' || (i % 6)) END)
FROM generate_series(1, 300) i;
ANALYZE tv_cs;

-- rows of SELECT * FROM fraiseql.stream(...) with the custom scan on or off;
-- EXECUTE plans afresh, so the setting is honoured
CREATE FUNCTION scan_rows(filter jsonb, order_by jsonb, custom boolean) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE result text[];
BEGIN
  PERFORM set_config('fraiseql.enable_custom_scan', custom::text, true);
  EXECUTE 'SELECT array_agg(s::text ORDER BY n) FROM fraiseql.stream(''tv_cs'', $1, $2, chunk_size => 7)
           WITH ORDINALITY AS x(s, n)' INTO result USING filter, order_by;
  RETURN result;
END $$;
CREATE FUNCTION scan_plan(custom boolean) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; plan text := '';
BEGIN
  PERFORM set_config('fraiseql.enable_custom_scan', custom::text, true);
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) SELECT * FROM fraiseql.stream(''tv_cs'')' LOOP
    plan := plan || line || E'\n';
  END LOOP;
  RETURN plan;
END $$;

SELECT matches(scan_plan(true), 'Custom Scan \(FraiseQLStream\)', 'enable_custom_scan = on plans the custom scan');
SELECT matches(scan_plan(false), 'Function Scan', 'enable_custom_scan = off plans the Function Scan');

-- one filter per family; each compared on/off, and against plain SQL
CREATE TEMP TABLE families (label text, filter jsonb, plain text);
INSERT INTO families VALUES
 ('eq string', '{"name": {"eq": "name_3"}}', $$data->>'name' = 'name_3'$$),
 ('neq', '{"name": {"neq": "name_3"}}', $$data->>'name' <> 'name_3'$$),
 ('gt number', '{"rank": {"gt": 30}}', $$(data->>'rank')::numeric > 30$$),
 ('lte number', '{"rank": {"lte": 2}}', $$(data->>'rank')::numeric <= 2$$),
 ('eq boolean', '{"active": {"eq": true}}', $$(data->>'active')::boolean = true$$),
 ('in', '{"rank": {"in": [1, 2, 3]}}', $$(data->>'rank')::numeric IN (1, 2, 3)$$),
 ('nin', '{"rank": {"nin": [1, 2, 3]}}', $$NOT ((data->>'rank')::numeric IN (1, 2, 3))$$),
 ('isnull', '{"profile": {"isnull": true}}', $$data->>'profile' IS NULL$$),
 ('contains with %', '{"name": {"contains": "%"}}', $$strpos(data->>'name', '%') > 0$$),
 ('startswith', '{"name": {"startswith": "name_1"}}', $$data->>'name' LIKE 'name\_1%'$$),
 ('iendswith', '{"name": {"iendswith": "0"}}', $$data->>'name' ILIKE '%0'$$),
 ('regex', '{"name": {"regex": "^name_[0-9]{2}$"}}', $$data->>'name' ~ '^name_[0-9]{2}$'$$),
 ('array_contains', '{"tags": {"array_contains": ["vip"]}}', $$data->'tags' @> '["vip"]'$$),
 ('len_gt', '{"tags": {"len_gt": 1}}', $$CASE WHEN jsonb_typeof(data->'tags') = 'array' THEN jsonb_array_length(data->'tags') > 1 END$$),
 ('has_key nested path', '{"profile": {"city": {"eq": "c1"}}}', $$data->'profile'->>'city' = 'c1'$$),
 ('native column', '{"tenant_id": {"eq": 2}}', $$tenant_id = 2$$),
 ('_or', '{"_or": [{"rank": {"lt": 3}}, {"tenant_id": {"eq": 4}}]}', $$(data->>'rank')::numeric < 3 OR tenant_id = 4$$),
 ('_not', '{"_not": {"active": {"eq": true}}}', $$NOT ((data->>'active')::boolean = true)$$);

SELECT is(scan_rows(filter, '[{"field": "id"}]', true), scan_rows(filter, '[{"field": "id"}]', false),
          'custom scan = function scan: ' || label)
FROM families ORDER BY label;

CREATE FUNCTION plain_rows(plain text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE result text[];
BEGIN
  EXECUTE 'SELECT array_agg(data::text ORDER BY id) FROM tv_cs WHERE ' || plain INTO result;
  RETURN result;
END $$;
SELECT is(scan_rows(filter, '[{"field": "id"}]', true), plain_rows(plain), 'custom scan = plain SQL: ' || label)
FROM families WHERE label IN ('eq string', 'contains with %', 'len_gt', '_or') ORDER BY label;

-- rescans: a nested loop without a Material node rescans the custom scan
SET LOCAL enable_hashjoin = off;
SET LOCAL enable_mergejoin = off;
SET LOCAL enable_material = off;
SET LOCAL fraiseql.enable_custom_scan = on;
SELECT is((SELECT count(*) FROM generate_series(1, 6) g
           JOIN fraiseql.stream('tv_cs', '{"tenant_id": {"eq": 1}}', chunk_size => 4) s ON true),
          6 * (SELECT count(*) FROM tv_cs WHERE tenant_id = 1),
          'a nested loop rescans the stream: 6 full passes');
SELECT is((SELECT array_agg((s->>'id')::int ORDER BY g, (s->>'id')::int)
           FROM generate_series(1, 3) g,
                LATERAL fraiseql.stream('tv_cs', jsonb_build_object('id', jsonb_build_object('lte', g)), chunk_size => 1) s),
          ARRAY[1, 1, 2, 1, 2, 3],
          'LATERAL rescans with new arguments each time');
SELECT is((SELECT count(*) FROM pg_cursors), 0::bigint, 'no portal left after the rescans');
SELECT ok((SELECT count(*) FROM tv_cs t
           WHERE t.id <= 20 AND EXISTS (SELECT 1 FROM fraiseql.stream('tv_cs', jsonb_build_object('id', jsonb_build_object('eq', t.id))) s)) = 20,
          'a correlated EXISTS subquery restarts the stream per row');

SELECT * FROM finish();
ROLLBACK;
