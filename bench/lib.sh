# bench/lib.sh — shell helpers of bench/stream.sh and bench/json.sh (sourced, not run).
# They expect scripts/common.sh sourced and $db set; bench/lib.sql holds the SQL side.

# q SQL: one value
q() { fq_psql "$db" -At -c "$1"; }

# ratio A B: A / B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# ms SQL [N [SETTING]]: best of N runs (default 5) in milliseconds, under "SET SETTING"
ms() { fq_psql "$db" -At ${3:+-c "SET $3"} -c "SELECT round(bench_ms(\$b\$$1\$b\$, ${2:-5})::numeric, 3)"; }
