#!/usr/bin/env bash
# scripts/nopreload-test.sh — fraiseql in a server that does not preload it, as users often
# install extensions: a second throwaway cluster (port FQ_PORT + 2) without
# shared_preload_libraries, fraiseql.plan_cache_size = 7 in its postgresql.conf.  CREATE
# EXTENSION and the first call of a function in a new backend must not kill the connection
# (a PGC_POSTMASTER setting defined after startup is FATAL), every function works with a
# backend-local plan cache of the configured size, LOAD and session_preload_libraries load it,
# the two views raise 55000 with a hint, and the pg_regress suites that need no shared cache
# pass here too.  Then the same data directory is restarted with preloading: the shared cache
# appears.  Prints TAP; exits non-zero if any check failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
FQ_PORT=$(( ${FQ_PORT:-54339} + 2 ))
FQ_SOCKDIR=/tmp/fraiseql-sock-$FQ_PORT
FQ_DATADIR=/tmp/fraiseql-data-$FQ_PORT
FQ_LOG=/tmp/fraiseql-$FQ_PORT.log
export FQ_PORT FQ_SOCKDIR FQ_DATADIR FQ_LOG
. "$here/common.sh"

DB=fraiseql_nopreload
SUITES=${SUITES:-"is_json parse to_sql errors stream projection callargs"}
work=$(mktemp -d /tmp/fraiseql-nopreload.XXXXXX)
cleanup() { "$here/cluster.sh" stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

FQ_PRELOAD=no FQ_PLAN_CACHE_SIZE=7 "$here/cluster.sh" start >/dev/null

n=0; failed=0
check() {  # check "description" actual expected
    n=$((n + 1))
    if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; echo "#   got:      '$2'"; echo "#   expected: '$3'"; failed=$((failed + 1)); fi
}
# one new session each; psql's exit status and output both count
q() { as_pg "$PG_BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$FQ_SOCKDIR" -p "$FQ_PORT" -d "$DB" "$@" 2>&1 || echo "psql exit $?"; }
# SQLSTATE, message and hint of a statement that must fail
ERR='CREATE FUNCTION pg_temp.err(s text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE st text; msg text; h text;
BEGIN EXECUTE s; RETURN $q$no error$q$;
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, h = PG_EXCEPTION_HINT;
  RETURN st || $q$: $q$ || msg || coalesce($q$ / HINT: $q$ || nullif(h, $q$$q$), $q$$q$);
END $f$;'

fq_psql postgres -c "CREATE DATABASE $DB"
check "shared_preload_libraries is empty" "$(q -c 'SHOW shared_preload_libraries')" ""

# CREATE EXTENSION loads the library in this backend; the session must go on
check "CREATE EXTENSION fraiseql keeps the connection" \
    "$(q -c 'CREATE EXTENSION fraiseql' -c 'SELECT 1')" "1"
q -c "CREATE TABLE tv_item (id int PRIMARY KEY, data jsonb);
      INSERT INTO tv_item SELECT i, jsonb_build_object('id', i, 'name', 'item ' || i, 'rank', i % 5)
      FROM generate_series(1, 50) i;
      CREATE VIEW v_item_json AS SELECT id, data::json AS data FROM tv_item;" >/dev/null

# the first call of a function in a new backend loads the library
check "first call in a new backend: count()" \
    "$(q -c "SELECT fraiseql.count('tv_item', '{\"rank\": {\"eq\": 2}}')")" \
    "$(q -c "SELECT count(*) FROM tv_item WHERE (data->>'rank')::numeric = 2")"
check "stream() equals the plain query" \
    "$(q -c "SELECT string_agg(s::text, ',') FROM fraiseql.stream('tv_item', '{\"rank\": {\"gte\": 3}}', '[{\"field\": \"id\"}]') s")" \
    "$(q -c "SELECT string_agg(data::text, ',' ORDER BY data->'id') FROM tv_item WHERE (data->>'rank')::numeric >= 3")"
check "the custom scan streams: SELECT * FROM stream() LIMIT" \
    "$(q -c "SELECT string_agg(s::text, ',') FROM (SELECT * FROM fraiseql.stream('tv_item', order_by => '[{\"id\": \"desc\"}]', chunk_size => 7) LIMIT 3) t(s)")" \
    "$(q -c "SELECT string_agg(data::text, ',' ORDER BY id DESC) FROM (SELECT * FROM tv_item ORDER BY id DESC LIMIT 3) t")"
check "query() on a json source" \
    "$(q -c "SELECT fraiseql.query('v_item_json', 'items', '{\"id\": {\"in\": [2, 3]}}', '[{\"field\": \"id\"}]', selection => 'name')")" \
    '{"data": {"items": [{"name": "item 2"}, {"name": "item 3"}]}}'
check "to_sql(), parse(), is_json()" \
    "$(q -c "SELECT sql FROM fraiseql.to_sql('tv_item', '{\"id\": {\"eq\": 1}}')" -c "SELECT fraiseql.parse('{\"a\": [1.50]}')::text, fraiseql.is_json('[')")" \
    "$(printf '%s\n%s' 'SELECT data FROM public.tv_item WHERE id = $1::integer' '{"a": [1.50]}|f')"

# the setting sizes the local cache; a sighup setting, not a postmaster one
check "plan_cache_size from postgresql.conf" \
    "$(q -c "SELECT fraiseql.count('tv_item')" -c 'SHOW fraiseql.plan_cache_size')" "$(printf '50\n7')"
check "plan_cache_size cannot be SET in a session" \
    "$(q -c "LOAD 'fraiseql'" -c "$ERR" -c "SELECT pg_temp.err('SET fraiseql.plan_cache_size = 3')")" \
    "55P02: parameter \"fraiseql.plan_cache_size\" cannot be changed now"
check "a repeated call hits the backend's local cache" \
    "$(q -c "SELECT count(*) FROM fraiseql.stream('tv_item')" \
         -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM fraiseql.stream('tv_item')" | grep -c 'Plan Cache: hit')" "1"
