#!/bin/sh
# Benchmarks of DESIGN §6 and the foundation issue, on this machine:
#   1. intake: durable complaints/s over HTTP, 8 concurrent clients (wrk), median of 5 runs, p99
#   2. agent queue: one station's open orders by deadline, at 1,000,000 stored complaints: p99,
#      with 1 and 8 clients; server RSS idle and under load.
# Prints RESULT lines; copy them into bench/RESULTS.md with the date and machine.
set -eu
cd "$(dirname "$0")/.."
BIN=build/redress
OUT=bench/out
N=${BENCH_COMPLAINTS:-1000000}
RUNS=${BENCH_RUNS:-5}
DUR=${BENCH_SECONDS:-10}
rm -rf "$OUT" && mkdir -p "$OUT"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"

start_server() {
    $BIN serve --db "sqlite:$OUT/bench.db" --listen "127.0.0.1:$port" --log-level warn >"$OUT/server.log" 2>&1 &
    pid=$!
    for i in $(seq 1 100); do curl -sf "$url/api/v1/health" >/dev/null && return; sleep 0.1; done
    echo "server did not start"; cat "$OUT/server.log"; exit 1
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; }
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

$BIN demo --db "sqlite:$OUT/bench.db" --no-serve --demo-password redress-demo >/dev/null
start_server
export REDRESS_TOKEN=$(curl -s "$url/api/v1/auth/login" -d '{"username":"agent1","password":"redress-demo"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

echo "== intake: $RUNS runs of ${DUR}s, 8 connections"
: >"$OUT/intake.txt"
for r in $(seq 1 "$RUNS"); do
    wrk -t2 -c8 -d"${DUR}s" -s bench/intake.lua "$url" | grep RESULT | tee -a "$OUT/intake.txt"
done
rps=$(sed 's/.*rps=\([0-9.]*\).*/\1/' "$OUT/intake.txt" | median)
p99=$(sed 's/.*p99_ms=\([0-9.]*\).*/\1/' "$OUT/intake.txt" | median)
echo "RESULT intake median_rps=$rps median_p99_ms=$p99"
stop_server

echo "== seeding $N complaints for the queue benchmark"
now=$(date +%s)
sed -e "s/@NOW/$now/g" -e "s/@N/$N/g" bench/seed.sql | sqlite3 "$OUT/bench.db"
start_server
sleep 1
echo "RESULT rss_idle $(rss)"
echo "== agent queue at $(sqlite3 "$OUT/bench.db" 'SELECT COUNT(*) FROM complaints') complaints"
: >"$OUT/queue1.txt"
: >"$OUT/queue8.txt"
for r in $(seq 1 "$RUNS"); do
    wrk -t1 -c1 -d"${DUR}s" -s bench/queue.lua "$url" | grep RESULT | tee -a "$OUT/queue1.txt"
done
for r in $(seq 1 "$RUNS"); do
    wrk -t2 -c8 -d"${DUR}s" -s bench/queue.lua "$url" | grep RESULT | tee -a "$OUT/queue8.txt"
done
echo "RESULT rss_after_load $(rss)"
q1=$(sed 's/.*p99_ms=\([0-9.]*\).*/\1/' "$OUT/queue1.txt" | median)
q8=$(sed 's/.*p99_ms=\([0-9.]*\).*/\1/' "$OUT/queue8.txt" | median)
r8=$(sed 's/.*rps=\([0-9.]*\).*/\1/' "$OUT/queue8.txt" | median)
echo "RESULT queue median_p99_ms_1client=$q1 median_p99_ms_8clients=$q8 median_rps_8clients=$r8"
stop_server
