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
# (bench_ms in bench/lib.sql).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/common.sh"
db=$1
out=$2

q() { fq_psql "$db" -At -c "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
# ms SQL [SETTING]: best of 3, optionally under "SET SETTING"
ms() { fq_psql "$db" -At ${2:+-c "SET $2"} -c "SELECT round(bench_ms(\$b\$$1\$b\$, 3)::numeric, 1)"; }

fq_psql "$db" -q -f "$root/bench/lib.sql"
fq_psql "$db" -q -c "DROP TABLE IF EXISTS bench_doc" \
    -c "CREATE TABLE bench_doc AS SELECT data::text AS t FROM tv_user" -c "VACUUM ANALYZE bench_doc"
ndocs=$(q "SELECT count(*) FROM bench_doc")
mb=$(q "SELECT round(sum(octet_length(t)) / 1e6) FROM bench_doc")
kernel=$(q "SELECT fraiseql.simd_implementation()")
cpu=$(lscpu | sed -n 's/^Model name: *//p')
flags=$(grep -m1 -o -w -E 'avx512bw|avx2|sse4_2' /proc/cpuinfo | sort -u | tr '\n' ' ')

off="fraiseql.enable_simd = off"
echo "json.sh: parse, is_json"
parse_fq=$(ms "SELECT count(fraiseql.parse(t)) FROM bench_doc")
parse_off=$(ms "SELECT count(fraiseql.parse(t)) FROM bench_doc" "$off")
parse_pg=$(ms "SELECT count(t::jsonb) FROM bench_doc")
valid_fq=$(ms "SELECT count(*) FROM bench_doc WHERE fraiseql.is_json(t)")
valid_pg=$(ms "SELECT count(t::json) FROM bench_doc")
echo "json.sh: stream"
copy_fq=$(ms "COPY (SELECT * FROM fraiseql.stream('tv_user')) TO '/dev/null'")
copy_off=$(ms "COPY (SELECT * FROM fraiseql.stream('tv_user')) TO '/dev/null'" "$off")
copy_pg=$(ms "COPY (SELECT data::text FROM tv_user) TO '/dev/null'")
echo "json.sh: json source"
email=$(q "SELECT data->>'email' FROM tv_user_json ORDER BY pk_user DESC LIMIT 1")
filter_fq=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"email\": {\"eq\": \"$email\"}}')")
filter_off=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"email\": {\"eq\": \"$email\"}}')" "$off")
filter_pg=$(ms "SELECT count(*) FROM tv_user_json WHERE data->>'email' = '$email'")
filter2_fq=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', '{\"profile\": {\"city\": {\"eq\": \"Lima\"}}, \"status\": {\"eq\": \"pending\"}}')")
filter2_pg=$(ms "SELECT count(*) FROM tv_user_json WHERE data->'profile'->>'city' = 'Lima' AND data->>'status' = 'pending'")
sel="id email firstName profile { city } __typename"
proj_fq=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', selection => '$sel', typename => 'User')")
proj_off=$(ms "SELECT count(*) FROM fraiseql.stream('tv_user_json', selection => '$sel', typename => 'User')" "$off")
proj_pg=$(ms "SELECT count(jsonb_build_object('id', d->'id', 'email', d->'email', 'firstName', d->'first_name', 'profile', jsonb_build_object('city', d->'profile'->'city'), '__typename', 'User')::text) FROM (SELECT data::jsonb AS d FROM tv_user_json) s")

{
    echo
    echo "## simdjson (bench/json.sh): $ndocs documents, $mb MB of JSON text"
    echo
    echo "CPU: $cpu (flags: $flags); simdjson kernel: **$kernel**.  Times: best of 3 after a"
    echo "warm-up; \"simd off\" is the same fraiseql call with \`fraiseql.enable_simd = off\`."
    echo
    echo "| operation | fraiseql ms | simd off ms | PostgreSQL ms | speed-up over PostgreSQL |"
    echo "|---|---:|---:|---:|---:|"
    echo "| \`parse(t)\` vs \`t::jsonb\` | $parse_fq | $parse_off | $parse_pg | **$(ratio "$parse_pg" "$parse_fq")** |"
    echo "| \`is_json(t)\` vs \`t::json\` | $valid_fq | | $valid_pg | **$(ratio "$valid_pg" "$valid_fq")** |"
    echo "| all of tv_user as JSON text (COPY): stream vs \`data::text\` | $copy_fq | $copy_off | $copy_pg | **$(ratio "$copy_pg" "$copy_fq")** |"
    echo "| json source, one-row filter on \`email\` vs \`data->>'email' = ...\` | $filter_fq | $filter_off | $filter_pg | **$(ratio "$filter_pg" "$filter_fq")** |"
    echo "| json source, nested + second key filter | $filter2_fq | | $filter2_pg | **$(ratio "$filter2_pg" "$filter2_fq")** |"
    echo "| json source, 5-field projection of every row vs \`jsonb_build_object\` over \`data::jsonb\` | $proj_fq | $proj_off | $proj_pg | **$(ratio "$proj_pg" "$proj_fq")** |"
} >> "$out"
