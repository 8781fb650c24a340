#!/bin/sh
# The search benchmark (issue #20), on this machine:
#   1. queries at BENCH_COMPLAINTS (default 200,000) complaints with ~300-character
#      Chinese descriptions: p95 of a two-character word (油品, in 10 % of them),
#      a four-character phrase (质量问题, 1 %), a phone's last four digits, first
#      page with the exact total, one client, BENCH_RUNS runs of BENCH_SECONDS;
#   2. the index's size on disk;
#      BENCH_RECENT=N leaves the newest N in the index's recent level (the merger N
#      behind; serve with REDRESS_SEARCH_MERGE_INTERVAL=0 to keep them there);
#   3. intake throughput with and without indexing, 300-character descriptions:
#      set A_DIR to a tree built without the index; runs alternate (bench/ab-intake.sh).
# Prints RESULT lines; copy them into bench/RESULTS.md with the date and machine.
set -eu
cd "$(dirname "$0")/../.."
BIN=build/redress
OUT=bench/out-search
N=${BENCH_COMPLAINTS:-200000}
RUNS=${BENCH_RUNS:-5}
DUR=${BENCH_SECONDS:-10}
# BENCH_REUSE=1: the database of the last run, as it is (queries and intake only).
[ "${BENCH_REUSE:-}" = 1 ] && [ -f "$OUT/bench.db" ] || { rm -rf "$OUT" && mkdir -p "$OUT"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

make -s build
cc -O2 -std=c17 -D_GNU_SOURCE -Isrc -Ibuild/gen -o "$OUT/seed" bench/search/seed.c \
    build/obj/lib/libredress_app.a build/obj/lib/libredress_sec.a build/obj/lib/libredress_store.a \
    build/obj/lib/libredress_core.a build/obj/lib/libredress_util.a \
    -lmicrohttpd -ljansson -lsodium -lsqlite3 -lpq -lopencc -lpthread -lm

if [ ! -f "$OUT/bench.db" ]; then
    $BIN demo --db "sqlite:$OUT/bench.db" --no-serve --demo-password redress-demo >/dev/null
    echo "== seeding $N complaints and their index"
    t0=$(date +%s)
    now=$(date +%s)
    sed -e "s/@NOW/$now/g" -e "s/@N/$N/g" bench/seed.sql | sqlite3 "$OUT/bench.db"
    "$OUT/seed" "$OUT/bench.db" "$OUT/redress.key"
    echo "RESULT seed_seconds=$(($(date +%s) - t0))"
fi
sqlite3 "$OUT/bench.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
echo "RESULT sizes $(sqlite3 "$OUT/bench.db" "SELECT group_concat(name || '=' || (s / 1048576) || 'MiB', ' ') FROM
    (SELECT name, SUM(pgsize) AS s FROM dbstat WHERE name IN ('search_terms', 'search_terms_complaint',
     'search_docs', 'search_recent', 'complaints', 'complaints_scope', 'events') GROUP BY name)") rows=$(sqlite3 "$OUT/bench.db" \
    'SELECT COUNT(*) FROM search_terms') recent_rows=$(sqlite3 "$OUT/bench.db" 'SELECT COUNT(*) FROM search_recent') file=$(($(stat -c %s "$OUT/bench.db") / 1048576))MiB"

$BIN serve --db "sqlite:$OUT/bench.db" --listen "127.0.0.1:$port" --log-level warn >"$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for i in $(seq 1 100); do curl -sf "$url/api/v1/health" >/dev/null && break; sleep 0.1; done
export REDRESS_TOKEN=$(curl -s "$url/api/v1/auth/login" -d '{"username":"agent1","password":"redress-demo"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
last4=$(sqlite3 "$OUT/bench.db" "SELECT substr(phone, -4) FROM complaints WHERE number = 'BN00000042'")
for q in "油品" "质量问题" "$last4"; do
    enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$q")
    for sort in relevance created; do
        path="/api/v1/complaints?q=$enc&sort=$sort"
        total=$(curl -s -H "Authorization: Bearer $REDRESS_TOKEN" "$url$path" |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
        : >"$OUT/q.txt"
        for r in $(seq 1 "$RUNS"); do
            BENCH_PATH=$path wrk -t1 -c1 -d"${DUR}s" -s bench/search/query.lua "$url" | grep RESULT >>"$OUT/q.txt"
        done
        p95=$(sed 's/.*p95_ms=\([0-9.]*\).*/\1/' "$OUT/q.txt" | median)
        p50=$(sed 's/.*p50_ms=\([0-9.]*\).*/\1/' "$OUT/q.txt" | median)
        echo "RESULT query q=$q sort=$sort total=$total median_p50_ms=$p50 median_p95_ms=$p95 runs=$(sed 's/.*p95_ms=\([0-9.]*\).*/\1/' "$OUT/q.txt" | paste -sd, -)"
    done
done
kill $pid
wait $pid 2>/dev/null || true

if [ -n "${A_DIR:-}" ]; then
    echo "== intake with (B) and without (A) the index"
    AB_SCRIPT=bench/search/intake300.lua sh bench/ab-intake.sh
fi
