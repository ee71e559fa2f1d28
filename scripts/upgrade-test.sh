#!/usr/bin/env bash
# scripts/upgrade-test.sh — the upgrade path (run by scripts/test.sh against its running
# cluster): CREATE EXTENSION fraiseql VERSION '0.1.0' then ALTER EXTENSION fraiseql UPDATE in one
# database, a fresh CREATE EXTENSION fraiseql (the default version) in another, and the catalog
# of the two compared: the extension's version and members, every function's signature,
# attributes, body, privileges and comment, the views' definitions and privileges, the schema's
# privileges.  Prints TAP; exits non-zero if they differ.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

default=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$here/../fraiseql.control")
catalog="
SELECT 'extension', extversion, '' FROM pg_extension WHERE extname = 'fraiseql'
UNION ALL
SELECT 'member', pg_describe_object(classid, objid, objsubid), ''
FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'fraiseql')
UNION ALL
SELECT 'function', p.oid::regprocedure::text,
       concat_ws(' | ', pg_get_function_result(p.oid), pg_get_function_arguments(p.oid),
                 p.prokind, p.provolatile, p.proisstrict, p.prosecdef, p.proparallel,
                 p.procost, p.prorows, p.proretset, p.prosrc, p.probin, p.proacl::text,
                 obj_description(p.oid, 'pg_proc'))
FROM pg_proc p WHERE p.pronamespace = 'fraiseql'::regnamespace
UNION ALL
SELECT 'view', c.oid::regclass::text,
       concat_ws(' | ', regexp_replace(pg_get_viewdef(c.oid), '\s+', ' ', 'g'), c.relacl::text, obj_description(c.oid, 'pg_class'))
FROM pg_class c WHERE c.relnamespace = 'fraiseql'::regnamespace
UNION ALL
SELECT 'schema', nspname, concat_ws(' | ', nspacl::text, obj_description(oid, 'pg_namespace'))
FROM pg_namespace WHERE nspname = 'fraiseql'
ORDER BY 1, 2, 3"

fq_psql postgres -c "DROP DATABASE IF EXISTS fraiseql_upgraded" -c "CREATE DATABASE fraiseql_upgraded" \
    -c "DROP DATABASE IF EXISTS fraiseql_fresh" -c "CREATE DATABASE fraiseql_fresh"
fq_psql fraiseql_upgraded -c "CREATE EXTENSION fraiseql VERSION '0.1.0'"
from=$(fq_psql fraiseql_upgraded -At -c "SELECT extversion FROM pg_extension WHERE extname = 'fraiseql'")
fq_psql fraiseql_upgraded -c "ALTER EXTENSION fraiseql UPDATE"
fq_psql fraiseql_fresh -c "CREATE EXTENSION fraiseql"
fq_psql fraiseql_upgraded -At -c "$catalog" > /tmp/fraiseql-upgraded.$$
fq_psql fraiseql_fresh -At -c "$catalog" > /tmp/fraiseql-fresh.$$

n=0; failed=0
check() {
    n=$((n + 1))
    if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1 (got '$2', expected '$3')"; failed=$((failed + 1)); fi
}
check "installed 0.1.0 first" "$from" "0.1.0"
check "ALTER EXTENSION UPDATE reaches the default version" \
    "$(fq_psql fraiseql_upgraded -At -c "SELECT extversion FROM pg_extension WHERE extname = 'fraiseql'")" "$default"
check "the catalog lists functions, views and the schema" \
    "$(cut -d'|' -f1 /tmp/fraiseql-fresh.$$ | sort -u | tr '\n' ' ')" "extension function member schema view "
if diff -u /tmp/fraiseql-fresh.$$ /tmp/fraiseql-upgraded.$$ > /tmp/fraiseql-upgrade.diff.$$; then
    check "updated catalog equals a fresh CREATE EXTENSION of $default" same same
else
    check "updated catalog equals a fresh CREATE EXTENSION of $default" differs same
    sed 's/^/#   /' /tmp/fraiseql-upgrade.diff.$$ | head -40
fi
check "a role that is not a superuser may use the schema" \
    "$(fq_psql fraiseql_fresh -At -c "SELECT has_schema_privilege('public', 'fraiseql', 'USAGE'), has_function_privilege('public', 'fraiseql.stream(regclass,jsonb,jsonb,bigint,bigint,text,text,integer)', 'EXECUTE'), has_function_privilege('public', 'fraiseql.plan_cache_reset()', 'EXECUTE')")" "t|t|f"
rm -f /tmp/fraiseql-upgraded.$$ /tmp/fraiseql-fresh.$$ /tmp/fraiseql-upgrade.diff.$$
fq_psql postgres -c "DROP DATABASE fraiseql_upgraded" -c "DROP DATABASE fraiseql_fresh"
echo "1..$n"
[ "$failed" -eq 0 ]
