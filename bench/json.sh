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
# (bench_ms in bench/lib.sql).  Server settings are left as they are and printed; each
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
parse_fq=$(ms "SELECT count(fraiseql.parse(t)) FROM bench_doc" 3)
parse_off=$(ms "SELECT count(fraiseql.parse(t)) FROM bench_doc" 3 "$off")
parse_pg=$(ms "SELECT count(t::jsonb) FROM bench_doc" 3)
parse_pg1=$(ms "SELECT count(t::jsonb) FROM bench_doc" 3 "$serial")
parse_fq1=$(ms "SELECT count(fraiseql.parse(t)) FROM bench_doc" 3 "$serial")
valid_fq=$(ms "SELECT count(*) FROM bench_doc WHERE fraiseql.is_json(t)" 3)
valid_pg=$(ms "SELECT count(t::json) FROM bench_doc" 3)
valid_pg1=$(ms "SELECT count(t::json) FROM bench_doc" 3 "$serial")
valid_fq1=$(ms "SELECT count(*) FROM bench_doc WHERE fraiseql.is_json(t)" 3 "$serial")
echo "json.sh: stream"
copy_fq=$(ms "COPY (SELECT * FROM fraiseql.stream('tv_user')) TO '/dev/null'" 3)
copy_off=$(ms "COPY (SELECT * FROM fraiseql.stream('tv_user')) TO '/dev/null'" 3 "$off")
copy_pg=$(ms "COPY (SELECT data::text FROM tv_user) TO '/dev/null'" 3)
copy_pg1=$(ms "COPY (SELECT data::text FROM tv_user) TO '/dev/null'" 3 "$serial")
echo "json.sh: json source"
email=$(q "SELECT data->>'email' FROM tv_user_json ORDER BY pk_user DESC LIMIT 1")
same "filter on email" "$(q "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"email\": {\"eq\": \"$email\"}}')")" \
    "$(q "SELECT count(*) FROM tv_user_json WHERE data->>'email' = '$email'")"
filter_fq=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"email\": {\"eq\": \"$email\"}}')" 3)
filter_off=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"email\": {\"eq\": \"$email\"}}')" 3 "$off")
filter_pg=$(ms "SELECT count(*) FROM tv_user_json WHERE data->>'email' = '$email'" 3)
filter_pg1=$(ms "SELECT count(*) FROM tv_user_json WHERE data->>'email' = '$email'" 3 "$serial")
filter2_fq=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"profile\": {\"city\": {\"eq\": \"Lima\"}}, \"status\": {\"eq\": \"pending\"}}')" 3)
filter2_pg=$(ms "SELECT count(*) FROM tv_user_json WHERE data->'profile'->>'city' = 'Lima' AND data->>'status' = 'pending'" 3)
filter2_pg1=$(ms "SELECT count(*) FROM tv_user_json WHERE data->'profile'->>'city' = 'Lima' AND data->>'status' = 'pending'" 3 "$serial")
sel="id email firstName profile { city } __typename"
proj_fq=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', selection => '$sel', typename => 'User')" 3)
proj_off=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', selection => '$sel', typename => 'User')" 3 "$off")
proj_sql="SELECT count(jsonb_build_object('id', d->'id', 'email', d->'email', 'firstName', d->'first_name', 'profile', jsonb_build_object('city', d->'profile'->'city'), '__typename', 'User')::text) FROM (SELECT data::jsonb AS d FROM tv_user_json) s"
proj_pg=$(ms "$proj_sql" 3)
proj_pg1=$(ms "$proj_sql" 3 "$serial")

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
    echo "read through a cursor, which never runs in parallel, so the plain statements are also"
    echo "timed with \`max_parallel_workers_per_gather = 0\` (\"1 core\")."
    echo
    echo "| operation | fraiseql ms | simd off ms | PostgreSQL ms | PostgreSQL 1 core ms | speed-up (1 core) | speed-up (PostgreSQL parallel) |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    echo "| \`parse(t)\` vs \`t::jsonb\` (fraiseql 1 core: $parse_fq1) | $parse_fq | $parse_off | $parse_pg | $parse_pg1 | **$(ratio "$parse_pg1" "$parse_fq1")** | $(ratio "$parse_pg" "$parse_fq") |"
    echo "| \`is_json(t)\` vs \`t::json\` (fraiseql 1 core: $valid_fq1) | $valid_fq | | $valid_pg | $valid_pg1 | **$(ratio "$valid_pg1" "$valid_fq1")** | $(ratio "$valid_pg" "$valid_fq") |"
    echo "| all of tv_user as JSON text (COPY): stream vs \`data::text\` | $copy_fq | $copy_off | $copy_pg | $copy_pg1 | **$(ratio "$copy_pg1" "$copy_fq")** | $(ratio "$copy_pg" "$copy_fq") |"
    echo "| json source, one-row filter on \`email\` vs \`data->>'email' = ...\` | $filter_fq | $filter_off | $filter_pg | $filter_pg1 | **$(ratio "$filter_pg1" "$filter_fq")** | $(ratio "$filter_pg" "$filter_fq") |"
    echo "| json source, nested + second key filter | $filter2_fq | | $filter2_pg | $filter2_pg1 | **$(ratio "$filter2_pg1" "$filter2_fq")** | $(ratio "$filter2_pg" "$filter2_fq") |"
    echo "| json source, 5-field projection of every row vs \`jsonb_build_object\` over \`data::jsonb\` | $proj_fq | $proj_off | $proj_pg | $proj_pg1 | **$(ratio "$proj_pg1" "$proj_fq")** | $(ratio "$proj_pg" "$proj_fq") |"
    echo
    echo "Against the targets (issue 5), $ndocs documents; one core each side (bold above), and with"
    echo "the server's defaults in brackets:"
    echo
    echo "- \`parse(t)\` vs \`t::jsonb\`: $(ratio "$parse_pg1" "$parse_fq1")x [$(ratio "$parse_pg" "$parse_fq")x] (target >= 4x): $(verdict "$(ratio "$parse_pg1" "$parse_fq1")" ">=" 4) [$(verdict "$(ratio "$parse_pg" "$parse_fq")" ">=" 4)]"
    echo "- \`is_json(t)\` vs \`t::json\`: $(ratio "$valid_pg1" "$valid_fq1")x [$(ratio "$valid_pg" "$valid_fq")x] (target >= 5x): $(verdict "$(ratio "$valid_pg1" "$valid_fq1")" ">=" 5) [$(verdict "$(ratio "$valid_pg" "$valid_fq")" ">=" 5)]"
    echo "- all of tv_user as JSON text, stream vs \`data::text\`: $(ratio "$copy_pg1" "$copy_fq")x [$(ratio "$copy_pg" "$copy_fq")x] (target >= 1.5x): $(verdict "$(ratio "$copy_pg1" "$copy_fq")" ">=" 1.5) [$(verdict "$(ratio "$copy_pg" "$copy_fq")" ">=" 1.5)]"
    echo "- selective filter on a json source: $(ratio "$filter_pg1" "$filter_fq")x [$(ratio "$filter_pg" "$filter_fq")x] (target >= 4x): $(verdict "$(ratio "$filter_pg1" "$filter_fq")" ">=" 4) [$(verdict "$(ratio "$filter_pg" "$filter_fq")" ">=" 4)]"
} >> "$out"
