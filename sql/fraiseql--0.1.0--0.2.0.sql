/* fraiseql--0.1.0--0.2.0.sql: ALTER EXTENSION fraiseql UPDATE TO '0.2.0' */

\echo Use "ALTER EXTENSION fraiseql UPDATE TO '0.2.0'" to load this file. \quit

-- 0.1.0 left the schema without privileges for anyone but its owner, so a
-- role that was not a superuser got 42501 on every function until a DBA
-- granted USAGE.  The functions read only what the caller may read.
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
