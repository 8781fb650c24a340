#!/bin/sh
# PostgreSQL next to SQLite on this machine (make bench-pg):
#   1. intake: durable complaints/s over HTTP with 8 concurrent clients (wrk +
#      bench/intake.lua): SQLite, PostgreSQL with one node, PostgreSQL with two
#      nodes on one database (4 clients on each node);
#   2. agent queue (bench/queue.lua) at BENCH_COMPLAINTS stored complaints
#      (1,000,000 by default): p99 with 1 and 8 clients, the same three set-ups.
# Each figure is the median of BENCH_RUNS runs (5) of BENCH_SECONDS (10 s).
# PostgreSQL is a private server started here (scripts/pg.sh: fsync on,
# synchronous_commit on) and stopped at the end. Prints RESULT lines; copy
# them into bench/RESULTS.md with the date and the machine.
set -eu
cd "$(dirname "$0")/.."
BIN=${BENCH_BIN:-build/redress}
OUT=bench/out-pg
N=${BENCH_COMPLAINTS:-1000000}
RUNS=${BENCH_RUNS:-5}
DUR=${BENCH_SECONDS:-10}
rm -rf "$OUT" && mkdir -p "$OUT"
cp "$BIN" "$OUT/redress" # other builds may replace build/redress while this runs
BIN=$OUT/redress
pids=""
pgdir=$(mktemp -d /tmp/redress-bench-pg.XXXXXX)
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    sh scripts/pg.sh stop "$pgdir" || true
    rm -rf "$pgdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed "s/.*$1=\([0-9.]*\).*/\1/"; }

# start_node DB → sets $node_url and $node_pid
start_node() {
    port=$(freeport)
    $BIN serve --db "$1" --listen "127.0.0.1:$port" --log-level warn >>"$OUT/server-$port.log" 2>&1 &
    node_pid=$!
    pids="$pids $node_pid"
    node_url="http://127.0.0.1:$port"
    for i in $(seq 1 100); do curl -sf "$node_url/api/v1/health" >/dev/null && return; sleep 0.1; done
    echo "server did not start"; cat "$OUT/server-$port.log"; exit 1
}
stop_node() { kill "$1"; wait "$1" 2>/dev/null || true; }
login() {
    curl -s "$1/api/v1/auth/login" -d '{"username":"agent1","password":"redress-demo"}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# wrk_runs NAME SCRIPT CONNS URL [URL2]: RUNS runs; with URL2 the connections
# are split over both nodes (rps summed, the worse p99 kept).
wrk_runs() {
    name=$1 script=$2 conns=$3 u1=$4 u2=${5:-}
    : >"$OUT/$name.txt"
    for r in $(seq 1 "$RUNS"); do
        if [ -z "$u2" ]; then
            threads=$([ "$conns" -ge 2 ] && echo 2 || echo 1)
            wrk -t"$threads" -c"$conns" -d"${DUR}s" -s "$script" "$u1" | grep RESULT >>"$OUT/$name.txt"
        else
            half=$((conns / 2))
            wrk -t1 -c"$half" -d"${DUR}s" -s "$script" "$u1" | grep RESULT >"$OUT/a.txt" &
            w1=$!
            wrk -t1 -c"$half" -d"${DUR}s" -s "$script" "$u2" | grep RESULT >"$OUT/b.txt"
            wait $w1
            r1=$(field rps <"$OUT/a.txt") r2=$(field rps <"$OUT/b.txt")
            p1=$(field p99_ms <"$OUT/a.txt") p2=$(field p99_ms <"$OUT/b.txt")
            echo "RESULT rps=$(awk "BEGIN {print $r1 + $r2}") p99_ms=$(printf '%s\n%s\n' "$p1" "$p2" | sort -n | tail -1)" \
                >>"$OUT/$name.txt"
        fi
        tail -1 "$OUT/$name.txt"
    done
    echo "RESULT $name median_rps=$(field rps <"$OUT/$name.txt" | median) median_p99_ms=$(field p99_ms <"$OUT/$name.txt" | median)" |
        tee -a "$OUT/results.txt"
}

echo "== machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
pgurl=$(sh scripts/pg.sh start "$pgdir")
pgdb="${pgurl%/postgres}/bench"
psql -X -q -d "$pgurl" -c 'CREATE DATABASE bench'
echo "== PostgreSQL $(psql -X -A -t -d "$pgurl" -c 'SHOW server_version'), fsync $(psql -X -A -t -d "$pgurl" -c 'SHOW fsync')"

$BIN demo --db "sqlite:$OUT/bench.db" --no-serve --demo-password redress-demo >/dev/null
$BIN demo --db "$pgdb" --no-serve --demo-password redress-demo >/dev/null

echo "== intake: $RUNS runs of ${DUR}s, 8 connections"
start_node "sqlite:$OUT/bench.db"
s1=$node_url sp=$node_pid
export REDRESS_TOKEN=$(login "$s1")
wrk_runs intake_sqlite bench/intake.lua 8 "$s1"
stop_node "$sp"

start_node "$pgdb"
p1=$node_url pp1=$node_pid
start_node "$pgdb"
p2=$node_url pp2=$node_pid
export REDRESS_TOKEN=$(login "$p1")
wrk_runs intake_pg_1node bench/intake.lua 8 "$p1"
wrk_runs intake_pg_2nodes bench/intake.lua 8 "$p1" "$p2"
stop_node "$pp1"
stop_node "$pp2"

echo "== seeding $N complaints into both"
now=$(date +%s)
t0=$(date +%s)
sed -e "s/@NOW/$now/g" -e "s/@N/$N/g" bench/seed.sql | sqlite3 "$OUT/bench.db"
echo "sqlite seeded in $(( $(date +%s) - t0 )) s"
t0=$(date +%s)
sed -e "s/@NOW/$now/g" -e "s/@N/$N/g" bench/seed-pg.sql | psql -X -q -v ON_ERROR_STOP=1 -d "$pgdb" >/dev/null
echo "postgresql seeded in $(( $(date +%s) - t0 )) s"

echo "== agent queue: $RUNS runs of ${DUR}s"
start_node "sqlite:$OUT/bench.db"
s1=$node_url sp=$node_pid
export REDRESS_TOKEN=$(login "$s1")
wrk_runs queue_sqlite_1client bench/queue.lua 1 "$s1"
wrk_runs queue_sqlite_8clients bench/queue.lua 8 "$s1"
stop_node "$sp"

start_node "$pgdb"
p1=$node_url pp1=$node_pid
start_node "$pgdb"
p2=$node_url pp2=$node_pid
export REDRESS_TOKEN=$(login "$p1")
wrk_runs queue_pg_1node_1client bench/queue.lua 1 "$p1"
wrk_runs queue_pg_1node_8clients bench/queue.lua 8 "$p1"
wrk_runs queue_pg_2nodes_8clients bench/queue.lua 8 "$p1" "$p2"
stop_node "$pp1"
stop_node "$pp2"
echo "== summary (also in $OUT/results.txt)"
cat "$OUT/results.txt"
