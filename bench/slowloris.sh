#!/bin/sh
# Slow clients (issue 23, defect 2): the latency other clients see while one
# address holds 10,000 idle and slow connections (bench/slowloris.mjs: half
# send nothing, half a header line every 15 s; whatever the server closes is
# opened again a second later). The others are 8 wrk connections from
# 127.0.0.1 asking for the agent queue; the slow clients come from
# 127.0.0.2. Scenarios, each BENCH_SECONDS (20) of wrk, the three in turn
# BENCH_RUNS (3) times, then the median p99 of each:
#   quiet      no slow clients
#   defaults   10,000 slow clients against the default limits (256 an address)
#   no-limit   the same with the per-address limit off and max-connections
#              12,000: every slow client is held until its header deadline
# Prints RESULT lines; copy them into bench/RESULTS.md with the date and machine.
#
#   sh bench/slowloris.sh            (BIN=… another build, SLOW_CLIENTS=…)
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-build/redress}
N=${SLOW_CLIENTS:-10000}
DUR=${BENCH_SECONDS:-20}
RUNS=${BENCH_RUNS:-3}
tmp=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
$BIN demo --db "sqlite:$tmp/bench.db" --key-file "$tmp/k.key" --no-serve --demo-password redress-demo >/dev/null 2>&1

# serve ENV…: the server with those settings, until stop_server.
serve() {
    env "$@" $BIN serve --db "sqlite:$tmp/bench.db" --key-file "$tmp/k.key" --listen "127.0.0.1:$port" \
        --log-level warn --sweep-interval 0 >"$tmp/server.log" 2>&1 &
    spid=$!
    pids="$pids $spid"
    for i in $(seq 1 300); do curl -sf "$url/api/v1/health" >/dev/null && return; sleep 0.1; done
    echo "server did not start"; cat "$tmp/server.log"; exit 1
}
stop_server() { kill "$spid"; wait "$spid" 2>/dev/null || true; }
threads() { awk '/^Threads/ {print $2}' "/proc/$spid/status"; }

# run NAME ENV…: wrk against a server with ENV, with N slow clients unless NAME is quiet.
run() {
    name=$1
    shift
    serve "$@"
    export REDRESS_TOKEN=$(curl -s "$url/api/v1/auth/login" -d '{"username":"agent1","password":"redress-demo"}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    if [ "$name" != quiet ]; then
        node bench/slowloris.mjs "$port" "$N" 127.0.0.2 15 1 >"$tmp/slow.log" 2>&1 &
        lpid=$!
        pids="$pids $lpid"
        for i in $(seq 1 1200); do grep -q ready "$tmp/slow.log" && break; sleep 0.1; done
        grep ready "$tmp/slow.log" || { echo "the slow clients did not start"; cat "$tmp/slow.log"; exit 1; }
    fi
    res=$(wrk -t1 -c8 -d"${DUR}s" --timeout 10s -s bench/queue.lua "$url" | grep RESULT | sed 's/^RESULT //')
    held=$(curl -s --max-time 10 "$url/metrics" | awk '/^redress_http_connections / {print $2}')
    refused=$(curl -s --max-time 10 "$url/metrics" | awk '/^redress_http_refused_total / {print $2}')
    echo "RESULT slowloris $name $res open_connections=${held:-?} refused=${refused:-?} threads=$(threads)" |
        tee -a "$tmp/results.txt"
    if [ "$name" != quiet ]; then
        tail -1 "$tmp/slow.log"
        kill "$lpid" 2>/dev/null || true
        wait "$lpid" 2>/dev/null || true
    fi
    stop_server
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
: >"$tmp/results.txt"
for r in $(seq 1 "$RUNS"); do
    run quiet
    run defaults
    run no-limit REDRESS_MAX_CONNECTIONS_PER_ADDRESS=0 REDRESS_MAX_CONNECTIONS=12000
done
for name in quiet defaults no-limit; do
    p99=$(grep "slowloris $name " "$tmp/results.txt" | sed 's/.*p99_ms=\([0-9.]*\).*/\1/' | median)
    echo "RESULT slowloris $name median_p99_ms=$p99 ($RUNS runs)"
done
