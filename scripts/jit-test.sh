#!/usr/bin/env bash
# scripts/jit-test.sh — streams over a source large enough for PostgreSQL's default JIT
# settings (jit = on, jit_above_cost = 100000) are not JIT-compiled (run by scripts/test.sh
# against its running cluster, which keeps those defaults).  Generates tv_big: 1.2M rows of
# ~690 bytes (850 MB; a sequential scan costs ~121k), checks that plain SQL over it is planned
# with JIT (so the source is large enough: this check fails if it is not), and that the plan a
# stream's generated query runs with (EXPLAIN ANALYZE VERBOSE of the custom scan, with costs,
# which is when EXPLAIN prints JIT) has no JIT for a first row, a point lookup, a page of 20 and
# a filter; timings live in bench/ttfr.sh.  Also that count() and a connection's totalCount,
# which run their statement to its end, get parallel workers where plain SQL does, and that
# such a count keeps custom plans without a generic-plan trial.  Prints TAP.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

DB=fraiseql_jit
ROWS=${JIT_ROWS:-1200000}
fq_psql postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
fq_psql $DB <<SQL
CREATE EXTENSION fraiseql;
-- unlogged only to write it faster: the planner costs it as any table
CREATE UNLOGGED TABLE tv_big (id bigint PRIMARY KEY, data jsonb);
INSERT INTO tv_big
SELECT i, jsonb_build_object('id', i, 'email', 'user' || i || '@example.com',
       'status', (ARRAY['active', 'idle', 'gone'])[1 + i % 3],
       'profile', jsonb_build_object('city', 'City ' || (i % 997), 'rank', i % 100,
                                     'bio', repeat(md5(i::text), 16)),
       'tags', jsonb_build_array('t' || (i % 7), 't' || (i % 11)))
FROM generate_series(1, $ROWS) i;
ANALYZE tv_big;
SQL

n=0; failed=0
check() {
    n=$((n + 1))
    if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1 (got '$2', expected '$3')"; failed=$((failed + 1)); fi
}
explain() { fq_psql $DB -At -c "SET jit = on" -c "EXPLAIN (ANALYZE, VERBOSE, COSTS ON, TIMING OFF) $1"; }
# "generated yes|no": whether the generated plan was shown, and whether any JIT section was
jit_of_stream() {
    local plan; plan=$(explain "$1")
    echo "$(grep -q 'Generated Plan:' <<<"$plan" && echo shown || echo missing) $(grep -q 'JIT:' <<<"$plan" && echo jit || echo no-jit)"
}

check "the server keeps PostgreSQL's JIT defaults" \
    "$(fq_psql $DB -At -c 'SHOW jit' -c 'SHOW jit_above_cost')" "$(printf 'on\n100000')"
check "plain SQL over tv_big is planned with JIT (the source is large enough)" \
    "$(fq_psql $DB -At -c "EXPLAIN SELECT data FROM tv_big" | grep -c '^JIT:')" 1
check "plain SQL for a page of 20 by a data key is planned with JIT" \
    "$(fq_psql $DB -At -c "EXPLAIN SELECT data FROM tv_big ORDER BY data->'profile'->'rank' LIMIT 20" | grep -c '^JIT:')" 1
check "first row of a stream: no JIT" \
    "$(jit_of_stream "SELECT * FROM fraiseql.stream('tv_big') LIMIT 1")" "shown no-jit"
check "point lookup by a data key: no JIT" \
    "$(jit_of_stream "SELECT * FROM fraiseql.stream('tv_big', '{\"email\": {\"eq\": \"user77@example.com\"}}')")" "shown no-jit"
check "a page of 20 by a data key: no JIT" \
    "$(jit_of_stream "SELECT * FROM fraiseql.stream('tv_big', order_by => '[{\"field\": \"profile.rank\"}, {\"field\": \"id\"}]', \"limit\" => 20)")" "shown no-jit"
check "a filter over the whole source, read to its end: no JIT" \
    "$(jit_of_stream "SELECT count(*) FROM fraiseql.stream('tv_big', '{\"status\": {\"eq\": \"idle\"}, \"profile\": {\"rank\": {\"gte\": 98}}}')")" "shown no-jit"
check "its rows are the plain query's" \
    "$(fq_psql $DB -At -c "SELECT fraiseql.count('tv_big', '{\"status\": {\"eq\": \"idle\"}, \"profile\": {\"rank\": {\"gte\": 98}}}') = (SELECT count(*) FROM tv_big WHERE data->>'status' = 'idle' AND (data->'profile'->>'rank')::numeric >= 98)")" t
# count() runs its statement to the end in one call, so it may have parallel workers as the
# plain count(*) does; auto_explain shows the plan of the statement inside the call
workers_of() {
    fq_psql $DB -At -c "LOAD 'auto_explain'" -c "SET auto_explain.log_min_duration = 0" \
        -c "SET auto_explain.log_nested_statements = on" -c "SET auto_explain.log_level = warning" \
        -c "$1" 2>&1 >/dev/null | grep -c 'Workers Planned' || true
}
idle='{"status": {"eq": "idle"}}'
check "plain count(*) over tv_big is planned with parallel workers" \
    "$(fq_psql $DB -At -c "EXPLAIN SELECT count(*) FROM tv_big WHERE data->>'status' = 'idle'" | grep -c 'Workers Planned')" 1
check "count()'s statement is planned with parallel workers" \
    "$(workers_of "SELECT fraiseql.count('tv_big', '$idle')")" 1
check "and so is a connection's totalCount (its page is not)" \
    "$(workers_of "SELECT fraiseql.connection('tv_big', 'users', '$idle', first => 2, selection => 'totalCount edges { node { id } }')")" 1
check "count() with parallel workers counts what plain SQL counts" \
    "$(fq_psql $DB -At -c "SELECT fraiseql.count('tv_big', '$idle') = (SELECT count(*) FROM tv_big WHERE data->>'status' = 'idle')")" t
# a shape whose planning is a sliver of its calls (a count of 1.2M rows) gets custom plans
# after its first five calls, without a trial of the generic plan, which could save it no
# more than the planning (plancache.c, FQ_TRIAL_MIN_PLANNING)
rank='{"profile": {"rank": {"lt": 50}}}'
check "a count of the whole source: custom plans without a generic-plan trial" \
    "$(fq_psql $DB -At -c "SELECT fraiseql.plan_cache_reset()" \
        -c "SELECT count(fraiseql.count('tv_big', '$rank')) FROM generate_series(1, 5)" \
        -c "SELECT calls, generic_plan FROM fraiseql.plan_cache WHERE sql LIKE '%tv_big%rank%'")" \
    "$(printf '\n5\n5|f')"
[ -n "${JIT_KEEP:-}" ] || fq_psql postgres -c "DROP DATABASE $DB"
echo "1..$n"
[ "$failed" -eq 0 ]