check "plan_cache_reset() drops the local cache" \
    "$(q -c "SELECT count(*) FROM fraiseql.stream('tv_item')" -c 'SELECT fraiseql.plan_cache_reset()' \
         -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM fraiseql.stream('tv_item')" | grep -c 'Plan Cache: miss')" "1"
for view in plan_cache plan_cache_info; do
    check "fraiseql.$view raises 55000 with a hint" \
        "$(q -c "$ERR" -c "SELECT pg_temp.err('SELECT * FROM fraiseql.$view')")" \
        "55000: fraiseql shared plan cache is not available / HINT: Set shared_preload_libraries = 'fraiseql' and a non-zero fraiseql.plan_cache_size, then restart the server."
done

# LOAD defines the settings and hooks before any call
check "LOAD 'fraiseql' defines its settings" \
    "$(q -c "LOAD 'fraiseql'" -c 'SHOW fraiseql.chunk_size' -c 'SHOW fraiseql.plan_cache_size')" "$(printf '1000\n7')"
check "LOAD, then the custom scan" \
    "$(q -c "LOAD 'fraiseql'" -c "EXPLAIN (COSTS OFF) SELECT * FROM fraiseql.stream('tv_item')" | head -1)" \
    "Custom Scan (FraiseQLStream)"
fq_psql postgres -c "ALTER DATABASE $DB SET session_preload_libraries = 'fraiseql'"
check "session_preload_libraries loads it at connection start" \
    "$(q -c 'SHOW fraiseql.plan_cache_size' -c "SELECT fraiseql.count('tv_item', '{\"id\": {\"lte\": 10}}')")" "$(printf '7\n10')"
fq_psql postgres -c "ALTER DATABASE $DB RESET session_preload_libraries"

# connection() in a new backend: pages through the local cache, its GUC is defined
check "connection() without preloading, and fraiseql.max_page_size" \
    "$(q -c "SELECT fraiseql.connection('v_item_json', 'x', '{\"rank\": {\"eq\": 2}}', '[{\"field\": \"id\", \"direction\": \"desc\"}]', first => 2, selection => 'edges { node { id } } pageInfo { hasNextPage }')" -c 'SHOW fraiseql.max_page_size')" \
    "$(printf '%s\n%s' '{"data": {"x": {"edges": [{"node": {"id": 47}}, {"node": {"id": 42}}], "pageInfo": {"hasNextPage": true}}}}' 1000)"

# the suites that need no shared cache, with their expected outputs
cp -r "$root/sql" "$root/expected" "$work/"
chmod -R a+rX "$work"; [ "$(id -u)" -eq 0 ] && chown -R postgres "$work"
if as_pg "$PG_BINDIR/../lib/pgxs/src/test/regress/pg_regress" \
        --host="$FQ_SOCKDIR" --port="$FQ_PORT" --inputdir="$work" --outputdir="$work" \
        --dbname=fraiseql_nopreload_regress --load-extension=fraiseql $SUITES > "$work/regress.log" 2>&1; then
    check "pg_regress without preloading: $SUITES" ok ok
else
    check "pg_regress without preloading: $SUITES" "$(grep -E 'FAILED|failed' "$work/regress.log" | tr '\n' ' ')" ok
    cat "$work/regression.diffs" 2>/dev/null | head -80
fi

# the same data directory, now preloaded: the shared cache appears
"$here/cluster.sh" restart "-c shared_preload_libraries=fraiseql" >/dev/null
check "restarted with preloading: plan_cache_info answers" \
    "$(q -c "SELECT fraiseql.count('tv_item')" -c 'SELECT capacity, entries FROM fraiseql.plan_cache_info')" "$(printf '50\n7|1')"
check "restarted with preloading: plan_cache_size is a postmaster setting" \
    "$(q -c "SELECT context FROM pg_settings WHERE name = 'fraiseql.plan_cache_size'")" "postmaster"

echo "1..$n"
[ "$failed" -eq 0 ]
