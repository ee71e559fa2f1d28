#!/usr/bin/env bash
# bench/run.sh — `make bench`: build, install, start a throwaway cluster, load bench/data.sql
# at SCALE (default 0.05 = 50k users; 1.0 = 1M), then for each pair in PAIRS run pgbench on the
# fraiseql script and on the plain SQL a user would write, alternating, ROUNDS times each for
# DURATION seconds.  Reports tps and p50/p95/p99 latency (from pgbench's per-transaction logs)
# and the fraiseql/plain ratio; writes bench/results/latest.md and bench/results/latest.png.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/common.sh"
cd "$root"

SCALE=${SCALE:-0.05}
PAIRS=${PAIRS:-"point page select5 stream50k"}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-8}
CLIENTS=${CLIENTS:-4}
MODE=${MODE:-simple}

"$root/scripts/install-deps.sh"
make -s >/dev/null
as_root make -s install >/dev/null
"$root/scripts/cluster.sh" start
work=$(mktemp -d /tmp/fraiseql-bench.XXXXXX)
chmod 777 "$work"
trap '"$root/scripts/cluster.sh" stop >/dev/null; rm -rf "$work"' EXIT

fq_psql postgres -c "CREATE DATABASE fraiseql_bench" >/dev/null
fq_psql fraiseql_bench -c "CREATE EXTENSION fraiseql" >/dev/null
echo "bench: loading scale $SCALE"
fq_psql fraiseql_bench -v scale="$SCALE" -f bench/data.sql >/dev/null
nusers=$(fq_psql fraiseql_bench -At -c "SELECT count(*) FROM tv_user")
cp bench/sql/*.sql "$work/"; chmod 644 "$work"/*.sql

mkdir -p bench/results
out=bench/results/latest.md
{
    echo "# fraiseql bench: scale $SCALE ($nusers users), $CLIENTS clients, -M $MODE, $ROUNDS x ${DURATION}s per side"
    echo
    echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $("$PG_BINDIR/postgres" --version); $(date -u +%F)"
    echo
    echo "| pair | side | tps | p50 ms | p95 ms | p99 ms | fraiseql/plain tps |"
    echo "|---|---|---:|---:|---:|---:|---:|"
} > "$out"
: > "$work/plot.dat"

for pair in $PAIRS; do
    for side in fraiseql plain; do rm -f "$work/log.$pair.$side"*; done
    for round in $(seq 1 "$ROUNDS"); do
        for side in fraiseql plain; do
            (cd "$work" && as_pg "$PG_BINDIR/pgbench" -n -h "$FQ_SOCKDIR" -p "$FQ_PORT" -c "$CLIENTS" -j 2 \
                -T "$DURATION" -M "$MODE" -D nusers="$nusers" -f "$pair.$side.sql" \
                -l --log-prefix="log.$pair.$side.$round" fraiseql_bench) > "$work/out.$pair.$side.$round" 2>&1
        done
    done
    declare -A tps
    for side in fraiseql plain; do
        total=0; secs=0
        for round in $(seq 1 "$ROUNDS"); do
            n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/out.$pair.$side.$round")
            total=$((total + ${n:-0})); secs=$((secs + DURATION))
        done
        tps[$side]=$(awk -v t="$total" -v s="$secs" 'BEGIN {printf "%.1f", t / s}')
        read -r p50 p95 p99 < <(cat "$work"/log.$pair.$side.* | awk '{print $3}' | sort -n |
            awk '{a[NR] = $1} END {printf "%.3f %.3f %.3f\n", a[int(NR*0.5)+1]/1000, a[int(NR*0.95)+1]/1000, a[int(NR*0.99)+1]/1000}')
        eval "p50_$side=$p50 p95_$side=$p95 p99_$side=$p99"
    done
    ratio=$(awk -v a="${tps[fraiseql]}" -v b="${tps[plain]}" 'BEGIN {printf "%.2f", a / b}')
    echo "| $pair | fraiseql | ${tps[fraiseql]} | $p50_fraiseql | $p95_fraiseql | $p99_fraiseql | **$ratio** |" >> "$out"
    echo "| $pair | plain | ${tps[plain]} | $p50_plain | $p95_plain | $p99_plain | |" >> "$out"
    echo "$pair $ratio $p50_fraiseql $p50_plain" >> "$work/plot.dat"
done

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
plot "$work/plot.dat" using 3:xtic(1) title "fraiseql", "" using 4 title "plain SQL"
GP
    echo "bench: plot in bench/results/latest.png"
fi
