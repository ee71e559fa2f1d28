#!/usr/bin/env bash
# bench/run.sh — `make bench`: build, install, start a throwaway cluster, load bench/data.sql
# at SCALE (default 0.1 = 100k users; 1.0 = 1M), then:
#
#  1. pgbench pairs (PAIRS): each bench/sql/<pair>.fraiseql.sql beside the plain SQL a user
#     would write instead (<pair>.plain.sql), both by the simple protocol; for the pairs in
#     PREPARED_PAIRS both again with -M prepared.  Sides alternate, ROUNDS times each for
#     DURATION seconds.  tps, p50/p95/p99 latency (pgbench per-transaction logs), and the
#     ratio of fraiseql's tps (same protocol, and simple-protocol fraiseql) to each side.
#  2. the plan cache (issue 4): hit ratio over step 1, then the point lookups with a new
#     connection per transaction (-C), then the server restarted with
#     fraiseql.plan_cache_size = 0 and the fraiseql point lookups again (plain and -C).
#  3. bench/stream.sh (first row, memory, full-stream throughput) and bench/json.sh
#     (simdjson), which append their own sections, unless EXTRAS=no.
#
# Writes bench/results/latest.md and bench/results/latest.png.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/common.sh"
cd "$root"

SCALE=${SCALE:-0.1}
PAIRS=${PAIRS:-"point vpoint page select5 query10k stream50k"}
PREPARED_PAIRS=${PREPARED_PAIRS:-"point vpoint select5"}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-8}
CLIENTS=${CLIENTS:-4}
EXTRAS=${EXTRAS:-yes}

"$root/scripts/install-deps.sh"
make -s >/dev/null
as_root make -s install >/dev/null
# shared_buffers large enough to hold tv_user at scale 1: a sequential scan of a table
# over a quarter of shared_buffers goes through a small ring of buffers, which would
# make the memory figures of bench/stream.sh depend on which buffers the ring picks
"$root/scripts/cluster.sh" start "shared_buffers = ${SHARED_BUFFERS:-4GB}"
work=$(mktemp -d /tmp/fraiseql-bench.XXXXXX)
chmod 777 "$work"
trap '"$root/scripts/cluster.sh" stop >/dev/null; rm -rf "$work"' EXIT

