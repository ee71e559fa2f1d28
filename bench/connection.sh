#!/usr/bin/env bash
# bench/connection.sh — fraiseql.connection() at ROWS rows (default 1M) ordered by an indexed
# key with ties, (data->>'rank')::integer then the primary key (issue 19): the first page, the
# last page, a page in the middle reached by its cursor beside the same page by offset (through
# fraiseql.query() and by plain SQL), the middle page with totalCount, and pg_graphql-style SQL
# for the same page (the keyset as a nested OR, with and without its count(*) cross join).
# Each case is one client running it for DURATION seconds with pgbench, in ROUNDS rounds that
# go through every case in turn; the table gives the lowest of the rounds' average latencies
# (the round least disturbed by whatever else the machine runs) and the ratio to the first page.
#
#   bench/connection.sh DB RESULTS.md   (as bench/ttfr.sh: DB is unused, the table gets a
#                                        database of its own; FQ_PORT / FQ_SOCKDIR of a running
#                                        cluster in the environment)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/common.sh"

OUT=${2:-/dev/stdout}
ROWS=${ROWS:-1000000}
DURATION=${DURATION:-3}
ROUNDS=${ROUNDS:-3}
DB=fraiseql_conn_bench
SEL='edges { cursor node { id email } } pageInfo { hasNextPage endCursor }'
ORDER='[{"field": "rank", "type": "integer"}]'

fq_psql postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
fq_psql $DB <<SQL
CREATE EXTENSION fraiseql;
CREATE TABLE tv_conn (id bigint PRIMARY KEY, data jsonb);
INSERT INTO tv_conn
SELECT i, jsonb_build_object('id', i, 'email', 'user' || i || '@example.com',
       'rank', (i::bigint * 7919) % 1000, 'profile', jsonb_build_object('city', 'City ' || (i % 997)))
FROM generate_series(1, $ROWS) i;
CREATE INDEX tv_conn_rank ON tv_conn (((data->>'rank')::integer), id);
VACUUM ANALYZE tv_conn;
SQL

# the row in the middle of the order, and its cursor
read -r mid_rank mid_id < <(fq_psql $DB -At -F ' ' -c \
    "SELECT (data->>'rank')::int, id FROM tv_conn ORDER BY (data->>'rank')::int, id OFFSET $((ROWS / 2 - 1)) LIMIT 1")
cursor=$(fq_psql $DB -At -c "SELECT fraiseql.connection('tv_conn', 'x', '{\"id\": {\"eq\": $mid_id}}', '$ORDER',
           first => 1, selection => 'pageInfo { endCursor }')::jsonb->'data'->'x'->'pageInfo'->>'endCursor'")

work=$(mktemp -d /tmp/fraiseql-connbench.XXXXXX)
chmod 777 "$work"
trap 'rm -rf "$work"' EXIT

# the cases: name, then the SQL of one transaction
cases=(
  "first page|SELECT fraiseql.connection('tv_conn', 'x', order_by => '$ORDER', first => 20, selection => '$SEL');"
  "last page|SELECT fraiseql.connection('tv_conn', 'x', order_by => '$ORDER', last => 20, selection => '$SEL');"
  "middle page by cursor|SELECT fraiseql.connection('tv_conn', 'x', order_by => '$ORDER', first => 20, after => '$cursor', selection => '$SEL');"
  "middle page by offset, fraiseql.query()|SELECT fraiseql.query('tv_conn', 'x', order_by => '[{\"field\": \"rank\", \"type\": \"integer\"}, {\"field\": \"id\"}]', \"limit\" => 21, \"offset\" => $((ROWS / 2)), selection => 'id email');"
  "middle page by offset, plain SQL|SELECT jsonb_agg(jsonb_build_object('id', data->'id', 'email', data->'email')) FROM (SELECT data FROM tv_conn ORDER BY (data->>'rank')::int, id LIMIT 21 OFFSET $((ROWS / 2))) s;"
  "middle page by cursor, with totalCount|SELECT fraiseql.connection('tv_conn', 'x', order_by => '$ORDER', first => 20, after => '$cursor', selection => 'totalCount $SEL');"
  "pg_graphql-style: nested OR keyset|WITH __records AS (SELECT data, (data->>'rank')::int AS r, id FROM tv_conn WHERE (((data->>'rank')::int > $mid_rank) OR ((data->>'rank')::int = $mid_rank AND id > $mid_id)) ORDER BY (data->>'rank')::int, id LIMIT 21) SELECT jsonb_build_object('edges', coalesce(jsonb_agg(jsonb_build_object('cursor', encode(convert_to(jsonb_build_array(r, id)::text, 'UTF8'), 'base64'), 'node', jsonb_build_object('id', data->'id', 'email', data->'email'))), '[]')) FROM __records;"
  "pg_graphql-style: nested OR keyset + count(*)|WITH __records AS (SELECT data, (data->>'rank')::int AS r, id FROM tv_conn WHERE (((data->>'rank')::int > $mid_rank) OR ((data->>'rank')::int = $mid_rank AND id > $mid_id)) ORDER BY (data->>'rank')::int, id LIMIT 21), __total_count AS (SELECT count(*) AS total FROM tv_conn) SELECT jsonb_build_object('totalCount', max(t.total), 'edges', coalesce(jsonb_agg(jsonb_build_object('cursor', encode(convert_to(jsonb_build_array(r, id)::text, 'UTF8'), 'base64'), 'node', jsonb_build_object('id', data->'id', 'email', data->'email'))), '[]')) FROM __records CROSS JOIN __total_count t;"
)

run_case() {
    local script=$1
    as_pg "$PG_BINDIR/pgbench" -n -h "$FQ_SOCKDIR" -p "$FQ_PORT" -c 1 -T "$DURATION" -f "$script" $DB 2>&1 |
        sed -n 's/^latency average = \([0-9.]*\) ms/\1/p'
}

i=0
for c in "${cases[@]}"; do
    i=$((i + 1))
    printf '%s\n' "${c#*|}" > "$work/case$i.sql"
    chmod 644 "$work/case$i.sql"
done
declare -A best
for round in $(seq 1 "$ROUNDS"); do
    for i in $(seq 1 ${#cases[@]}); do
        ms=$(run_case "$work/case$i.sql")
        if [ -z "${best[$i]:-}" ] || awk -v a="$ms" -v b="${best[$i]}" 'BEGIN {exit !(a < b)}'; then
            best[$i]=$ms
        fi
    done
done

{
    echo "### fraiseql.connection() at $ROWS rows, ordered by an indexed key with ties"
    echo
    echo "Order \`(data->>'rank')::integer\` (1000 values) then \`id\`, index on both; the middle row is at"
    echo "position $((ROWS / 2)) (rank $mid_rank, id $mid_id); selection \`$SEL\`."
    echo "One client; the lowest of $ROUNDS rounds' average latencies, ${DURATION}s per case and round."
    echo
    echo "| case | ms | vs first page |"
    echo "|---|---:|---:|"
    for i in $(seq 1 ${#cases[@]}); do
        c=${cases[$((i - 1))]}
        echo "| ${c%%|*} | ${best[$i]} | $(awk -v a="${best[$i]}" -v b="${best[1]}" 'BEGIN {printf "%.1fx", a / b}') |"
    done
} | tee -a "$OUT"
