#!/usr/bin/env bash
# bench/json.sh DB RESULTS.md — simdjson figures (issue 5), appended to RESULTS.md, over the
# documents of tv_user as text (1M documents at scale 1):
#
#  - fraiseql.parse(t) vs t::jsonb, fraiseql.is_json(t) vs t::json;
#  - the whole tv_user as JSON text: COPY of fraiseql.stream('tv_user') vs of data::text;
#  - a selective filter and a 5-field projection on the json copy of the table
#    (tv_user_json): fraiseql.stream() vs the plain SQL on the same json column;
#  - fraiseql.enable_simd = off for each fraiseql figure, PostgreSQL's own code in the
#    same paths;
# with the CPU and the kernel simdjson picked.  Times are the best of 3 after a warm-up
# (bench_ms in bench/lib.sql); the one-core comparisons take the two sides alternately in
# one backend (bench_pair_ms).  Server settings are left as they are and printed; each
# fraiseql figure is checked to return the same count as its PostgreSQL counterpart, and the
# section ends with each figure against its target.
#
#   bench/json.sh DB RESULTS.md    (FQ_PORT / FQ_SOCKDIR of the running cluster in the env)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/common.sh"
db=$1
out=$2
. "$root/bench/lib.sh"


fq_psql "$db" -q -c "DROP TABLE IF EXISTS bench_doc" \
    -c "CREATE TABLE bench_doc AS SELECT data::text AS t FROM tv_user"
vacuum_all_visible bench_doc
vacuum_all_visible tv_user
vacuum_all_visible tv_user_json
ndocs=$(q "SELECT count(*) FROM bench_doc")
mb=$(q "SELECT round(sum(octet_length(t)) / 1e6) FROM bench_doc")
kernel=$(q "SELECT fraiseql.simd_implementation()")
settings=$(settings jit shared_buffers work_mem max_parallel_workers_per_gather fraiseql.enable_simd)
# same WHAT A B: warn when a fraiseql figure and its PostgreSQL counterpart count differently
same() { [ "$2" = "$3" ] || echo "json.sh: WARNING: $1: fraiseql counts $2, PostgreSQL $3" >&2; }
cpu=$(lscpu | sed -n 's/^Model name: *//p')
flags=$(grep -m1 -o -w -E 'avx512bw|avx2|sse4_2' /proc/cpuinfo | sort -u | paste -sd ' ')

off="fraiseql.enable_simd = off"
# PostgreSQL may run the plain statements with parallel workers; fraiseql's cursor cannot
# (a portal read in chunks never runs in parallel mode), so each plain figure is also taken
# on one core
serial="max_parallel_workers_per_gather = 0"
echo "json.sh: parse, is_json"
# the plain side must really run the cast on every document (a bare "t::json IS NOT NULL"
# could in principle be folded away; count(t::json) cannot)
fq_psql "$db" -At -c "EXPLAIN (VERBOSE, COSTS OFF) SELECT count(t::json) FROM bench_doc" | grep -q 'count((t)::json)' ||
    echo "json.sh: WARNING: the plan of count(t::json) does not show the cast" >&2
same "parse(t)" "$(q "SELECT count(fraiseql.parse(t)) FROM bench_doc")" "$(q "SELECT count(t::jsonb) FROM bench_doc")"
same "is_json(t)" "$(q "SELECT count(*) FROM bench_doc WHERE fraiseql.is_json(t)")" "$(q "SELECT count(t::json) FROM bench_doc")"
# one_core NAME SQL_FRAISEQL SQL_POSTGRESQL: NAME_fq1 and NAME_pg1, the one-core pair
# taken alternately in one backend (pair_ms)
one_core() {
    local both
    both=$(pair_ms "$2" "$3" 3 "$serial")
    printf -v "${1}_fq1" '%s' "${both% *}"
    printf -v "${1}_pg1" '%s' "${both#* }"
}
parse_fq=$(ms "SELECT count(fraiseql.parse(t)) FROM bench_doc" 3)
parse_off=$(ms "SELECT count(fraiseql.parse(t)) FROM bench_doc" 3 "$off")
parse_pg=$(ms "SELECT count(t::jsonb) FROM bench_doc" 3)
one_core parse "SELECT count(fraiseql.parse(t)) FROM bench_doc" "SELECT count(t::jsonb) FROM bench_doc"
valid_fq=$(ms "SELECT count(*) FROM bench_doc WHERE fraiseql.is_json(t)" 3)
valid_pg=$(ms "SELECT count(t::json) FROM bench_doc" 3)
one_core valid "SELECT count(*) FROM bench_doc WHERE fraiseql.is_json(t)" "SELECT count(t::json) FROM bench_doc"
echo "json.sh: stream"
copy_fq=$(ms "COPY (SELECT * FROM fraiseql.stream('tv_user')) TO '/dev/null'" 3)
copy_off=$(ms "COPY (SELECT * FROM fraiseql.stream('tv_user')) TO '/dev/null'" 3 "$off")
copy_pg=$(ms "COPY (SELECT data::text FROM tv_user) TO '/dev/null'" 3)
one_core copy "COPY (SELECT * FROM fraiseql.stream('tv_user')) TO '/dev/null'" "COPY (SELECT data::text FROM tv_user) TO '/dev/null'"
echo "json.sh: json source"
email=$(q "SELECT data->>'email' FROM tv_user_json ORDER BY pk_user DESC LIMIT 1")
same "filter on email" "$(q "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"email\": {\"eq\": \"$email\"}}')")" \
    "$(q "SELECT count(*) FROM tv_user_json WHERE data->>'email' = '$email'")"