db=fraiseql_bench
fq_psql postgres -c "CREATE DATABASE $db" >/dev/null
fq_psql $db -c "CREATE EXTENSION fraiseql" >/dev/null
echo "bench: loading scale $SCALE"
fq_psql $db -v scale="$SCALE" -f bench/data.sql >/dev/null
nusers=$(fq_psql $db -At -c "SELECT count(*) FROM tv_user")
cp bench/sql/*.sql "$work/"; chmod 644 "$work"/*.sql

# run_pgbench LABEL SCRIPT MODE [pgbench options...]: one DURATION-second run, logged
run_pgbench() {
    local label=$1 script=$2 mode=$3; shift 3
    (cd "$work" && as_pg "$PG_BINDIR/pgbench" -n -h "$FQ_SOCKDIR" -p "$FQ_PORT" -c "$CLIENTS" -j 2 \
        -T "$DURATION" -M "$mode" -D nusers="$nusers" -f "$script" "$@" \
        -l --log-prefix="log.$label" $db) > "$work/out.$label" 2>&1 ||
        { cat "$work/out.$label"; echo "bench: pgbench failed for $label" >&2; exit 1; }
}

# summarize LABEL ROUNDS: sets tps, p50, p95, p99 over the rounds' logs
summarize() {
    local label=$1 rounds=$2 total=0 n
    for round in $(seq 1 "$rounds"); do
        n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/out.$label.$round")
        total=$((total + ${n:-0}))
    done
    tps=$(awk -v t="$total" -v s=$((rounds * DURATION)) 'BEGIN {printf "%.1f", t / s}')
    read -r p50 p95 p99 < <(for round in $(seq 1 "$rounds"); do cat "$work"/log."$label.$round".*; done |
        awk '{print $3}' | sort -n |
        awk '{a[NR] = $1} END {printf "%.3f %.3f %.3f\n", a[int(NR*0.5)+1]/1000, a[int(NR*0.95)+1]/1000, a[int(NR*0.99)+1]/1000}')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

mkdir -p bench/results
out=bench/results/latest.md
{
    echo "# fraiseql bench: scale $SCALE ($nusers users), $CLIENTS clients, $ROUNDS x ${DURATION}s per side"
    echo
    echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $("$PG_BINDIR/postgres" --version); $(date -u +%F)"
    echo
    echo "## pgbench pairs (simple protocol unless the side says prepared)"
    echo
    echo "| pair | side | tps | p50 ms | p95 ms | p99 ms | fraiseql / this side | simple-protocol fraiseql / this side |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
} > "$out"
: > "$work/plot.dat"

fq_psql $db -c "SELECT fraiseql.plan_cache_reset()" >/dev/null
for pair in $PAIRS; do
    sides="fraiseql plain"
    case " $PREPARED_PAIRS " in *" $pair "*) sides="$sides fraiseql-prepared plain-prepared" ;; esac
    for round in $(seq 1 "$ROUNDS"); do
        for side in $sides; do
            case $side in
                *-prepared) run_pgbench "$pair.$side.$round" "$pair.${side%-prepared}.sql" prepared ;;
                *) run_pgbench "$pair.$side.$round" "$pair.$side.sql" simple ;;
            esac
        done
    done
    declare -A side_tps=()
    for side in $sides; do
        summarize "$pair.$side" "$ROUNDS"
        side_tps[$side]=$tps
        same=""; cross=""
        case $side in
            plain) same="**$(ratio "${side_tps[fraiseql]}" "$tps")**" ;;
            plain-prepared) same="**$(ratio "${side_tps[fraiseql-prepared]}" "$tps")**"
                            cross="**$(ratio "${side_tps[fraiseql]}" "$tps")**" ;;
        esac
        echo "| $pair | $side | $tps | $p50 | $p95 | $p99 | $same | $cross |" >> "$out"
        [ "$side" = fraiseql ] && p50_fq=$p50
        [ "$side" = plain ] && p50_plain=$p50
    done
    echo "$pair $p50_fq $p50_plain" >> "$work/plot.dat"
done

# --- the plan cache -------------------------------------------------------------------
read -r hits misses < <(fq_psql $db -At -F ' ' -c "SELECT hits, misses FROM fraiseql.plan_cache_info")
hit_ratio=$(awk -v h="$hits" -v m="$misses" 'BEGIN {printf "%.4f", (h + m) ? h / (h + m) : 0}')
fq_psql $db -c "SELECT sum(calls) AS calls, sum(CASE WHEN generic_plan THEN calls END) AS calls_of_generic_shapes FROM fraiseql.plan_cache" > "$work/generic.txt"

cache_runs() {
    local tag=$1
    for pair in point vpoint; do
        run_pgbench "$pair.$tag.1" "$pair.fraiseql.sql" simple
        run_pgbench "$pair.$tag-C.1" "$pair.fraiseql.sql" simple -C
    done
}
cache_runs cached
"$root/scripts/cluster.sh" restart "-c fraiseql.plan_cache_size=0"
cache_runs nocache
for pair in point vpoint; do
    run_pgbench "$pair.plain-C.1" "$pair.plain.sql" simple -C
done
"$root/scripts/cluster.sh" restart

{
    echo
    echo "## Plan cache"
    echo
    echo "Hit ratio over the pairs above: **$hit_ratio** ($hits hits, $misses misses)."
    echo
    echo "| point lookup | cache on tps | plan_cache_size = 0 tps | on / off |"
    echo "|---|---:|---:|---:|"
    for pair in point vpoint; do
        for c in "" "-C"; do
            summarize "$pair.cached$c" 1; on=$tps
            summarize "$pair.nocache$c" 1; off=$tps
            echo "| $pair ${c:+(pgbench -C, new connection per call)} | $on | $off | **$(ratio "$on" "$off")** |"
        done
    done
    echo
    for pair in point vpoint; do
        summarize "$pair.plain-C" 1
        echo "Plain SQL $pair with -C: $tps tps."
    done
} >> "$out"

if [ "$EXTRAS" = yes ]; then
    for extra in stream json; do
        if [ -x "bench/$extra.sh" ]; then
            echo "bench: $extra.sh"
            "bench/$extra.sh" $db "$out"
        fi
    done
fi

cat "$out"
if command -v gnuplot >/dev/null; then
    gnuplot <<GP || echo "bench: gnuplot failed, no plot"
set terminal png size 900,500
set output "bench/results/latest.png"
set title "fraiseql vs plain SQL: p50 latency (ms), scale $SCALE, $CLIENTS clients"
set style data histograms
set style fill solid 0.8
set boxwidth 0.9
set ylabel "p50 ms"
set logscale y
plot "$work/plot.dat" using 2:xtic(1) title "fraiseql", "" using 3 title "plain SQL"
GP
    echo "bench: plot in bench/results/latest.png"
fi
