#!/usr/bin/env bash
# scripts/demo.sh — `make demo`: install what is missing, build, install, start a throwaway
# cluster with fraiseql preloaded, load FraiseQL-shaped sample data (bench/data.sql at a small
# scale), and print a few sample calls with their output (streams, query(), a Relay connection,
# quantifiers, the view pushdown's plan).  The cluster is left running so
# you can try your own queries; `scripts/cluster.sh stop` ends it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/common.sh"
cd "$root"

"$root/scripts/install-deps.sh"
make -s PG_CONFIG="$PG_CONFIG" >/dev/null
as_root make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
"$root/scripts/cluster.sh" start

fq_psql postgres -c "CREATE DATABASE fraiseql_demo" >/dev/null
echo "demo: loading the sample data into database fraiseql_demo (scripts/demo-data.sh)"
"$root/scripts/demo-data.sh" fraiseql_demo

run() {
    echo
    echo "fraiseql_demo=# $1"
    fq_psql fraiseql_demo -P pager=off -c "$1"
}

run "SELECT fraiseql.stream('tv_user', filter => '{\"status\": {\"eq\": \"active\"}, \"profile\": {\"rank\": {\"gte\": 90}}}', order_by => '[{\"field\": \"profile.rank\", \"direction\": \"desc\"}]', \"limit\" => 3)"
run "SELECT fraiseql.stream('tv_user', filter => '{\"status\": {\"eq\": \"active\"}}', order_by => '[{\"field\": \"email\"}]', \"limit\" => 2, selection => 'id email firstName profile { city rank } __typename', typename => 'User')"
run "SELECT fraiseql.query('tv_user', 'users', '{\"tags\": {\"array_contains\": [\"vip\"]}}', '[{\"field\": \"email\"}]', 2, selection => 'email tags')"
run "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM fraiseql.stream('tv_user', chunk_size => 100) LIMIT 5"
run "SELECT * FROM fraiseql.to_sql('tv_user', '{\"email\": {\"endswith\": \"@example.com\"}, \"tags\": {\"array_contains\": [\"vip\"]}}', '[{\"createdAt\": \"desc\"}]', 20, 40)"
run "SELECT fraiseql.count('tv_user', '{\"_or\": [{\"status\": {\"eq\": \"active\"}}, {\"tags\": {\"array_contains\": [\"vip\"]}}]}')"
run "SELECT fraiseql.is_json('{\"a\": [1, 2, {\"b\": null}]}') AS valid, fraiseql.is_json('{\"a\": }') AS invalid"
run "SELECT fraiseql.stream('tv_user_json', '{\"profile\": {\"city\": {\"eq\": \"Kyoto\"}}}', \"limit\" => 2, selection => 'email profile { city }')"
run "SELECT sql FROM fraiseql.to_sql('tv_user_json', '{\"profile\": {\"city\": {\"eq\": \"Kyoto\"}}}')"
run "SELECT fraiseql.connection('tv_user', 'users', '{\"tenantId\": {\"eq\": 3}}', '[{\"field\": \"createdAt\", \"direction\": \"desc\"}]', first => 2, selection => 'totalCount edges { cursor node { email createdAt } } pageInfo { hasNextPage endCursor }')"
run "SELECT fraiseql.count('tv_user', '{\"posts\": {\"_some\": {\"title\": {\"startswith\": \"Post 99\"}}}, \"email\": {\"nregex\": \"^user1\"}}')"
run "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM fraiseql.stream('v_user', '{\"email\": {\"eq\": \"user7@example.com\"}}', selection => 'email')"
run "SELECT fraiseql.parse('{\"b\": 1, \"a\": [1.50, true], \"b\": 2}') AS parsed, fraiseql.simd_implementation() AS simd_kernel"

echo
echo "demo: the cluster is still running; connect with:"
echo "  psql -h $FQ_SOCKDIR -p $FQ_PORT -U $FQ_PGUSER fraiseql_demo"
echo "  (stop it with scripts/cluster.sh stop)"
