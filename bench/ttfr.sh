#!/usr/bin/env bash
# bench/ttfr.sh — time to the first row in a new backend with PostgreSQL's JIT defaults
# (jit = on, jit_above_cost = 100000), issue 17: a stream over a source large enough to pass
# jit_above_cost beside the same stream over a small source of the same shape.  Each sample is
# the first statement of a new connection (catalog loading included on both sides), timed by
# psql; sides alternate; medians of SAMPLES.  For reference, the same first row by a plain
# cursor over the large source, which PostgreSQL JIT-compiles (what a stream's cursor did
# before fraiseql planned it without JIT), and the stream with jit = off.
#
#   bench/ttfr.sh DB RESULTS.md    (as bench/stream.sh; DB is unused: the tables get a database
#                                   of their own; FQ_PORT / FQ_SOCKDIR of a running cluster in the env)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/common.sh"

OUT=${2:-/dev/stdout}
SAMPLES=${SAMPLES:-15}
BIG_ROWS=${BIG_ROWS:-1200000}
DB=fraiseql_ttfr

fq_psql postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
fq_psql $DB <<SQL
CREATE EXTENSION fraiseql;
CREATE TABLE tv_big (id bigint PRIMARY KEY, data jsonb);
CREATE TABLE tv_small (id bigint PRIMARY KEY, data jsonb);
INSERT INTO tv_big
SELECT i, jsonb_build_object('id', i, 'email', 'user' || i || '@example.com',
       'status', (ARRAY['active', 'idle', 'gone'])[1 + i % 3],
       'profile', jsonb_build_object('city', 'City ' || (i % 997), 'rank', i % 100,
                                     'bio', repeat(md5(i::text), 16)),
       'tags', jsonb_build_array('t' || (i % 7), 't' || (i % 11)))
FROM generate_series(1, $BIG_ROWS) i;
INSERT INTO tv_small SELECT * FROM tv_big WHERE id <= 20000;
VACUUM ANALYZE tv_big;
VACUUM ANALYZE tv_small;
SQL

# first statement of a new connection, in ms
first_ms() {
    as_pg "$PG_BINDIR/psql" -X -q -At -h "$FQ_SOCKDIR" -p "$FQ_PORT" -d $DB \
        -c '\timing on' -c "$1" -c "$2" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

filter='{"status": {"eq": "idle"}}'
declare -A cases=(
    [big]="SET jit = on|SELECT * FROM fraiseql.stream('tv_big', '$filter') LIMIT 1"
    [small]="SET jit = on|SELECT * FROM fraiseql.stream('tv_small', '$filter') LIMIT 1"
    [big_nojit]="SET jit = off|SELECT * FROM fraiseql.stream('tv_big', '$filter') LIMIT 1"
    [cursor]="SET jit = on|DO \$\$DECLARE c refcursor; r record; BEGIN OPEN c NO SCROLL FOR SELECT data FROM tv_big WHERE data->>'status' = 'idle'; FETCH c INTO r; CLOSE c; END\$\$"
)
order="big small big_nojit cursor"
declare -A samples
for _ in $(seq "$SAMPLES"); do
    for c in $order; do
        samples[$c]+="$(first_ms "${cases[$c]%%|*}" "${cases[$c]#*|}") "
    done
done
declare -A med
for c in $order; do med[$c]=$(tr ' ' '\n' <<<"${samples[$c]}" | grep . | median); done
plan_big=$(fq_psql $DB -At -c "EXPLAIN SELECT data FROM tv_big WHERE data->>'status' = 'idle'" | head -1 | sed 's/.*cost=[0-9.]*\.\.\([0-9.]*\).*/\1/')

{
    echo
    echo "## First row in a new backend with jit = on (bench/ttfr.sh, issue 17)"
    echo
    echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $("$PG_BINDIR/postgres" --version); $(date -u +%F)."
    echo "tv_big: $BIG_ROWS rows of ~690 bytes (the plain query's cost $plan_big, past jit_above_cost 100000);"
    echo "tv_small: 20,000 rows of the same shape. Filter: status = idle (a third of the rows). Median of $SAMPLES"
    echo "new connections each, sides alternating; psql's time of the first statement."
    echo
    echo "| first row of | ms |"
    echo "|---|---:|"
    echo "| stream over tv_big, jit = on | ${med[big]} |"
    echo "| stream over tv_small, jit = on | ${med[small]} |"
    echo "| stream over tv_big, jit = off | ${med[big_nojit]} |"
    echo "| plain cursor over tv_big, jit = on (PostgreSQL JIT-compiles it) | ${med[cursor]} |"
    echo
    echo "Large over small: $(awk -v a="${med[big]}" -v b="${med[small]}" 'BEGIN {printf "%.2fx", a / b}') (target: within 1.5x)."
} >> "$OUT"
fq_psql postgres -c "DROP DATABASE $DB"
