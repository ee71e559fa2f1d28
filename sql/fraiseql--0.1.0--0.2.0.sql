/* fraiseql--0.1.0--0.2.0.sql: ALTER EXTENSION fraiseql UPDATE TO '0.2.0' */

\echo Use "ALTER EXTENSION fraiseql UPDATE TO '0.2.0'" to load this file. \quit

-- 0.1.0 left the schema without privileges for anyone but its owner, so a
-- role that was not a superuser got 42501 on every function until a DBA
-- granted USAGE.  The functions read only what the caller may read.
GRANT USAGE ON SCHEMA fraiseql TO PUBLIC;
