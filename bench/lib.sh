# bench/lib.sh — shell helpers of bench/stream.sh and bench/json.sh (sourced, not run).
# They expect scripts/common.sh sourced and $db set.  Sourcing loads bench/lib.sql, the SQL
# side (bench_ms, bench_peak_kb), into $db.

# q SQL: one value
q() { fq_psql "$db" -At -c "$1"; }

# ratio A B: A / B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# ms SQL [N [SETTING]]: best of N runs (default 5) in milliseconds, under "SET SETTING"
ms() { fq_psql "$db" -At ${3:+-c "SET $3"} -c "SELECT round(bench_ms(\$b\$$1\$b\$, ${2:-5})::numeric, 3)"; }

# verdict VALUE OP TARGET (OP is >= or <=): "met" or "**not met**"
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN {ok = (op == ">=") ? v >= t : v <= t; print ok ? "met" : "**not met**"}'; }

# settings NAME...: "name = value, ..." of the server's settings
settings() {
    local names; names=$(printf "'%s'," "$@")
    q "SELECT string_agg(name || ' = ' || current_setting(name), ', ') FROM unnest(ARRAY[${names%,}]) name"
}

fq_psql "$db" -q -f "$(dirname "${BASH_SOURCE[0]}")/lib.sql"
