# bench/lib.sh — shell helpers of bench/stream.sh and bench/json.sh (sourced, not run).
# They expect scripts/common.sh sourced and $db set.  Sourcing loads bench/lib.sql, the SQL
# side (bench_ms, bench_pair_ms, bench_peak_kb), into $db.

# q SQL: one value
q() { fq_psql "$db" -At -c "$1"; }

# ratio A B: A / B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# ms SQL [N [SETTING]]: best of N runs (default 5) in milliseconds, under "SET SETTING"
ms() { fq_psql "$db" -At ${3:+-c "SET $3"} -c "SELECT round(bench_ms(\$b\$$1\$b\$, ${2:-5})::numeric, 3)"; }

# pair_ms SQL_A SQL_B [N [SETTING]]: "A B", the best of N runs (default 5) of each in
# milliseconds, taken alternately in one backend (bench_pair_ms), under "SET SETTING"
pair_ms() {
    fq_psql "$db" -At -F ' ' ${4:+-c "SET $4"} \
        -c "SELECT round(a_ms::numeric, 3), round(b_ms::numeric, 3) FROM bench_pair_ms(\$b\$$1\$b\$, \$b\$$2\$b\$, ${3:-5})"
}

# verdict VALUE OP TARGET (OP is >= or <=): "met" or "**not met**"
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN {ok = (op == ">=") ? v >= t : v <= t; print ok ? "met" : "**not met**"}'; }

# settings NAME...: "name = value, ..." of the server's settings
settings() {
    local names; names=$(printf "'%s'," "$@")
    q "SELECT string_agg(name || ' = ' || current_setting(name), ', ') FROM unnest(ARRAY[${names%,}]) name"
}

# vacuum_all_visible TABLE: VACUUM ANALYZE until every page of TABLE is all-visible.  A
# VACUUM while another transaction (autovacuum analysing the tables just loaded, say) holds
# back the xmin horizon leaves the pages as they were, and then every scan checks each row's
# visibility: a fixed cost added to both sides of a comparison that shrinks its ratio.
vacuum_all_visible() {
    local try
    for try in 1 2 3 4 5 6 7 8 9 10; do
        fq_psql "$db" -q -c "VACUUM ANALYZE $1"
        [ "$(q "SELECT relallvisible >= relpages FROM pg_class WHERE oid = '$1'::regclass")" = t ] && return
        sleep 2
    done
    echo "bench: WARNING: $1 is not all-visible after 10 VACUUMs; its scans check every row" >&2
}

fq_psql "$db" -q -f "$(dirname "${BASH_SOURCE[0]}")/lib.sql"
