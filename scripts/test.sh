#!/usr/bin/env bash
# scripts/test.sh — `make test`: install what is missing, build, install, start a throwaway
# cluster of its own (port 54339, fraiseql preloaded, PostgreSQL's defaults otherwise), then
# every suite: the pg_regress tests (sql/ + expected/), the isolation tests (specs/), the
# pgTAP tests (test/*.sql, through pg_prove), the README's examples, a libFuzzer smoke run and
# the stage-1 check of json_simd, and the scripts that need clusters or load of their own
# (hot standby, concurrency, upgrade, no preloading, pgbouncer, JIT).  One line per suite; a
# failing suite's output follows its line.  Ends with "fraiseql: N passed, N failed" (a
# pg_regress test, an isolation test, a pgTAP file or a script each count one) and exits
# non-zero if anything failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export FQ_PORT=${FQ_TEST_PORT:-54339}
. "$root/scripts/common.sh"
cd "$root"

"$root/scripts/install-deps.sh"

echo "test: building and installing (PG_CONFIG=$PG_CONFIG)"
make -s PG_CONFIG="$PG_CONFIG" >/dev/null 2>build.log || { cat build.log; exit 1; }
if grep -q 'warning:' build.log; then cat build.log; echo "build: warnings (see above)" >&2; exit 1; fi
rm -f build.log
as_root make -s PG_CONFIG="$PG_CONFIG" install >/dev/null

# the tests run as the cluster's user, who may not be able to read this checkout
work=$(mktemp -d /tmp/fraiseql-test.XXXXXX)
cp -r sql expected specs test "$work/"
mkdir -p "$work/isolation"
chmod -R a+rwX "$work"
[ "$(id -u)" -eq 0 ] && chown -R postgres "$work"
trap '"$root/scripts/cluster.sh" stop >/dev/null; rm -rf "$work"' EXIT

# a small plan cache, so the eviction tests can fill it
echo "test: starting the test cluster"
FQ_PLAN_CACHE_SIZE=16 "$root/scripts/cluster.sh" start

passed=0
failed=0
# report NAME OK|FAILED LOG [DETAIL]: one line; the log after it when the suite failed
report() {
    if [ "$2" = ok ]; then
        passed=$((passed + 1))
        printf '%-40s ok%s\n' "$1" "${4:+  ($4)}"
    else
        failed=$((failed + 1))
        printf '%-40s FAILED%s\n' "$1" "${4:+  ($4)}"
        sed 's/^/    /' "$3" | tail -n 80
    fi
}
# taps LOG: "N checks" of a TAP log
taps() { echo "$(grep -cE '^(not )?ok ' "$1" || true) checks"; }

# pg_regress and pg_isolation_regress: a line per test, as they print it
regress_suite() {  # regress_suite KIND PROGRAM OUTDIR TESTS...
    local kind=$1 program=$2 outdir=$3; shift 3
    local log="$work/$kind.log" name
    as_pg "$program" --host="$FQ_SOCKDIR" --port="$FQ_PORT" --inputdir="$work" \
        --outputdir="$outdir" --dbname="fraiseql_$kind" --load-extension=fraiseql "$@" > "$log" 2>&1 || true
    for name in "$@"; do
        if grep -qE "^(test| ) +$name +\.\.\. ok" "$log"; then
            report "$kind $name" ok "$log"
        else
            grep -E "[ ]$name +\.\.\. " "$log" > "$work/$kind.$name.log" || echo "$name did not run" > "$work/$kind.$name.log"
            [ -f "$outdir/regression.diffs" ] && awk -v t="/$name.out" 'index($0, "diff ") == 1 {p = index($0, t) > 0} p' \
                "$outdir/regression.diffs" >> "$work/$kind.$name.log"
            report "$kind $name" FAILED "$work/$kind.$name.log"
        fi
    done
}
regress_suite pg_regress "$PG_BINDIR/../lib/pgxs/src/test/regress/pg_regress" "$work" \
    $(sed -n 's/^REGRESS *= *//p' Makefile)
regress_suite isolation "$PG_BINDIR/../lib/pgxs/src/test/isolation/pg_isolation_regress" "$work/isolation" \
    $(sed -n 's/^ISOLATION *= *//p' Makefile)

fq_psql postgres -c "DROP DATABASE IF EXISTS fraiseql_tap" -c "CREATE DATABASE fraiseql_tap"
for f in "$work"/test/*.sql; do
    name=$(basename "$f" .sql)
    if as_pg pg_prove -v --host "$FQ_SOCKDIR" --port "$FQ_PORT" --dbname fraiseql_tap "$f" > "$work/tap.$name.log" 2>&1; then
        report "pgTAP $name" ok "$work/tap.$name.log" "$(taps "$work/tap.$name.log")"
    else
        grep -v '^ok' "$work/tap.$name.log" > "$work/tap.$name.fail" || true
        report "pgTAP $name" FAILED "$work/tap.$name.fail"
    fi
done

if make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-10}" > "$work/fuzz.log" 2>&1; then
    report "fuzz (libFuzzer, ASan+UBSan, ${FUZZ_SECONDS:-10}s)" ok "$work/fuzz.log" \
        "$(sed -n 's/^stat::number_of_executed_units: //p' "$work/fuzz.log") inputs"
else
    report "fuzz (libFuzzer, ASan+UBSan, ${FUZZ_SECONDS:-10}s)" FAILED "$work/fuzz.log"
fi
if make -s stage1-check > "$work/stage1.log" 2>&1; then
    report "stage1-check (own AVX-512 stage 1)" ok "$work/stage1.log" "$(grep '^stage1_check' "$work/stage1.log" | tail -1 | cut -c1-60)"
else
    report "stage1-check (own AVX-512 stage 1)" FAILED "$work/stage1.log"
fi

for suite in readme-test standby-test concurrency-test upgrade-test nopreload-test pgbouncer-test jit-test; do
    if "$root/scripts/$suite.sh" > "$work/$suite.log" 2>&1; then
        report "$suite" ok "$work/$suite.log" "$(taps "$work/$suite.log")"
    else
        report "$suite" FAILED "$work/$suite.log" "$(taps "$work/$suite.log")"
    fi
done

echo
echo "fraiseql: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
