#!/usr/bin/env bash
# bench/run.sh — `make bench`: build, install, start a throwaway cluster, load bench/data.sql
# at SCALE (default 0.1 = 100k users; 1.0 = 1M), then:
#
#  1. pgbench pairs (PAIRS): each bench/sql/<pair>.fraiseql.sql beside the plain SQL a user
#     would write instead (<pair>.plain.sql, or <pair>.plain.<profile>.sql where the
#     profile's data needs its own), both by the simple protocol; for the pairs in
#     PREPARED_PAIRS both again with -M prepared.  Sides alternate, ROUNDS times each for
#     DURATION seconds, in an order that flips every round.  tps, p50/p95/p99 latency
#     (pgbench per-transaction logs), and the ratio of fraiseql's tps (same protocol, and
#     simple-protocol fraiseql) to each side.
#  2. the plan cache (issue 4): hit ratio over step 1, then ROUNDS rounds of: the fraiseql
#     point lookups (plain and with a new connection per transaction, -C) and the first
#     statement of FIRST_CALLS new connections timed alone, the server restarted with
#     fraiseql.plan_cache_size = 0, the same again, plain SQL's -C runs and first
#     statements, and a restart back to the cache.
#  3. bench/stream.sh (first row, memory, full-stream throughput), bench/ttfr.sh (first row
#     with jit = on over a source past jit_above_cost) and bench/json.sh
#     (simdjson), which append their own sections, unless EXTRAS=no.
#  PROFILES (default "narrow wide") picks the data profiles of step 1; CACHE=no skips step 2.
#
# Writes bench/results/latest.md and bench/results/latest.png.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export FQ_PORT=${FQ_BENCH_PORT:-54349}
. "$root/scripts/common.sh"
cd "$root"

SCALE=${SCALE:-0.1}
PAIRS=${PAIRS:-"point vpoint page select5 query10k stream50k pd_point pd_range pd_nested pd_newest connection fts_gin fts_scan some some_obj"}
PREPARED_PAIRS=${PREPARED_PAIRS:-"point vpoint select5"}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-8}
CLIENTS=${CLIENTS:-4}
EXTRAS=${EXTRAS:-yes}
PROFILES=${PROFILES:-"narrow wide"}

"$root/scripts/install-deps.sh"
make -s PG_CONFIG="$PG_CONFIG" >/dev/null
as_root make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
# shared_buffers large enough to hold tv_user at scale 1: a sequential scan of a table
# over a quarter of shared_buffers goes through a small ring of buffers, which would
# make the memory figures of bench/stream.sh depend on which buffers the ring picks
"$root/scripts/cluster.sh" start "shared_buffers = ${SHARED_BUFFERS:-4GB}"
work=$(mktemp -d /tmp/fraiseql-bench.XXXXXX)
chmod 777 "$work"
trap '"$root/scripts/cluster.sh" stop >/dev/null; rm -rf "$work"' EXIT

# one database per profile: narrow is bench/data.sql (430-byte ASCII rows of three shapes),
# wide is bench/data_wide.sql (600-800-byte rows with escapes, unicode, optional keys and
# nulls, a joined table, || and CASE in v_user); the same relation names, so every pair
# script runs on both
declare -A profile_db=([narrow]=fraiseql_bench [wide]=fraiseql_bench_wide)
declare -A profile_data=([narrow]=bench/data.sql [wide]=bench/data_wide.sql)
declare -A profile_users=()
for profile in $PROFILES; do
    pdb=${profile_db[$profile]:?unknown profile $profile (narrow, wide)}
    fq_psql postgres -c "CREATE DATABASE $pdb" >/dev/null
    fq_psql $pdb -c "CREATE EXTENSION fraiseql" >/dev/null
    echo "bench: loading the $profile profile at scale $SCALE (${profile_data[$profile]})"
    fq_psql $pdb -v scale="$SCALE" -f "${profile_data[$profile]}" >/dev/null
    profile_users[$profile]=$(fq_psql $pdb -At -c "SELECT count(*) FROM tv_user")
