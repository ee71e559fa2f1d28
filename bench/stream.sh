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
# in a new connection after a warm-up that reads the same table (bench_peak_kb).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/common.sh"
db=$1
out=$2
. "$root/bench/lib.sh"

fq_psql "$db" -q -f "$root/bench/lib.sql"
fq_psql "$db" -q <<'SQL'
CREATE OR REPLACE FUNCTION bench_srf() RETURNS SETOF jsonb LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY SELECT data FROM tv_user;
END $$;
DROP TABLE IF EXISTS tv_user_1k, tv_user_100k;
CREATE TABLE tv_user_1k AS SELECT * FROM tv_user ORDER BY id LIMIT 1000;
CREATE TABLE tv_user_100k AS SELECT * FROM tv_user ORDER BY id LIMIT 100000;
VACUUM ANALYZE tv_user_1k, tv_user_100k;
SQL

rows=$(q "SELECT count(*) FROM tv_user")
rows_100k=$(q "SELECT count(*) FROM tv_user_100k")
chunk=$(q "SHOW fraiseql.chunk_size")
avg=$(q "SELECT round(avg(octet_length(data::text))) FROM tv_user")
chunk_kb=$(( chunk * avg / 1024 ))
# peak in a new connection, warmed by reading the same table
peak() { q "SELECT bench_peak_kb(\$b\$$1\$b\$, \$w\$SELECT count(*) FROM $2 WHERE data IS NOT NULL UNION ALL SELECT count(*) FROM fraiseql.stream('$2', \"limit\" => 1, selection => 'id')\$w\$)"; }

echo "stream.sh: first row"
first_cs=$(ms "SELECT * FROM fraiseql.stream('tv_user') LIMIT 1")
first_cs_1k=$(ms "SELECT * FROM fraiseql.stream('tv_user_1k') LIMIT 1")
first_fs=$(ms "SELECT * FROM fraiseql.stream('tv_user') LIMIT 1" 3 "fraiseql.enable_custom_scan = off")
first_srf=$(ms "SELECT * FROM bench_srf() LIMIT 1" 3)

echo "stream.sh: memory"
idle=$(peak "SELECT 1" tv_user)
mem_100k=$(peak "SELECT count(*) FROM fraiseql.stream('tv_user_100k')" tv_user_100k)
mem_all=$(peak "SELECT count(*) FROM fraiseql.stream('tv_user')" tv_user)
sel="id email firstName profile { city } __typename"
resp_bytes=$(q "SELECT pg_column_size(fraiseql.query('tv_user', 'users', \"limit\" => 10000, selection => '$sel', typename => 'User'))")
mem_query=$(peak "SELECT pg_column_size(fraiseql.query('tv_user', 'users', \"limit\" => 10000, selection => '$sel', typename => 'User'))" tv_user)
plain_agg="SELECT pg_column_size(jsonb_build_object('data', jsonb_build_object('users', coalesce(jsonb_agg(jsonb_build_object('id', data->'id', 'email', data->'email', 'firstName', data->'first_name', 'profile', jsonb_build_object('city', data->'profile'->'city'), '__typename', 'User')), '[]')))) FROM (SELECT data FROM tv_user LIMIT 10000) s"
mem_plain_agg=$(peak "$plain_agg" tv_user)

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
    echo "Times: best of 5 (3 for the slow ones) after a warm-up.  Memory: growth of the backend's"
    echo "peak RSS (VmHWM) over one run in a new connection, after a warm-up reading the same table."
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
    echo "| peak memory growth | kB | vs one chunk ($chunk_kb kB) |"
    echo "|---|---:|---:|"
    echo "| idle (\`SELECT 1\`) | $idle | |"
    echo "| \`count(*)\` over the stream, $rows_100k rows | $mem_100k | **$(ratio "$mem_100k" "$chunk_kb")** |"
    echo "| \`count(*)\` over the stream, $rows rows | $mem_all | **$(ratio "$mem_all" "$chunk_kb")** |"
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
} >> "$out"
