#!/usr/bin/env bash
# scripts/test.sh — `make test`: install what is missing, build, install, start a throwaway
# cluster with fraiseql preloaded, run every pg_regress test (sql/ + expected/), every
# pgTAP test (test/*.sql, through pg_prove), the hot-standby test and a short concurrency
# run of the plan cache, stop the cluster, and print one summary line.
# Exits non-zero if anything failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export FQ_PORT=${FQ_TEST_PORT:-54339}
. "$root/scripts/common.sh"
cd "$root"

"$root/scripts/install-deps.sh"

echo "== build"
make -s PG_CONFIG="$PG_CONFIG" >/dev/null 2>build.log || { cat build.log; exit 1; }
if grep -q 'warning:' build.log; then cat build.log; echo "build: warnings (see above)" >&2; exit 1; fi
rm -f build.log
as_root make -s PG_CONFIG="$PG_CONFIG" install >/dev/null

# the tests run as the cluster's user, who may not be able to read this checkout
work=$(mktemp -d /tmp/fraiseql-test.XXXXXX)
cp -r sql expected specs test "$work/"
chmod -R a+rX "$work"
[ "$(id -u)" -eq 0 ] && chown -R postgres "$work"
trap '"$root/scripts/cluster.sh" stop >/dev/null; rm -rf "$work"' EXIT

echo "== cluster"
# a small plan cache, so the eviction tests can fill it
FQ_PLAN_CACHE_SIZE=16 "$root/scripts/cluster.sh" start

passed=0
failed=0

echo "== pg_regress"
tests=$(sed -n 's/^REGRESS *= *//p' Makefile)
as_pg "$PG_BINDIR/../lib/pgxs/src/test/regress/pg_regress" \
    --host="$FQ_SOCKDIR" --port="$FQ_PORT" \
    --inputdir="$work" --outputdir="$work" --dbname=fraiseql_regress --load-extension=fraiseql \
    $tests 2>&1 | tee "$work/pg_regress.log" || true
ok=$(grep -cE '^(test| ) .* \.\.\. ok' "$work/pg_regress.log" || true)
bad=$(grep -cE '\.\.\. FAILED' "$work/pg_regress.log" || true)
passed=$((passed + ok))
failed=$((failed + bad))
if [ $((ok + bad)) -ne $(echo $tests | wc -w) ]; then
    echo "pg_regress did not run every test"; failed=$((failed + 1))
fi
if [ "$bad" -ne 0 ] && [ -f "$work/regression.diffs" ]; then
    echo "---- regression.diffs"; cat "$work/regression.diffs"
fi

echo "== isolation"
isolation=$(sed -n 's/^ISOLATION *= *//p' Makefile)
as_pg mkdir -p "$work/isolation"
as_pg "$PG_BINDIR/../lib/pgxs/src/test/isolation/pg_isolation_regress" \
    --host="$FQ_SOCKDIR" --port="$FQ_PORT" \
    --inputdir="$work" --outputdir="$work/isolation" --dbname=fraiseql_isolation \
    $isolation 2>&1 | tee "$work/isolation.log" || true
ok=$(grep -cE '^(test| ) .* \.\.\. ok' "$work/isolation.log" || true)
bad=$(grep -cE '\.\.\. FAILED' "$work/isolation.log" || true)
passed=$((passed + ok))
failed=$((failed + bad))
if [ $((ok + bad)) -ne $(echo $isolation | wc -w) ]; then
    echo "pg_isolation_regress did not run every test"; failed=$((failed + 1))
fi
[ "$bad" -eq 0 ] || cat "$work/isolation/regression.diffs" 2>/dev/null || true

echo "== pgTAP"
fq_psql postgres -c "DROP DATABASE IF EXISTS fraiseql_tap" -c "CREATE DATABASE fraiseql_tap"
for f in $(ls "$work"/test/*.sql 2>/dev/null); do
    if as_pg pg_prove -q --host "$FQ_SOCKDIR" --port "$FQ_PORT" --dbname fraiseql_tap "$f"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "pgTAP FAILED: $(basename "$f")"
        as_pg pg_prove -v --host "$FQ_SOCKDIR" --port "$FQ_PORT" --dbname fraiseql_tap "$f" 2>&1 | grep -v '^ok' | head -60 || true
    fi
done

echo "== fuzz (smoke: ${FUZZ_SECONDS:-10}s of libFuzzer with ASan and UBSan over json_simd.cpp)"
if make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-10}" > "$work/fuzz.log" 2>&1; then
    passed=$((passed + 1))
    grep -E '^Done|number_of_executed_units' "$work/fuzz.log" || true
else
    failed=$((failed + 1))
    echo "fuzz FAILED"; tail -40 "$work/fuzz.log"
fi

echo "== stage 1 (json_simd.cpp's AVX-512 stage 1 against simdjson's, with ASan and UBSan)"
if make -s stage1-check > "$work/stage1.log" 2>&1; then
    passed=$((passed + 1))
    grep "^stage1_check" "$work/stage1.log" || true
else
    failed=$((failed + 1))
    echo "stage1-check FAILED"; tail -40 "$work/stage1.log"
fi

for suite in standby-test concurrency-test upgrade-test nopreload-test pgbouncer-test jit-test; do
    echo "== $suite"
    if "$root/scripts/$suite.sh"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "$suite FAILED"
    fi
done

echo
echo "fraiseql: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