done
# the plan-cache and extra sections run on the first profile
first_profile=${PROFILES%% *}
db=${profile_db[$first_profile]}
nusers=${profile_users[$first_profile]}
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

# script NAME: NAME.$profile.sql where a profile needs its own (a plain side building the
# wide profile's object), else NAME.sql
script() { if [ -f "$work/$1.$profile.sql" ]; then echo "$1.$profile.sql"; else echo "$1.sql"; fi; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

mkdir -p bench/results
out=bench/results/latest.md
{
    echo "# fraiseql bench: scale $SCALE ($nusers users), $CLIENTS clients, $ROUNDS x ${DURATION}s per side"
    echo
    echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $("$PG_BINDIR/postgres" --version); $(date -u +%F)"
} > "$out"
: > "$work/plot.dat"

for profile in $PROFILES; do
db=${profile_db[$profile]}
nusers=${profile_users[$profile]}
{
    echo
    echo "## pgbench pairs, $profile profile (${profile_data[$profile]}; simple protocol unless the side says prepared)"
    echo
    echo "| pair | side | tps | p50 ms | p95 ms | p99 ms | fraiseql / this side | simple-protocol fraiseql / this side |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
} >> "$out"
fq_psql $db -c "SELECT fraiseql.plan_cache_reset()" >/dev/null
for pair in $PAIRS; do
    sides="fraiseql plain"
    case " $PREPARED_PAIRS " in *" $pair "*) sides="$sides fraiseql-prepared plain-prepared" ;; esac
    for round in $(seq 1 "$ROUNDS"); do
        # the order of the sides flips every round, so neither always runs first (after
        # the load, or after the other side warmed the caches)
        order=$sides
        [ $((round % 2)) -eq 0 ] && order=$(echo $sides | tr ' ' '\n' | tac | tr '\n' ' ')
        for side in $order; do
            case $side in
                *-prepared) run_pgbench "$profile.$pair.$side.$round" "$(script "$pair.${side%-prepared}")" prepared ;;
                *) run_pgbench "$profile.$pair.$side.$round" "$(script "$pair.$side")" simple ;;
            esac
        done
    done
    declare -A side_tps=()
    for side in $sides; do
        summarize "$profile.$pair.$side" "$ROUNDS"
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
    if [ "$profile" = "$first_profile" ]; then echo "$pair $p50_fq $p50_plain" >> "$work/plot.dat"; fi
done
done
db=${profile_db[$first_profile]}
nusers=${profile_users[$first_profile]}

# --- the plan cache (CACHE=no skips it) ------------------------------------------------
if [ "${CACHE:-yes}" = yes ]; then
read -r hits misses < <(fq_psql $db -At -F ' ' -c "SELECT hits, misses FROM fraiseql.plan_cache_info")
hit_ratio=$(awk -v h="$hits" -v m="$misses" 'BEGIN {printf "%.4f", (h + m) ? h / (h + m) : 0}')
fq_psql $db -c "SELECT sum(calls) AS calls, sum(CASE WHEN generic_plan THEN calls END) AS calls_of_generic_shapes FROM fraiseql.plan_cache" > "$work/generic.txt"

# first_call_ms SQL: median time (ms) of SQL as the first statement of FIRST_CALLS new
# connections, as psql's \timing sees it (connection set-up not included); ":k" in SQL
# becomes a random user number
first_call_ms() {
    local sql=$1 i k
    for i in $(seq 1 "$FIRST_CALLS"); do
        k=$(( (RANDOM * 32768 + RANDOM) % nusers + 1 ))
        printf '\\timing on\n%s;\n' "${sql//:k/$k}" | fq_psql $db | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
    done | sort -n | awk '{a[NR] = $1} END {printf "%.3f", a[int(NR/2)+1]}'
}
FIRST_CALLS=${FIRST_CALLS:-100}
fq_first="SELECT fraiseql.stream('tv_user', jsonb_build_object('id', jsonb_build_object('eq', md5(':k'))))"
plain_first="SELECT data FROM tv_user WHERE id = md5(':k')::uuid"

