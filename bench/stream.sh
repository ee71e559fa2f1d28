#!/usr/bin/env bash
# bench/stream.sh DB RESULTS.md — streaming figures (issues 3 and 6), appended to RESULTS.md:
#
#  1. time to the first row of SELECT * FROM fraiseql.stream('tv_user') LIMIT 1 (custom scan),
#     of the same through the Function Scan (enable_custom_scan = off) and of a plpgsql SRF
#     over the same table in FROM; the custom scan at 1k rows and at the full table;
#  2. peak backend memory (VmHWM growth) while count(*) reads every row of the stream, at
#     100k rows and at the full table, against the bytes of one chunk; the same for a
#     10k-object fraiseql.query() response and for the jsonb_agg response plain SQL builds;
#  3. throughput of the whole table as JSON text: COPY of the stream vs COPY of data and of
#     data::text, to /dev/null so that no client is measured.
#
# Times are the best of N runs after a warm-up (bench_ms in bench/lib.sql); memory is one run
# in a new connection after a warm-up that reads the same table (bench_peak_kb: VmHWM of
# /proc/<backend pid>/status, peak reset to the current RSS just before the statement).  Server
# settings are left as they are and printed.  Ends with each figure against its target.
#
#   bench/stream.sh DB RESULTS.md    (FQ_PORT / FQ_SOCKDIR of the running cluster in the env)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/common.sh"
db=$1
out=$2
. "$root/bench/lib.sh"

fq_psql "$db" -q <<'SQL'
CREATE OR REPLACE FUNCTION bench_srf() RETURNS SETOF jsonb LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY SELECT data FROM tv_user;
END $$;
DROP TABLE IF EXISTS tv_user_1k, tv_user_100k;
CREATE TABLE tv_user_1k AS SELECT * FROM tv_user ORDER BY id LIMIT 1000;
CREATE TABLE tv_user_100k AS SELECT * FROM tv_user ORDER BY id LIMIT 100000;
SQL
for t in tv_user_1k tv_user_100k tv_user; do vacuum_all_visible $t; done

rows=$(q "SELECT count(*) FROM tv_user")
rows_100k=$(q "SELECT count(*) FROM tv_user_100k")
chunk=$(q "SHOW fraiseql.chunk_size")
avg=$(q "SELECT round(avg(octet_length(data::text))) FROM tv_user")
avg_col=$(q "SELECT round(avg(pg_column_size(data))) FROM tv_user")
chunk_kb=$(( chunk * avg / 1024 ))
chunk_col_kb=$(( chunk * avg_col / 1024 ))
settings=$(settings jit shared_buffers work_mem max_parallel_workers_per_gather fraiseql.chunk_size fraiseql.plan_cache_size)
# peak in a new connection, warmed by reading the same table
peak() { q "SELECT bench_peak_kb(\$b\$$1\$b\$, \$w\$SELECT count(*) FROM $2 WHERE data IS NOT NULL UNION ALL SELECT count(*) FROM fraiseql.stream('$2', \"limit\" => 1, selection => 'id')\$w\$)"; }

echo "stream.sh: first row"
first_cs=$(ms "SELECT * FROM fraiseql.stream('tv_user') LIMIT 1")
first_cs_1k=$(ms "SELECT * FROM fraiseql.stream('tv_user_1k') LIMIT 1")
first_fs=$(ms "SELECT * FROM fraiseql.stream('tv_user') LIMIT 1" 3 "fraiseql.enable_custom_scan = off")
first_srf=$(ms "SELECT * FROM bench_srf() LIMIT 1" 3)

echo "stream.sh: memory"
# absolute figures of an idle backend that has loaded fraiseql (for scale; growth is below)
read -r idle_hwm idle_anon < <(q "SELECT bench_vm('VmHWM') || ' ' || bench_vm('RssAnon') FROM (SELECT count(*) FROM fraiseql.stream('tv_user', \"limit\" => 1)) s")
idle=$(peak "SELECT 1" tv_user)
mem_100k=$(peak "SELECT count(*) FROM fraiseql.stream('tv_user_100k')" tv_user_100k)
mem_all=$(peak "SELECT count(*) FROM fraiseql.stream('tv_user')" tv_user)
sel="id email firstName profile { city } __typename"
resp_bytes=$(q "SELECT pg_column_size(fraiseql.query('tv_user', 'users', \"limit\" => 10000, selection => '$sel', typename => 'User'))")
mem_query=$(peak "SELECT pg_column_size(fraiseql.query('tv_user', 'users', \"limit\" => 10000, selection => '$sel', typename => 'User'))" tv_user)
plain_agg="SELECT pg_column_size(jsonb_build_object('data', jsonb_build_object('users', coalesce(jsonb_agg(jsonb_build_object('id', data->'id', 'email', data->'email', 'firstName', data->'first_name', 'profile', jsonb_build_object('city', data->'profile'->'city'), '__typename', 'User')), '[]')))) FROM (SELECT data FROM tv_user LIMIT 10000) s"
mem_plain_agg=$(peak "$plain_agg" tv_user)

# the stream returns every row (what the memory and COPY figures read)
streamed=$(q "SELECT count(*) FROM fraiseql.stream('tv_user')")
[ "$streamed" = "$rows" ] || echo "stream.sh: WARNING: fraiseql.stream('tv_user') returned $streamed rows, tv_user has $rows" >&2

