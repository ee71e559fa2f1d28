-- pgTAP: fraiseql runs as the caller.  A role without SELECT gets 42501, an
-- RLS policy filters stream()/count()/query() exactly as plain SQL, every
-- function is SECURITY INVOKER, and hostile keys, values, order fields and
-- casts are rejected or matched literally, never executed.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS fraiseql;
SELECT plan(13);

CREATE TABLE tv_sec (id int PRIMARY KEY, tenant_id int, data jsonb);
INSERT INTO tv_sec SELECT i, i % 3, jsonb_build_object('id', i, 'name', 'n' || i, 'owner', 'u' || (i % 3))
FROM generate_series(1, 30) i;
CREATE ROLE regress_fq_nobody;
CREATE ROLE regress_fq_tenant;
GRANT USAGE ON SCHEMA fraiseql TO regress_fq_nobody, regress_fq_tenant;
GRANT SELECT ON tv_sec TO regress_fq_tenant;
ALTER TABLE tv_sec ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_one ON tv_sec FOR SELECT TO regress_fq_tenant USING (tenant_id = 1);

SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'fraiseql' AND p.prosecdef), 0::bigint,
          'every fraiseql function is SECURITY INVOKER');

SET LOCAL ROLE regress_fq_nobody;
SELECT throws_ok($$SELECT count(*) FROM fraiseql.stream('tv_sec')$$, '42501', NULL,
                 'stream() without SELECT privilege: 42501');
SELECT throws_ok($$SELECT fraiseql.count('tv_sec')$$, '42501', NULL,
                 'count() without SELECT privilege: 42501');
SELECT throws_ok($$SELECT fraiseql.query('tv_sec', 'x')$$, '42501', NULL,
                 'query() without SELECT privilege: 42501');
RESET ROLE;

SET LOCAL ROLE regress_fq_tenant;
SELECT is((SELECT array_agg((s->>'id')::int ORDER BY (s->>'id')::int) FROM fraiseql.stream('tv_sec') s),
          (SELECT array_agg(id ORDER BY id) FROM tv_sec),
          'RLS filters stream() exactly as plain SQL');
SELECT is((SELECT array_agg((s->>'id')::int ORDER BY (s->>'id')::int) FROM fraiseql.stream('tv_sec', '{"id": {"lte": 10}}') s),
          ARRAY[1, 4, 7, 10],
          'RLS and a filter together: only the tenant''s rows');
SELECT is(fraiseql.count('tv_sec'), (SELECT count(*) FROM tv_sec), 'RLS filters count() as plain SQL');
SELECT is(fraiseql.count('tv_sec'), 10::bigint, 'the tenant sees its 10 rows');
SELECT is((fraiseql.query('tv_sec', 'x', "limit" => 100)::jsonb->'data'->'x') , (SELECT jsonb_agg(data) FROM (SELECT data FROM tv_sec ORDER BY id) t),
          'RLS filters query() as plain SQL');
RESET ROLE;

SELECT is((SELECT count(*) FROM fraiseql.stream('tv_sec', '{"name": {"eq": "x''); DROP TABLE tv_sec; --"}}')), 0::bigint,
          'an injection attempt in a value matches literally (nothing)');
SELECT throws_ok($$SELECT count(*) FROM fraiseql.stream('tv_sec', '{"name''; DROP TABLE tv_sec; --": {"eq": 1}}')$$,
                 '22023', NULL, 'an injection attempt in a key: 22023');
SELECT throws_ok($$SELECT count(*) FROM fraiseql.stream('tv_sec', order_by => '[{"field": "id; DROP TABLE tv_sec"}]')$$,
                 '22023', NULL, 'an injection attempt in an order field: 22023');
SELECT is((SELECT count(*) FROM tv_sec), 30::bigint, 'the table is intact');

SELECT * FROM finish();
ROLLBACK;
