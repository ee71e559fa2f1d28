#!/usr/bin/env bash
# scripts/concurrency-test.sh — the plan cache under concurrency: pgbench with 8 clients
# calling stream() over more distinct shapes than the cache holds, for DURATION seconds
# (5 in `make test`, 30 from `make bench`).  Passes if no client saw an error and the
# cache's hits + misses equal the calls made.  Prints TAP.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

DURATION=${DURATION:-5}
SHAPES=${SHAPES:-60}
DB=fraiseql_concurrency
work=$(mktemp -d /tmp/fraiseql-conc.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

fq_psql postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" 2>/dev/null
fq_psql $DB <<'SQL'
CREATE EXTENSION fraiseql;
CREATE TABLE tv_conc (id int PRIMARY KEY, data jsonb);
INSERT INTO tv_conc SELECT i, jsonb_build_object('id', i, 'f' || (i % 60), 1) FROM generate_series(1, 600) i;
SELECT fraiseql.plan_cache_reset() \g /dev/null
SQL
cat > "$work/shapes.sql" <<EOF2
\set k random(1, $SHAPES)
SELECT count(*) FROM fraiseql.stream('tv_conc', jsonb_build_object('f' || :k, jsonb_build_object('eq', 1)));
EOF2
chmod 644 "$work/shapes.sql"

as_pg "$PG_BINDIR/pgbench" -n -h "$FQ_SOCKDIR" -p "$FQ_PORT" -c 8 -j 2 -T "$DURATION" \
    -f "$work/shapes.sql" "$DB" > "$work/out.txt" 2>&1 || true
calls=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/out.txt")
failed_tx=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/out.txt")
read -r hits misses entries capacity evictions < <(fq_psql $DB -At -F ' ' \
    -c "SELECT hits, misses, entries, capacity, evictions FROM fraiseql.plan_cache_info")

n=0; failed=0
check() {
    n=$((n + 1))
    if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1 (got '$2', expected '$3')"; failed=$((failed + 1)); fi
}
grep -q 'ERROR' "$work/out.txt" && { cat "$work/out.txt"; }
check "pgbench ran calls (8 clients, $SHAPES shapes, ${DURATION}s)" "$([ "${calls:-0}" -gt 0 ] && echo yes)" yes
check "no client saw an error" "$(grep -c 'ERROR' "$work/out.txt" || true)" 0
check "hits + misses = calls ($hits + $misses = ${calls:-?})" "$((hits + misses))" "${calls:-?}"
check "entries never exceed capacity ($entries <= $capacity)" "$([ "$entries" -le "$capacity" ] && echo yes)" yes
if [ "$SHAPES" -gt "$capacity" ]; then
    check "shapes beyond capacity were evicted ($evictions)" "$([ "$evictions" -gt 0 ] && echo yes)" yes
fi
echo "# tps: $(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/out.txt" | head -1)"
echo "1..$n"
[ "$failed" -eq 0 ]
