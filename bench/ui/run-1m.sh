#!/bin/sh
# Every staff page at BENCH_COMPLAINTS (default 1,000,000) complaints
# received over a year, on SQLite, release build, in Debian's chromium
# (bench/ui/pages-1m.mjs): the median of BENCH_RUNS (default 5) loads of
# each, from navigation until its content is shown and no API call is
# pending. The database: the demo's, then bench/reports/seed.sql's
# complaints over a year, bench/ui/seed.sql's history, ledger, supervision,
# notifications and audit log, and a search index of every complaint
# (bench/search/seed.c, descriptions of BENCH_CHARS, default 20, characters).
# BENCH_REUSE=1 serves the database of the last run as it is. Exits non-zero
# when a page's median is over a second.
set -eu
cd "$(dirname "$0")/../.."
BIN=build/redress
OUT=${BENCH_OUT:-bench/out-ui}
N=${BENCH_COMPLAINTS:-1000000}
if [ "${BENCH_REUSE:-0}" != 1 ] || [ ! -f "$OUT/bench.db" ]; then
    rm -rf "$OUT" && mkdir -p "$OUT"
    make -s build
    cc -O2 -std=c17 -D_GNU_SOURCE -Isrc -Ibuild/gen -o "$OUT/seed" bench/search/seed.c \
        build/obj/lib/libredress_app.a build/obj/lib/libredress_sec.a build/obj/lib/libredress_store.a \
        build/obj/lib/libredress_core.a build/obj/lib/libredress_util.a \
        -lmicrohttpd -ljansson -lsodium -lsqlite3 -lpq -lopencc -lpthread -lm
    $BIN demo --db "sqlite:$OUT/bench.db" --no-serve --demo-password redress-demo >/dev/null 2>&1
    echo "== seeding $N complaints over a year, their history and index"
    t0=$(date +%s)
    now=$(date +%s)
    sed -e "s/@NOW/$now/g" -e "s/@SPAN/31536000/g" -e "s/@N/$N/g" bench/reports/seed.sql | sqlite3 "$OUT/bench.db"
    sed -e "s/@NOW/$now/g" -e "s/@N/$N/g" bench/ui/seed.sql | sqlite3 "$OUT/bench.db"
    BENCH_PREFIX=BR BENCH_CHARS=${BENCH_CHARS:-20} "$OUT/seed" "$OUT/bench.db" "$OUT/redress.key"
    sqlite3 "$OUT/bench.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    echo "RESULT seed_seconds=$(($(date +%s) - t0)) file=$(($(stat -c %s "$OUT/bench.db") / 1048576))MiB $(sqlite3 "$OUT/bench.db" \
        "SELECT 'complaints=' || (SELECT COUNT(*) FROM complaints) || ' open=' || (SELECT COUNT(*) FROM complaints WHERE is_open)
         || ' events=' || (SELECT COUNT(*) FROM events) || ' penalties=' || (SELECT COUNT(*) FROM penalties)
         || ' outbox=' || (SELECT COUNT(*) FROM outbox) || ' audit=' || (SELECT COUNT(*) FROM audit)
         || ' search_terms=' || (SELECT COUNT(*) FROM search_terms)")"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$BIN serve --db "sqlite:$OUT/bench.db" --listen "127.0.0.1:$port" --log-level warn >"$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for i in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
REDRESS_URL="http://127.0.0.1:$port" node bench/ui/pages-1m.mjs "$@"
