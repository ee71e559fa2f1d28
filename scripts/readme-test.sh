#!/usr/bin/env bash
# scripts/readme-test.sh — the README's examples are tests (run by scripts/test.sh against its
# running cluster): a database loaded with the demo's data (scripts/demo-data.sh, as make demo
# loads it), then every ```sql block of README.md run by psql -X -At (unaligned, no headers),
# its output compared with the plain ``` block right under it, if there is one.  A block
# without an output block must still run without error.  Prints TAP.
#   scripts/readme-test.sh --write   rewrites the output blocks from what the examples print
#                                    (read the diff before committing it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/common.sh"

DB=fraiseql_readme
fq_psql postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
"$here/demo-data.sh" "$DB"
work=$(mktemp -d /tmp/fraiseql-readme.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

run_sql() {  # the block on stdin; its output, errors included, on stdout
    as_pg "$PG_BINDIR/psql" -X -q -At -h "$FQ_SOCKDIR" -p "$FQ_PORT" -d "$DB" 2>&1 || true
}
export -f run_sql as_pg
export PG_BINDIR FQ_SOCKDIR FQ_PORT DB

python3 - "$root/README.md" "$work" "${1:-}" <<'PY'
import subprocess, sys, os
readme, work, mode = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(readme).read().split('\n')
out, i, n, failed, blocks = [], 0, 0, 0, []
while i < len(lines):
    line = lines[i]
    out.append(line)
    if line.strip() != '```sql':
        i += 1
        continue
    j = i + 1
    while lines[j].strip() != '```':
        j += 1
    sql = '\n'.join(lines[i + 1:j]) + '\n'
    out.extend(lines[i + 1:j + 1])
    k = j + 1
    has_out = k < len(lines) and lines[k].strip() == '```'
    if has_out:
        e = k + 1
        while lines[e].strip() != '```':
            e += 1
        expected = '\n'.join(lines[k + 1:e])
    got = subprocess.run(['bash', '-c', 'run_sql'], input=sql, capture_output=True, text=True).stdout.rstrip('\n')
    n += 1
    first = sql.strip().split('\n')[0][:70]
    if has_out:
        if mode == '--write':
            out.append('```'); out.extend(got.split('\n') if got else []); out.append('```')
        ok = got == expected
        print(('ok' if ok else 'not ok') + f' {n} - README example at line {i + 1}: {first}')
        if not ok:
            failed += 1
            for l in ('expected:\n' + expected + '\ngot:\n' + got).split('\n'):
                print('#   ' + l)
        i = e + 1
    else:
        ok = 'ERROR' not in got
        print(('ok' if ok else 'not ok') + f' {n} - README example at line {i + 1} runs: {first}')
        if not ok:
            failed += 1
            print('#   ' + got.replace('\n', '\n#   '))
        i = j + 1
if mode == '--write':
    open(readme, 'w').write('\n'.join(out))
print(f'1..{n}')
sys.exit(1 if failed else 0)
PY
