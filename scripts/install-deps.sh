#!/usr/bin/env bash
# scripts/install-deps.sh — installs what building, testing, demoing and benchmarking
# fraiseql need on Debian 12, and nothing that is already there.
#
# Runs apt-get directly as root, through sudo otherwise.  Idempotent: a second run with
# everything present makes no network call, so `make test` can call it every time.
set -euo pipefail

PG_MAJOR=${PG_MAJOR:-15}

# package -> a file whose presence proves it is installed
declare -A probe=(
    [postgresql-$PG_MAJOR]=/usr/lib/postgresql/$PG_MAJOR/bin/postgres
    [postgresql-server-dev-$PG_MAJOR]=/usr/include/postgresql/$PG_MAJOR/server/postgres.h
    [postgresql-client-$PG_MAJOR]=/usr/lib/postgresql/$PG_MAJOR/bin/psql
    [libsimdjson-dev]=/usr/include/simdjson.h
    [postgresql-$PG_MAJOR-pgtap]=/usr/share/postgresql/$PG_MAJOR/extension/pgtap.control
    [libtap-parser-sourcehandler-pgtap-perl]=/usr/bin/pg_prove
    [pkg-config]=/usr/bin/pkg-config
    [g++]=/usr/bin/g++
    [make]=/usr/bin/make
    [gawk]=/usr/bin/gawk
    [gnuplot-nox]=/usr/bin/gnuplot
    [clang-14]=/usr/bin/clang++-14
    [libclang-rt-14-dev]=/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
    [pgbouncer]=/usr/sbin/pgbouncer
)

missing=()
for pkg in "${!probe[@]}"; do
    [ -e "${probe[$pkg]}" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: everything is installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
fi

echo "install-deps: ${#missing[@]} packages to install: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: apt-get update"
"${SUDO[@]}" apt-get update -qq
# Debian's postgresql-common would create and start a 'main' cluster on port 5432 when the
# server package is first installed; we never use it, so ask it not to.
if [ ! -e /etc/postgresql-common/createcluster.conf ] || ! grep -q '^create_main_cluster *= *false' /etc/postgresql-common/createcluster.conf; then
    "${SUDO[@]}" mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | "${SUDO[@]}" tee /etc/postgresql-common/createcluster.d/fraiseql.conf >/dev/null
fi
echo "install-deps: apt-get install (a few minutes on a fresh machine)"
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
