#!/bin/sh
# Ledger import on SQLite: a generated ledger of ROWS rows (default 100,000;
# two in three closed historical complaints) imported into a new database
# with the release binary; prints rows/s (from the command's own timing)
# and the peak resident memory (GNU time's maximum RSS). Then a second run
# of the same file (every row skipped) and `redress verify`.
#   ROWS=100000 THREADS=8 FORMAT=csv sh bench/import/run.sh
set -eu
ROWS=${ROWS:-100000}
THREADS=${THREADS:-8}
BIN=${REDRESS_BIN:-build/redress}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 bench/import/gen.py "$ROWS" "$dir/ledger.csv" --mapping "$dir/mapping.json"
$BIN init --db "sqlite:$dir/db" --pack gas-station --admin-user admin --admin-password 'Bench-Import-2026!' >/dev/null 2>&1
run() {
    /usr/bin/time -f 'peak RSS %M KiB, %e s elapsed, %U s user, %S s system' \
        $BIN import --db "sqlite:$dir/db" "$dir/ledger.csv" --mapping "$dir/mapping.json" --threads "$THREADS" \
        2>"$dir/err" >"$dir/out" || true
    grep -E 'rows in|peak RSS' "$dir/err"
    cat "$dir/out"
}
echo "import of $ROWS rows, $THREADS threads:"
run
echo "the same file again:"
run
$BIN verify --db "sqlite:$dir/db" 2>/dev/null | tail -1
