-- callargs.c fills in the default arguments of fraiseql's functions in the
-- planner's copy of a query, from a copy of the defaults read once per
-- backend.  Calls must mean what they say however they are written, a view
-- must keep the call as written, and a changed default must be seen at once.
CREATE TABLE tv_ca (id int PRIMARY KEY, data jsonb);
INSERT INTO tv_ca SELECT i, jsonb_build_object('id', i, 'name', 'n' || i) FROM generate_series(1, 5) i;

-- positional, named out of order, mixed: each beside the plain SQL it means
SELECT * FROM fraiseql.stream('tv_ca', '{"id": {"gt": 2}}', '[{"id": "desc"}]', 2);
SELECT * FROM fraiseql.stream('tv_ca', "limit" => 2, order_by => '[{"id": "desc"}]', filter => '{"id": {"gt": 2}}');
SELECT data FROM tv_ca WHERE id > 2 ORDER BY id DESC LIMIT 2;
SELECT * FROM fraiseql.stream(source => 'tv_ca', "offset" => 3, order_by => '[{"id": "asc"}]');
SELECT data FROM tv_ca ORDER BY id OFFSET 3;
SELECT fraiseql.count('tv_ca'), fraiseql.count('tv_ca', filter => '{"id": {"lte": 2}}');

-- in a CTE, a sublink and a subquery in FROM
WITH s AS (SELECT fraiseql.stream('tv_ca', order_by => '[{"id": "asc"}]', "limit" => 1) AS r) SELECT r FROM s;
SELECT (SELECT count(*) FROM fraiseql.stream('tv_ca', "limit" => 4)) AS four;
SELECT count(*) FROM (SELECT * FROM fraiseql.stream('tv_ca', "offset" => 1)) sub;

-- a view keeps the call as it was written, and reads as it says
CREATE VIEW v_ca AS SELECT * FROM fraiseql.stream('tv_ca', "limit" => 2, order_by => '[{"id": "asc"}]');
SELECT pg_get_viewdef('v_ca'::regclass);
SELECT * FROM v_ca;

-- a prepared statement gets its defaults at each planning
PREPARE p(int) AS SELECT * FROM fraiseql.stream('tv_ca', jsonb_build_object('id', jsonb_build_object('eq', $1)));
EXECUTE p(3);
EXECUTE p(4);
DEALLOCATE p;

-- a changed default is seen at once, and so is its rollback
SELECT fraiseql.query('tv_ca', 'ca', '{"id": {"eq": 1}}');
BEGIN;
CREATE OR REPLACE FUNCTION fraiseql.query(
    source regclass, field text, filter jsonb DEFAULT NULL, order_by jsonb DEFAULT NULL,
    "limit" bigint DEFAULT NULL, "offset" bigint DEFAULT NULL, selection text DEFAULT NULL,
    typename text DEFAULT NULL, single boolean DEFAULT true)
RETURNS json AS '$libdir/fraiseql', 'fraiseql_query' LANGUAGE C STABLE;
SELECT fraiseql.query('tv_ca', 'ca', '{"id": {"eq": 1}}');
ROLLBACK;
SELECT fraiseql.query('tv_ca', 'ca', '{"id": {"eq": 1}}');

-- a function someone else puts in schema fraiseql is left to the planner,
-- which casts a polymorphic parameter's default to the type the call resolves
CREATE FUNCTION fraiseql.ca_poly(a anycompatible, b anycompatible DEFAULT 1) RETURNS text
    LANGUAGE sql AS $$ SELECT pg_typeof(b)::text || ':' || b::text $$;
CREATE FUNCTION fraiseql.ca_plain(a int, b int DEFAULT 7) RETURNS int
    LANGUAGE plpgsql AS $$ BEGIN RETURN a + b; END $$;
SELECT fraiseql.ca_poly(1.5::float8) AS float8_default, fraiseql.ca_poly(1.5) AS numeric_default,
       fraiseql.ca_plain(1) AS eight;
DROP FUNCTION fraiseql.ca_poly(anycompatible, anycompatible);
DROP FUNCTION fraiseql.ca_plain(int, int);

DROP VIEW v_ca;
DROP TABLE tv_ca;