filter_fq=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"email\": {\"eq\": \"$email\"}}')" 3)
filter_off=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"email\": {\"eq\": \"$email\"}}')" 3 "$off")
filter_pg=$(ms "SELECT count(*) FROM tv_user_json WHERE data->>'email' = '$email'" 3)
one_core filter "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"email\": {\"eq\": \"$email\"}}')" \
    "SELECT count(*) FROM tv_user_json WHERE data->>'email' = '$email'"
filter2_fq=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"profile\": {\"city\": {\"eq\": \"Lima\"}}, \"status\": {\"eq\": \"pending\"}}')" 3)
filter2_pg=$(ms "SELECT count(*) FROM tv_user_json WHERE data->'profile'->>'city' = 'Lima' AND data->>'status' = 'pending'" 3)
one_core filter2 "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"profile\": {\"city\": {\"eq\": \"Lima\"}}, \"status\": {\"eq\": \"pending\"}}')" \
    "SELECT count(*) FROM tv_user_json WHERE data->'profile'->>'city' = 'Lima' AND data->>'status' = 'pending'"
sel="id email firstName profile { city } __typename"
proj_fq=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', selection => '$sel', typename => 'User')" 3)
proj_off=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', selection => '$sel', typename => 'User')" 3 "$off")
proj_sql="SELECT count(jsonb_build_object('id', d->'id', 'email', d->'email', 'firstName', d->'first_name', 'profile', jsonb_build_object('city', d->'profile'->'city'), '__typename', 'User')::text) FROM (SELECT data::jsonb AS d FROM tv_user_json) s"
proj_pg=$(ms "$proj_sql" 3)
one_core proj "SELECT count(*) FROM fraiseql.stream('tv_user_json', selection => '$sel', typename => 'User')" "$proj_sql"

{
    echo
    echo "## simdjson (bench/json.sh): $ndocs documents, $mb MB of JSON text"
    echo
    echo "Settings: $settings."
    echo
    echo "CPU: $cpu (flags: $flags); simdjson kernel: **$kernel**.  Times: best of 3 after a"
    echo "warm-up; \"simd off\" is the same fraiseql call with \`fraiseql.enable_simd = off\`."
    echo
    echo "PostgreSQL runs some plain statements with parallel workers (2 cores here); a stream is"
    echo "read through a cursor, which never runs in parallel, so each comparison is also timed"
    echo "with \`max_parallel_workers_per_gather = 0\` (\"1 core\"), the two sides alternately in"
    echo "one backend (\`bench_pair_ms\`), so that both run on the same CPU under the same load."
    echo
    echo "| operation | fraiseql ms | simd off ms | PostgreSQL ms | fraiseql 1 core ms | PostgreSQL 1 core ms | speed-up (1 core) | speed-up (PostgreSQL parallel) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    # row LABEL NAME [OFF]: a line of the table from NAME_fq, NAME_pg, NAME_fq1, NAME_pg1
    row() {
        local fq="${2}_fq" pg="${2}_pg" fq1="${2}_fq1" pg1="${2}_pg1"
        echo "| $1 | ${!fq} | ${3:-} | ${!pg} | ${!fq1} | ${!pg1} | **$(ratio "${!pg1}" "${!fq1}")** | $(ratio "${!pg}" "${!fq}") |"
    }
    row "\`parse(t)\` vs \`t::jsonb\`" parse "$parse_off"
    row "\`is_json(t)\` vs \`t::json\`" valid
    row "all of tv_user as JSON text (COPY): stream vs \`data::text\`" copy "$copy_off"
    row "json source, one-row filter on \`email\` vs \`data->>'email' = ...\`" filter "$filter_off"
    row "json source, nested + second key filter" filter2
    row "json source, 5-field projection of every row vs \`jsonb_build_object\` over \`data::jsonb\`" proj "$proj_off"
    echo
    echo "Against the targets (issue 5), $ndocs documents; one core each side (bold above), and with"
    echo "the server's defaults in brackets:"
    echo
    # target LABEL NAME GOAL: "- LABEL: 1-core x [default x] (target >= GOAL): verdicts"
    target() {
        local fq="${2}_fq" pg="${2}_pg" fq1="${2}_fq1" pg1="${2}_pg1" one all
        one=$(ratio "${!pg1}" "${!fq1}")
        all=$(ratio "${!pg}" "${!fq}")
        echo "- $1: ${one}x [${all}x] (target >= ${3}x): $(verdict "$one" ">=" "$3") [$(verdict "$all" ">=" "$3")]"
    }
    target "\`parse(t)\` vs \`t::jsonb\`" parse 4
    target "\`is_json(t)\` vs \`t::json\`" valid 5
    target "all of tv_user as JSON text, stream vs \`data::text\`" copy 1.5
    target "selective filter on a json source" filter 4
} >> "$out"
