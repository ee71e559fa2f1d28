#!/usr/bin/env bash
# scripts/upgrade-test.sh — the upgrade paths (run by scripts/test.sh against its running
# cluster): for each earlier version, CREATE EXTENSION fraiseql VERSION '<it>' then ALTER
# EXTENSION fraiseql UPDATE in a database of its own, a fresh CREATE EXTENSION fraiseql (the
# default version) in another, and the catalogs compared (in the 0.2.0 database, quantifiers
# also run before the update, where this library must not call what 0.2.0 lacks).  The
# catalog: the extension's version and members, every function's signature, attributes,
# body, privileges and comment, the views' definitions and privileges, the schema's
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

n=0; failed=0
check() {
    n=$((n + 1))
    if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1 (got '$2', expected '$3')"; failed=$((failed + 1)); fi
}

fq_psql postgres -c "DROP DATABASE IF EXISTS fraiseql_fresh" -c "CREATE DATABASE fraiseql_fresh"
fq_psql fraiseql_fresh -c "CREATE EXTENSION fraiseql"
fq_psql fraiseql_fresh -At -c "$catalog" > /tmp/fraiseql-fresh.$$
check "the catalog lists functions, views and the schema" \
    "$(cut -d'|' -f1 /tmp/fraiseql-fresh.$$ | sort -u | tr '\n' ' ')" "extension function member schema view "

# a quantifier over every kind of value a key can hold, and the plain SQL it stands for
quantified="
CREATE TABLE tv_q (id int PRIMARY KEY, data jsonb);
INSERT INTO tv_q SELECT i, jsonb_build_object('id', i) || v::jsonb FROM (VALUES (1, '{\"a\": [1, 5]}'),
    (2, '{\"a\": [5]}'), (3, '{\"a\": []}'), (4, '{\"a\": 5}'), (5, '{\"a\": {\"b\": 5}}'),
    (6, '{\"a\": null}'), (7, '{}')) AS t(i, v)"
q_some="SELECT string_agg(d::jsonb->>'id', ',' ORDER BY d::jsonb->>'id') FROM fraiseql.stream('tv_q', '{\"a\": {\"_some\": {\"eq\": 5}}}') AS s(d)"
q_every="SELECT fraiseql.count('tv_q', '{\"a\": {\"_every\": {\"eq\": 5}}}'), fraiseql.count('tv_q', '{\"a\": {\"_none\": {\"eq\": 7}}}')"

for from in 0.1.0 0.2.0; do
    db=fraiseql_from_${from//./_}
    fq_psql postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    fq_psql $db -c "CREATE EXTENSION fraiseql VERSION '$from'"
    check "installed $from first" \
        "$(fq_psql $db -At -c "SELECT extversion FROM pg_extension WHERE extname = 'fraiseql'")" "$from"
    if [ "$from" = 0.2.0 ]; then
        # this library in a database whose SQL objects are 0.2.0: the quantifiers must
        # not call fraiseql.elements, which 0.2.0 does not have
        fq_psql $db -q -c "$quantified"
        check "0.2.0 objects: the quantifier is written without fraiseql.elements" \
            "$(fq_psql $db -At -c "SELECT position('jsonb_typeof' in (fraiseql.to_sql('tv_q', '{\"a\": {\"_some\": {}}}')).sql) > 0")" t
        check "0.2.0 objects: _some, _every and _none answer" \
            "$(fq_psql $db -At -c "$q_some" -c "$q_every")" "$(printf '1,2\n2|3')"
    fi
    fq_psql $db -c "ALTER EXTENSION fraiseql UPDATE"
    check "ALTER EXTENSION UPDATE from $from reaches the default version" \
        "$(fq_psql $db -At -c "SELECT extversion FROM pg_extension WHERE extname = 'fraiseql'")" "$default"
    fq_psql $db -At -c "$catalog" > /tmp/fraiseql-upgraded.$$
    if diff -u /tmp/fraiseql-fresh.$$ /tmp/fraiseql-upgraded.$$ > /tmp/fraiseql-upgrade.diff.$$; then
        check "catalog updated from $from equals a fresh CREATE EXTENSION of $default" same same
    else
        check "catalog updated from $from equals a fresh CREATE EXTENSION of $default" differs same
        sed 's/^/#   /' /tmp/fraiseql-upgrade.diff.$$ | head -40
    fi
    if [ "$from" = 0.2.0 ]; then
        check "updated: the quantifier reads the array with fraiseql.elements" \
            "$(fq_psql $db -At -c "SELECT position('fraiseql.elements' in (fraiseql.to_sql('tv_q', '{\"a\": {\"_some\": {}}}')).sql) > 0")" t
        check "updated: _some, _every and _none give the same answers" \
            "$(fq_psql $db -At -c "$q_some" -c "$q_every")" "$(printf '1,2\n2|3')"
    fi
    fq_psql postgres -c "DROP DATABASE $db"
done
check "a role that is not a superuser may use the schema" \
    "$(fq_psql fraiseql_fresh -At -c "SELECT has_schema_privilege('public', 'fraiseql', 'USAGE'), has_function_privilege('public', 'fraiseql.stream(regclass,jsonb,jsonb,bigint,bigint,text,text,integer)', 'EXECUTE'), has_function_privilege('public', 'fraiseql.elements(jsonb)', 'EXECUTE'), has_function_privilege('public', 'fraiseql.plan_cache_reset()', 'EXECUTE')")" "t|t|t|f"
rm -f /tmp/fraiseql-upgraded.$$ /tmp/fraiseql-fresh.$$ /tmp/fraiseql-upgrade.diff.$$
fq_psql postgres -c "DROP DATABASE fraiseql_fresh"
echo "1..$n"
[ "$failed" -eq 0 ]
