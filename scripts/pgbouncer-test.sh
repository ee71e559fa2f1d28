#!/usr/bin/env bash
# scripts/pgbouncer-test.sh — fraiseql behind pgbouncer in transaction pooling mode, as a
# GraphQL server's pool would reach it (run by scripts/test.sh against its running cluster).
# pgbouncer listens on loopback (127.0.0.1, port FQ_PORT + 3) and hands each transaction to
# any of its server connections; 8 pgbench clients call stream(), query() and count() through
# it for DURATION seconds, each call checked inside its transaction against the plain SQL it
# stands for (a mismatch divides by zero, which pgbench counts as a failure; by a
# volatile zero, which the planner cannot fold into an error of every call).  Passes if no
# transaction failed, some ran, and the shared plan cache served the calls: hits + misses
# equal the calls, and only the first call of each of the three shapes missed.  Prints TAP.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

DURATION=${DURATION:-10}
DB=fraiseql_pgbouncer
BOUNCER_PORT=$((FQ_PORT + 3))
work=$(mktemp -d /tmp/fraiseql-pgbouncer.XXXXXX)
chmod 755 "$work"
cleanup() {
    [ -f "$work/pgbouncer.pid" ] && kill "$(cat "$work/pgbouncer.pid")" 2>/dev/null || true
    sleep 0.2
    rm -rf "$work"
}
trap cleanup EXIT

fq_psql postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
fq_psql $DB <<'SQL'
CREATE EXTENSION fraiseql;
CREATE TABLE tv_order (id int PRIMARY KEY, data jsonb);
INSERT INTO tv_order
SELECT i, jsonb_build_object('id', i, 'customer', 'c' || (i % 40), 'total', (i * 7) % 500,
                             'status', CASE WHEN i % 3 = 0 THEN 'open' ELSE 'shipped' END)
FROM generate_series(1, 2000) i;
ANALYZE tv_order;
SELECT fraiseql.plan_cache_reset() \g /dev/null
SQL

cat > "$work/pgbouncer.ini" <<EOF
[databases]
$DB = host=$FQ_SOCKDIR port=$FQ_PORT dbname=$DB user=$FQ_PGUSER

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $work/users.txt
pool_mode = transaction
default_pool_size = 4
max_client_conn = 50
pidfile = $work/pgbouncer.pid
logfile = $work/pgbouncer.log
EOF
echo "\"$FQ_PGUSER\" \"\"" > "$work/users.txt"
chown -R "$FQ_PGUSER" "$work"
as_pg pgbouncer -d "$work/pgbouncer.ini"
for _ in $(seq 50); do [ -f "$work/pgbouncer.pid" ] && break; sleep 0.1; done

# each line: the fraiseql call beside the plain SQL it must equal
cat > "$work/calls.sql" <<'EOF'
\set c random(0, 39)
\set t random(0, 499)
SELECT CASE WHEN (SELECT string_agg(s::text, ',') FROM fraiseql.stream('tv_order', jsonb_build_object('customer', jsonb_build_object('eq', 'c' || :c)), '[{"field": "id"}]') s) IS NOT DISTINCT FROM (SELECT string_agg(data::text, ',' ORDER BY data->'id') FROM tv_order WHERE data->>'customer' = 'c' || :c) THEN 1 ELSE 1 / (random() * 0)::int END;
SELECT CASE WHEN fraiseql.query('tv_order', 'orders', jsonb_build_object('total', jsonb_build_object('gte', :t)), '[{"field": "total", "direction": "desc"}, {"field": "id"}]', 5)::jsonb = (SELECT jsonb_build_object('data', jsonb_build_object('orders', coalesce(jsonb_agg(data ORDER BY data->'total' DESC, data->'id'), '[]'))) FROM (SELECT data FROM tv_order WHERE (data->>'total')::numeric >= :t ORDER BY data->'total' DESC, data->'id' LIMIT 5) x) THEN 1 ELSE 1 / (random() * 0)::int END;
SELECT CASE WHEN fraiseql.count('tv_order', jsonb_build_object('status', jsonb_build_object('eq', 'open'), 'total', jsonb_build_object('lt', :t))) = (SELECT count(*) FROM tv_order WHERE data->>'status' = 'open' AND (data->>'total')::numeric < :t) THEN 1 ELSE 1 / (random() * 0)::int END;
EOF
chmod 644 "$work/calls.sql"

before=$(fq_psql $DB -At -c "SELECT hits, misses FROM fraiseql.plan_cache_info")
# pgbouncer refuses the startup parameter "options" (PGOPTIONS)
PGOPTIONS= as_pg "$PG_BINDIR/pgbench" -n -h 127.0.0.1 -p "$BOUNCER_PORT" -c 8 -j 2 -T "$DURATION" \
    -f "$work/calls.sql" "$DB" > "$work/pgbench.out" 2>&1 || true
after=$(fq_psql $DB -At -c "SELECT hits, misses FROM fraiseql.plan_cache_info")
servers=$(fq_psql $DB -At -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB' AND application_name <> 'psql'")

txns=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.out")
fails=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")
txns=${txns:-0}; fails=${fails:-0}
hits=$(( ${after%|*} - ${before%|*} ))
misses=$(( ${after#*|} - ${before#*|} ))

n=0; failed=0
check() {
    n=$((n + 1))
    if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1 (got '$2', expected '$3')"; failed=$((failed + 1)); fi
}
check "pgbench through pgbouncer ran transactions" "$([ "$txns" -gt 100 ] && echo yes || echo "no ($txns)")" yes
check "no transaction failed (every result equal to its plain SQL)" "$fails" 0
check "no client error" "$(grep -c 'ERROR\|aborted' "$work/pgbench.out" || true)" 0
check "every call counted by the shared plan cache" "$((hits + misses))" "$((3 * txns))"
check "only each shape's first call missed" "$misses" 3
check "pgbouncer pooled the 8 clients into at most 4 server connections" "$([ "$servers" -le 4 ] && echo yes || echo "no ($servers)")" yes
echo "# $txns transactions in ${DURATION}s, plan cache hits $hits, misses $misses"
if [ "$failed" -ne 0 ]; then tail -20 "$work/pgbench.out"; tail -20 "$work/pgbouncer.log"; fi
echo "1..$n"
[ "$failed" -eq 0 ]
