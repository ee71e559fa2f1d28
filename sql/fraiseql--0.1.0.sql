/* fraiseql--0.1.0.sql: the SQL API of SPEC section 2 */

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
