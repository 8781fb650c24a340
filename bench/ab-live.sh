#!/bin/sh
# What open pages' live streams cost intake: two servers of this tree, each
# on its own demo database, one with LIVE_STREAMS (100) streams held open by
# bench/live/streams.mjs as a supervisor of the centre (who sees every new
# complaint, so each intake is pushed to every stream), the other with none;
# wrk's intake runs alternate between them (8 connections, BENCH_SECONDS
# each, BENCH_RUNS each), so a shared, noisy machine affects both alike.
# Prints the single runs, the medians (requests a second, p99, and the
# server's CPU time per intake) and the events the streams received.
#   sh bench/ab-live.sh            AB_PG=1: both on a private PostgreSQL
set -eu
cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-5}
DUR=${BENCH_SECONDS:-10}
STREAMS=${LIVE_STREAMS:-100}
export REDRESS_LIVE_STREAMS_PER_USER=$STREAMS # every stream is one person's
tmp=$(mktemp -d /tmp/redress-ablive.XXXXXX)
pids=""
. bench/ab-lib.sh
start() { # name port: a demo database of its own, served
    mkdir -p "$tmp/$1"
    build/redress demo --db "$(db_url "$1")" --no-serve --demo-password redress-demo >/dev/null
    serve "$1" "$(pwd)" "$2"
}
pg_start
pa=$(free_port); pb=$(free_port)
start a "$pa"
pida=${pids##* }
start b "$pb"
pidb=${pids##* }
node bench/live/streams.mjs "$pb" "$STREAMS" >"$tmp/streams.log" 2>&1 &
pids="$pids $!"
for i in $(seq 1 600); do grep -q READY "$tmp/streams.log" && break; sleep 0.1; done
grep -q READY "$tmp/streams.log" || { echo "the streams did not open"; cat "$tmp/streams.log"; exit 1; }
echo "B holds $STREAMS live streams"
ta=$(token "$pa"); tb=$(token "$pb")
: >"$tmp/runs"
for r in $(seq 1 "$RUNS"); do
    cpu_run A "$pa" "$ta" "$pida" bench/intake.lua
    cpu_run B "$pb" "$tb" "$pidb" bench/intake.lua
done
medians "$tmp/runs"
for s in A B; do
    echo "RESULT ab $s median_cpu_us_per_req=$(grep "^$s " "$tmp/runs" | sed 's/.*cpu_us=\([0-9.]*\).*/\1/' | median)"
done
sleep 6 # one more count of the streams' events
echo "events received by the streams: $(grep EVENTS "$tmp/streams.log" | tail -1)"
