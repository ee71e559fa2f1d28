#!/usr/bin/env bash
# scripts/cluster.sh — start and stop the throwaway PostgreSQL cluster that demo, test and
# bench run against: a fresh initdb as a non-root user, private port and socket directory,
# shared_preload_libraries = 'fraiseql' (unless FQ_PRELOAD=no).
#
#   scripts/cluster.sh start [extra postgresql.conf lines...]
#   scripts/cluster.sh restart [postgres options, e.g. "-c fraiseql.plan_cache_size=0"]
#                              (keeps the data; the options last until the next restart)
#   scripts/cluster.sh stop
#   scripts/cluster.sh status
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

start() {
    stop_quiet
    as_pg mkdir -p "$FQ_SOCKDIR"
    as_pg "$PG_BINDIR/initdb" -D "$FQ_DATADIR" -U "$FQ_PGUSER" --auth=trust \
        -E UTF8 --locale=C.UTF-8 >/dev/null
    {
        echo "port = $FQ_PORT"
        echo "unix_socket_directories = '$FQ_SOCKDIR'"
        echo "listen_addresses = ''"
        # FQ_PRELOAD=no: a server as users often have it, without fraiseql preloaded
        [ "${FQ_PRELOAD:-yes}" = no ] || echo "shared_preload_libraries = 'fraiseql'"
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
        echo "max_connections = 50"
        echo "shared_buffers = 512MB"
        echo "work_mem = 16MB"
        echo "wal_level = replica"
        echo "max_wal_senders = 4"
        echo "log_min_messages = warning"
        echo "fraiseql.plan_cache_size = ${FQ_PLAN_CACHE_SIZE:-1000}"
        for line in "$@"; do echo "$line"; done
    } | as_pg tee -a "$FQ_DATADIR/postgresql.conf" >/dev/null
    echo "local replication all trust" | as_pg tee -a "$FQ_DATADIR/pg_hba.conf" >/dev/null
    if ! as_pg "$PG_BINDIR/pg_ctl" -D "$FQ_DATADIR" -l "$FQ_LOG" -w start >/dev/null; then
        echo "cluster: failed to start; end of the log follows" >&2
        tail -n 40 "$FQ_LOG" >&2
        exit 1
    fi
    echo "cluster: running on port $FQ_PORT, socket $FQ_SOCKDIR (user $FQ_PGUSER)"
}

restart() {
    if ! as_pg "$PG_BINDIR/pg_ctl" -D "$FQ_DATADIR" -l "$FQ_LOG" -m fast -w restart -o "${1:-}" >/dev/null; then
        echo "cluster: failed to restart; end of the log follows" >&2
        tail -n 40 "$FQ_LOG" >&2
        exit 1
    fi
    echo "cluster: restarted on port $FQ_PORT${1:+ with $1}"
}

stop_quiet() {
    if [ -f "$FQ_DATADIR/postmaster.pid" ]; then
        as_pg "$PG_BINDIR/pg_ctl" -D "$FQ_DATADIR" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$FQ_DATADIR"
}

case "${1:-}" in
    start) shift; start "$@" ;;
    restart) shift; restart "$@" ;;
    stop) stop_quiet; echo "cluster: stopped" ;;
    status) as_pg "$PG_BINDIR/pg_ctl" -D "$FQ_DATADIR" status ;;
    *) echo "usage: $0 start|restart|stop|status" >&2; exit 2 ;;
esac
