#!/usr/bin/env bash
# scripts/standby-test.sh — the hot-standby test of the plan cache (run by scripts/test.sh
# against its running throwaway primary): start a streaming replica with pg_basebackup -R on
# loopback, run stream() on the standby, change the source's definition on the primary, and
# check that the standby's cached entry is invalidated by WAL replay and its results are
# right.  Prints TAP ("ok N - ..."); exits non-zero if any check failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

SB_PORT=$((FQ_PORT + 1))
SB_DATADIR=/tmp/fraiseql-standby-$SB_PORT
SB_SOCKDIR=/tmp/fraiseql-sock-$SB_PORT
PRIMARY_DB=fraiseql_standby

sb_psql() { as_pg "$PG_BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$SB_SOCKDIR" -p "$SB_PORT" -d "$PRIMARY_DB" "$@"; }
pr_psql() { fq_psql "$PRIMARY_DB" -At "$@"; }

cleanup() {
    as_pg "$PG_BINDIR/pg_ctl" -D "$SB_DATADIR" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$SB_DATADIR"
}
trap cleanup EXIT
cleanup

n=0; failed=0
check() {  # check "description" actual expected
    n=$((n + 1))
    if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1 (got '$2', expected '$3')"; failed=$((failed + 1)); fi
}
marker=0
wait_replay() {
    # a marker row written after the change: once the standby sees it, it has replayed the change
    marker=$((marker + 1))
    pr_psql -c "UPDATE sb_marker SET v = $marker" >/dev/null
    for _ in $(seq 1 300); do
        [ "$(sb_psql -c "SELECT v FROM sb_marker" 2>/dev/null)" = "$marker" ] && return 0
        sleep 0.1
    done
    echo "standby did not catch up" >&2; return 1
}

fq_psql postgres -c "DROP DATABASE IF EXISTS $PRIMARY_DB" -c "CREATE DATABASE $PRIMARY_DB"
pr_psql <<'SQL'
CREATE EXTENSION fraiseql;
CREATE TABLE sb_marker (v int);
INSERT INTO sb_marker VALUES (0);
CREATE TABLE tb_thing (id int PRIMARY KEY, kind text, rank int);
INSERT INTO tb_thing SELECT i, (ARRAY['a','b'])[1 + i % 2], i FROM generate_series(1, 100) i;
CREATE VIEW v_thing AS SELECT id, jsonb_build_object('id', id, 'kind', kind, 'rank', rank) AS data FROM tb_thing;
SQL

as_pg mkdir -p "$SB_SOCKDIR"
as_pg "$PG_BINDIR/pg_basebackup" -h "$FQ_SOCKDIR" -p "$FQ_PORT" -D "$SB_DATADIR" -R -X stream -c fast >/dev/null
{
    echo "port = $SB_PORT"
    echo "unix_socket_directories = '$SB_SOCKDIR'"
    echo "hot_standby = on"
} | as_pg tee -a "$SB_DATADIR/postgresql.conf" >/dev/null
as_pg "$PG_BINDIR/pg_ctl" -D "$SB_DATADIR" -l "$SB_DATADIR/standby.log" -w start >/dev/null
wait_replay

check "standby is in recovery" "$(sb_psql -c 'SELECT pg_is_in_recovery()')" t
filter='{"kind": {"eq": "a"}, "rank": {"lte": 10}}'
check "stream() runs on the standby" \
    "$(sb_psql -c "SELECT count(*) FROM fraiseql.stream('v_thing', '$filter')")" 5
sb_psql -c "SELECT count(*) FROM fraiseql.stream('v_thing', '$filter')" >/dev/null
check "the standby's own plan cache holds the shape" \
    "$(sb_psql -c "SELECT calls FROM fraiseql.plan_cache WHERE source = 'v_thing'::regclass")" 2
before=$(sb_psql -c "SELECT invalidations FROM fraiseql.plan_cache_info")

# the view's definition changes on the primary: rank doubles
pr_psql -c "CREATE OR REPLACE VIEW v_thing AS SELECT id, jsonb_build_object('id', id, 'kind', kind, 'rank', rank * 2) AS data FROM tb_thing"
wait_replay

check "after replayed DDL, the standby returns the new definition's rows" \
    "$(sb_psql -c "SELECT count(*) FROM fraiseql.stream('v_thing', '$filter')")" \
    "$(sb_psql -c "SELECT count(*) FROM tb_thing WHERE kind = 'a' AND rank * 2 <= 10")"
check "the standby's entry was invalidated by WAL replay" \
    "$(sb_psql -c "SELECT invalidations > $before FROM fraiseql.plan_cache_info")" t
check "the shape was entered again, counting only the new call" \
    "$(sb_psql -c "SELECT calls FROM fraiseql.plan_cache WHERE source = 'v_thing'::regclass")" 1
check "fraiseql assigned no transaction id on the standby" \
    "$(sb_psql -c "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL")" 0

echo "1..$n"
[ "$failed" -eq 0 ]