# cache on and off alternate by round, as the pairs' sides do: a restart sets
# plan_cache_size (a postmaster setting), and each phase warms up with its own runs
cache_round() {
    local tag=$1 round=$2
    for pair in point vpoint; do
        run_pgbench "$pair.$tag.$round" "$pair.fraiseql.sql" simple
        run_pgbench "$pair.$tag-C.$round" "$pair.fraiseql.sql" simple -C
    done
}
: > "$work/first.cached"; : > "$work/first.nocache"; : > "$work/first.plain"; : > "$work/first.one"
for round in $(seq 1 "$ROUNDS"); do
    cache_round cached "$round"
    first_call_ms "$fq_first" >> "$work/first.cached"; echo >> "$work/first.cached"
    "$root/scripts/cluster.sh" restart "-c fraiseql.plan_cache_size=0" >/dev/null
    cache_round nocache "$round"
    first_call_ms "$fq_first" >> "$work/first.nocache"; echo >> "$work/first.nocache"
    for pair in point vpoint; do
        run_pgbench "$pair.plain-C.$round" "$pair.plain.sql" simple -C
    done
    first_call_ms "$plain_first" >> "$work/first.plain"; echo >> "$work/first.plain"
    first_call_ms "SELECT :k" >> "$work/first.one"; echo >> "$work/first.one"
    "$root/scripts/cluster.sh" restart >/dev/null
done
# the median over rounds of the per-round medians
median_of() { sort -n "$1" | awk 'NF {a[++n] = $1} END {printf "%.3f", a[int((n+1)/2)]}'; }

{
    echo
    echo "## Plan cache"
    echo
    echo "Hit ratio over the pairs above: **$hit_ratio** ($hits hits, $misses misses)."
    echo
    echo "Cache on and off alternate, $ROUNDS x ${DURATION}s each, the server restarted in between."
    echo
    echo "| point lookup | cache on tps | plan_cache_size = 0 tps | on / off |"
    echo "|---|---:|---:|---:|"
    for pair in point vpoint; do
        for c in "" "-C"; do
            summarize "$pair.cached$c" "$ROUNDS"; on=$tps
            summarize "$pair.nocache$c" "$ROUNDS"; off=$tps
            echo "| $pair ${c:+(pgbench -C, new connection per call)} | $on | $off | **$(ratio "$on" "$off")** |"
        done
    done
    echo
    for pair in point vpoint; do
        summarize "$pair.plain-C" "$ROUNDS"
        echo "Plain SQL $pair with -C: $tps tps."
    done
    echo
    first_on=$(median_of "$work/first.cached"); first_off=$(median_of "$work/first.nocache")
    echo "The first statement of a new connection, without the connection set-up (median of"
    echo "$FIRST_CALLS connections per round, psql \\timing; median over the rounds):"
    echo
    echo "| first statement in a new backend | ms | cache-off time / this |"
    echo "|---|---:|---:|"
    echo "| fraiseql point lookup, cache on (shape cached) | $first_on | **$(ratio "$first_off" "$first_on")** |"
    echo "| fraiseql point lookup, plan_cache_size = 0 | $first_off | |"
    echo "| plain SQL point lookup | $(median_of "$work/first.plain") | |"
    echo "| a constant, \`SELECT n\` | $(median_of "$work/first.one") | |"
} >> "$out"
fi

if [ "$EXTRAS" = yes ]; then
    for extra in stream json ttfr; do
        if [ -x "bench/$extra.sh" ]; then
            echo "bench: $extra.sh"
            "bench/$extra.sh" $db "$out"
        fi
    done
    # simdjson's figures depend on the documents' shapes: again on the wide profile
    if [ "$first_profile" != wide ] && [[ " $PROFILES " == *" wide "* ]]; then
        echo "bench: json.sh (wide profile)"
        printf '\n# The same on the wide profile (bench/data_wide.sql)\n' >> "$out"
        bench/json.sh "${profile_db[wide]}" "$out"
    fi
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
