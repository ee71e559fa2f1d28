/* fraiseql--0.2.0.sql: the SQL API of SPEC section 2, as release 0.2.0 installs it */

\echo Use "CREATE EXTENSION fraiseql" to load this file. \quit

-- Every function is SECURITY INVOKER (the default): the generated query runs
-- with the caller's privileges, so GRANTs and row-level security apply.

CREATE FUNCTION fraiseql.stream(
    source      regclass,
    filter      jsonb   DEFAULT NULL,
    order_by    jsonb   DEFAULT NULL,
    "limit"     bigint  DEFAULT NULL,
    "offset"    bigint  DEFAULT NULL,
    selection   text    DEFAULT NULL,
    typename    text    DEFAULT NULL,
    chunk_size  integer DEFAULT NULL)
RETURNS SETOF json
AS 'MODULE_PATHNAME', 'fraiseql_stream'
LANGUAGE C STABLE;

COMMENT ON FUNCTION fraiseql.stream(regclass, jsonb, jsonb, bigint, bigint, text, text, integer) IS
'streams one JSON object per matching row of a JSON-shaped relation, chunk by chunk';

CREATE FUNCTION fraiseql.to_sql(
    source      regclass,
    filter      jsonb   DEFAULT NULL,
    order_by    jsonb   DEFAULT NULL,
    "limit"     bigint  DEFAULT NULL,
    "offset"    bigint  DEFAULT NULL,
    OUT sql     text,
    OUT params  jsonb)
RETURNS record
AS 'MODULE_PATHNAME', 'fraiseql_to_sql'
LANGUAGE C STABLE;

COMMENT ON FUNCTION fraiseql.to_sql(regclass, jsonb, jsonb, bigint, bigint) IS
'the SQL and bound parameter values that fraiseql.stream runs for these arguments';

