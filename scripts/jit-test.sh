#!/usr/bin/env bash
# scripts/jit-test.sh — streams over a source large enough for PostgreSQL's default JIT
# settings (jit = on, jit_above_cost = 100000) are not JIT-compiled (run by scripts/test.sh
# against its running cluster, which keeps those defaults).  Generates tv_big: 1.2M rows of
# ~690 bytes (850 MB; a sequential scan costs ~121k), checks that plain SQL over it is planned
# with JIT (so the source is large enough: this check fails if it is not), and that the plan a
# stream's generated query runs with (EXPLAIN ANALYZE VERBOSE of the custom scan, with costs,
# which is when EXPLAIN prints JIT) has no JIT for a first row, a point lookup, a page of 20 and
# a filter; timings live in bench/ttfr.sh.  Prints TAP.
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
[ -n "${JIT_KEEP:-}" ] || fq_psql postgres -c "DROP DATABASE $DB"
echo "1..$n"
[ "$failed" -eq 0 ]
