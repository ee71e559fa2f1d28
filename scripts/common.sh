# scripts/common.sh — shared settings for the throwaway-cluster scripts (sourced, not run).
#
# PostgreSQL refuses to run as root, so when we are root every server-side command runs as
# the 'postgres' user (created by the Debian package); otherwise as the invoking user.
# The cluster lives on a private port and socket directory so it never meets a system
# cluster on 5432.

PG_MAJOR=${PG_MAJOR:-15}
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/$PG_MAJOR/bin}
# the pg_config whose server we build for and install into (PGXS's PG_CONFIG)
PG_CONFIG=${PG_CONFIG:-$PG_BINDIR/pg_config}
export PG_CONFIG
# each command has a cluster of its own, so `make test` never touches the demo's:
# demo 54329, test 54339 (+1 for its standby, +2 without preloading), bench 54349
FQ_PORT=${FQ_PORT:-54329}
FQ_SOCKDIR=${FQ_SOCKDIR:-/tmp/fraiseql-sock-$FQ_PORT}
FQ_DATADIR=${FQ_DATADIR:-/tmp/fraiseql-data-$FQ_PORT}
FQ_LOG=${FQ_LOG:-/tmp/fraiseql-$FQ_PORT.log}
# keep NOTICEs such as "database does not exist, skipping" out of the logs
export PGOPTIONS="${PGOPTIONS:--c client_min_messages=warning}"

if [ "$(id -u)" -eq 0 ]; then
    FQ_PGUSER=postgres
    as_pg() { runuser -u postgres -- "$@"; }
    as_root() { "$@"; }
else
    FQ_PGUSER=$(id -un)
    as_pg() { "$@"; }
    as_root() { sudo "$@"; }
fi

# psql against the throwaway cluster: fq_psql DB [psql args...]
fq_psql() {
    local db=$1; shift
    as_pg "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$FQ_SOCKDIR" -p "$FQ_PORT" -d "$db" "$@"
}