CREATE FUNCTION fraiseql.count(
    source      regclass,
    filter      jsonb   DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'fraiseql_count'
LANGUAGE C STABLE;

COMMENT ON FUNCTION fraiseql.count(regclass, jsonb) IS
'number of rows of the source that match the filter (GraphQL totalCount)';

CREATE FUNCTION fraiseql.is_json(text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'fraiseql_is_json'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION fraiseql.is_json(text) IS
'true iff the text is valid JSON (text::json would succeed); validated with simdjson';

-- Key lookups in json sources with simdjson; the generated SQL for a json
-- source calls these where a jsonb source uses -> and ->>.

CREATE FUNCTION fraiseql.json_get_text(data json, VARIADIC keys text[])
RETURNS text
AS 'MODULE_PATHNAME', 'fraiseql_json_get_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION fraiseql.json_get_text(json, text[]) IS
'data->''k1''->...->>''kn'' read with simdjson (the same result as the json operators)';

CREATE FUNCTION fraiseql.json_get(data json, VARIADIC keys text[])
RETURNS jsonb
AS 'MODULE_PATHNAME', 'fraiseql_json_get'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION fraiseql.json_get(json, text[]) IS
'(data->''k1''->...->''kn'')::jsonb read with simdjson (the same result as the json operators)';

CREATE FUNCTION fraiseql.simd_implementation()
RETURNS text
AS 'MODULE_PATHNAME', 'fraiseql_simd_implementation'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION fraiseql.simd_implementation() IS
'the SIMD kernel simdjson selected for this CPU (haswell = AVX2, westmere = SSE4.2, icelake = AVX-512, fallback = scalar)';

-- The plan cache (needs shared_preload_libraries = 'fraiseql')

CREATE FUNCTION fraiseql.plan_cache_entries(
    OUT queryid     bigint,
    OUT dbid        oid,
    OUT source      oid,
    OUT data_type   regtype,
    OUT userid      oid,
    OUT sql         text,
    OUT param_types regtype[],
    OUT calls       bigint,
    OUT rows        bigint,
    OUT total_time  double precision,
    OUT mean_time   double precision,
    OUT last_used   timestamptz,
    OUT plans       bigint,
    OUT generic_plan boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'fraiseql_plan_cache'
LANGUAGE C STRICT VOLATILE;

CREATE VIEW fraiseql.plan_cache AS SELECT * FROM fraiseql.plan_cache_entries();

COMMENT ON VIEW fraiseql.plan_cache IS
'one row per cached query shape: the generated SQL, its parameter types and statistics (times in ms)';

CREATE FUNCTION fraiseql.plan_cache_stats(
    OUT capacity      integer,
    OUT entries       integer,
    OUT hits          bigint,
    OUT misses        bigint,
    OUT evictions     bigint,
    OUT invalidations bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'fraiseql_plan_cache_info'
LANGUAGE C STRICT VOLATILE;

CREATE VIEW fraiseql.plan_cache_info AS SELECT * FROM fraiseql.plan_cache_stats();

COMMENT ON VIEW fraiseql.plan_cache_info IS
'the plan cache as a whole: capacity, entries, hits, misses, evictions, invalidations';

CREATE FUNCTION fraiseql.plan_cache_reset()
RETURNS void
AS 'MODULE_PATHNAME', 'fraiseql_plan_cache_reset'
LANGUAGE C STRICT VOLATILE;

COMMENT ON FUNCTION fraiseql.plan_cache_reset() IS
'empties the shared plan cache and zeroes its counters';

REVOKE ALL ON FUNCTION fraiseql.plan_cache_reset() FROM PUBLIC;
GRANT SELECT ON fraiseql.plan_cache, fraiseql.plan_cache_info TO PUBLIC;

CREATE FUNCTION fraiseql.query(
    source      regclass,
    field       text,
    filter      jsonb   DEFAULT NULL,
    order_by    jsonb   DEFAULT NULL,
    "limit"     bigint  DEFAULT NULL,
    "offset"    bigint  DEFAULT NULL,
    selection   text    DEFAULT NULL,
    typename    text    DEFAULT NULL,
    single      boolean DEFAULT false)
RETURNS json
AS 'MODULE_PATHNAME', 'fraiseql_query'
LANGUAGE C STABLE;

COMMENT ON FUNCTION fraiseql.query(regclass, text, jsonb, jsonb, bigint, bigint, text, text, boolean) IS
'a whole GraphQL response, {"data": {"<field>": [...]}}, built in one pass';

CREATE FUNCTION fraiseql.parse(text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'fraiseql_parse'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION fraiseql.parse(text) IS
'text::jsonb through simdjson: the same result and the same errors';

-- The schema is created by CREATE EXTENSION (the control file's schema), owned
-- by whoever created the extension, with no privileges for anyone else.  The
-- functions are SECURITY INVOKER and read only what the caller may read, so
-- every role may use them, as it may use the built-in functions; only
-- plan_cache_reset() stays with superusers (and whom they grant it to), as
-- pg_stat_statements_reset() does.
GRANT USAGE ON SCHEMA fraiseql TO PUBLIC;

CREATE FUNCTION fraiseql.connection(
    source      regclass,
    field       text,
    filter      jsonb   DEFAULT NULL,
    order_by    jsonb   DEFAULT NULL,
    first       integer DEFAULT NULL,
    after       text    DEFAULT NULL,
    last        integer DEFAULT NULL,
    "before"    text    DEFAULT NULL,
    selection   text    DEFAULT NULL,
    typename    text    DEFAULT NULL)
RETURNS json
AS 'MODULE_PATHNAME', 'fraiseql_connection'
LANGUAGE C STABLE SECURITY INVOKER;

COMMENT ON FUNCTION fraiseql.connection(regclass, text, jsonb, jsonb, integer, text, integer, text, text, text) IS
'a Relay connection, {"data": {"<field>": {edges, pageInfo, totalCount}}}, paged by keyset with opaque cursors';
