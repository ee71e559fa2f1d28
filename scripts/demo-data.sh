#!/usr/bin/env bash
# scripts/demo-data.sh DB — the demo's data, as make demo loads it and the README's examples
# (scripts/readme-test.sh) read it: CREATE EXTENSION fraiseql, then bench/data.sql at scale
# 0.001 (1,000 users: tb_user/tb_post, the v_user/v_post views, the tv_user/tv_post tables and
# tv_user_json, the same objects as json).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
fq_psql "$1" -c "CREATE EXTENSION IF NOT EXISTS fraiseql"
fq_psql "$1" -v scale=0.001 -f - < "$here/../bench/data.sql" >/dev/null