echo "stream.sh: throughput"
copy_fq=$(ms "COPY (SELECT * FROM fraiseql.stream('tv_user')) TO '/dev/null'" 3)
copy_data=$(ms "COPY (SELECT data FROM tv_user) TO '/dev/null'" 3)
copy_text=$(ms "COPY (SELECT data::text FROM tv_user) TO '/dev/null'" 3)
# a cursor never runs in parallel; PostgreSQL may give the plain COPY workers
copy_data1=$(ms "COPY (SELECT data FROM tv_user) TO '/dev/null'" 3 "max_parallel_workers_per_gather = 0")

{
    echo
    echo "## Streaming (bench/stream.sh): $rows rows of tv_user, chunk_size $chunk, average row $avg bytes"
    echo
    echo "Settings: $settings.  Average row: $avg bytes as text, $avg_col bytes \`pg_column_size(data)\`."
    echo
    echo "Times: best of 5 (3 for the slow ones) after a warm-up.  Memory: growth of the backend's"
    echo "peak RSS (VmHWM) over one run in a new connection, after a warm-up reading the same table"
    echo "(an idle backend with fraiseql loaded: VmHWM $idle_hwm kB, RssAnon $idle_anon kB)."
    echo
    echo "| first row | ms | vs the custom scan |"
    echo "|---|---:|---:|"
    echo "| \`SELECT * FROM fraiseql.stream('tv_user') LIMIT 1\` (custom scan), $rows rows | $first_cs | 1 |"
    echo "| the same, 1,000-row table | $first_cs_1k | $(ratio "$first_cs_1k" "$first_cs") |"
    echo "| the same with \`enable_custom_scan = off\` (Function Scan) | $first_fs | **$(ratio "$first_fs" "$first_cs")x slower** |"
    echo "| plpgsql SRF over the same table in FROM | $first_srf | **$(ratio "$first_srf" "$first_cs")x slower** |"
    echo
    echo "First row at $rows rows vs at 1,000 rows: **$(ratio "$first_cs" "$first_cs_1k")x** (target <= 1.5)."
    echo
    echo "| peak memory growth | kB | vs one chunk as text ($chunk_kb kB) | vs one chunk of \`pg_column_size(data)\` ($chunk_col_kb kB) |"
    echo "|---|---:|---:|---:|"
    echo "| idle (\`SELECT 1\`) | $idle | | |"
    echo "| \`count(*)\` over the stream, $rows_100k rows | $mem_100k | **$(ratio "$mem_100k" "$chunk_kb")** | $(ratio "$mem_100k" "$chunk_col_kb") |"
    echo "| \`count(*)\` over the stream, $rows rows | $mem_all | **$(ratio "$mem_all" "$chunk_kb")** | $(ratio "$mem_all" "$chunk_col_kb") |"
    echo
    echo "| 10,000-object response (5 fields) | peak growth kB | vs the response ($(( resp_bytes / 1024 )) kB) |"
    echo "|---|---:|---:|"
    echo "| \`fraiseql.query()\` | $mem_query | **$(ratio "$mem_query" $(( resp_bytes / 1024 )))** |"
    echo "| plain SQL \`jsonb_build_object(... jsonb_agg(jsonb_build_object(...)))\` | $mem_plain_agg | $(ratio "$mem_plain_agg" $(( resp_bytes / 1024 ))) |"
    echo
    echo "| all $rows rows as JSON text, COPY to /dev/null | ms | stream speed-up |"
    echo "|---|---:|---:|"
    echo "| \`SELECT * FROM fraiseql.stream('tv_user')\` | $copy_fq | |"
    echo "| \`SELECT data FROM tv_user\` | $copy_data | **$(ratio "$copy_data" "$copy_fq")** |"
    echo "| \`SELECT data::text FROM tv_user\` | $copy_text | **$(ratio "$copy_text" "$copy_fq")** |"
    echo "| \`SELECT data FROM tv_user\`, \`max_parallel_workers_per_gather = 0\` | $copy_data1 | **$(ratio "$copy_data1" "$copy_fq")** |"
    echo
    echo "Against the targets (issue 3), $rows rows:"
    echo
    echo "- first row, custom scan vs plpgsql SRF in FROM: $(ratio "$first_srf" "$first_cs")x faster (target >= 500x at 1M rows): $(verdict "$(ratio "$first_srf" "$first_cs")" ">=" 500)"
    echo "- first row at $rows rows vs at 1,000 rows: $(ratio "$first_cs" "$first_cs_1k")x (target <= 1.5x): $(verdict "$(ratio "$first_cs" "$first_cs_1k")" "<=" 1.5)"
    echo "- peak memory growth reading the whole stream: $(ratio "$mem_100k" "$chunk_kb") chunks at $rows_100k rows, $(ratio "$mem_all" "$chunk_kb") at $rows (target <= 2 at both): $(verdict "$(awk -v a="$mem_100k" -v b="$mem_all" 'BEGIN {print (a > b) ? a : b}')" "<=" $(( 2 * chunk_kb )))"
    echo "- COPY of the stream vs COPY of \`data\`: $(ratio "$copy_fq" "$copy_data")x the time (target <= 1.10x): $(verdict "$(ratio "$copy_fq" "$copy_data")" "<=" 1.10)"
} >> "$out"
