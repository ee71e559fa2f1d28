/* fraiseql--0.2.0--0.3.0.sql: ALTER EXTENSION fraiseql UPDATE TO '0.3.0' */

\echo Use "ALTER EXTENSION fraiseql UPDATE TO '0.3.0'" to load this file. \quit

-- 0.3.0 is 0.2.0 and this script: CREATE EXTENSION fraiseql runs the two, as
-- contrib modules install their later versions.

-- The rows the quantifiers (_some, _every, _none) read an array with: its
-- elements, or one NULL for anything that is not an array, so the generated
-- SQL looks the array up once per row (src/elements.c).  A 0.3.0 library in a
-- database still at 0.2.0 writes the 0.2.0 form, which does not need it.
CREATE FUNCTION fraiseql.elements(jsonb)
RETURNS SETOF jsonb
AS 'MODULE_PATHNAME', 'fraiseql_elements'
LANGUAGE C IMMUTABLE PARALLEL SAFE
COST 1 ROWS 100;

COMMENT ON FUNCTION fraiseql.elements(jsonb) IS
'the elements of a jsonb array, in order; a single NULL for anything else (SQL NULL, a scalar, an object)';
