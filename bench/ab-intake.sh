#!/bin/sh
# Intake throughput of two builds on the same machine at the same time:
# each gets its own demo database and server, and wrk's runs alternate
# between them (8 connections, BENCH_SECONDS each, BENCH_RUNS each), so a
# shared, noisy machine affects both alike. Prints the single runs and the
# medians, with the server's CPU time per intake. Each build runs from its
# own source tree (its packs and demo data):
#   A_DIR=../old-checkout sh bench/ab-intake.sh          (B = this tree)
# A_DIR, B_DIR: source trees with build/redress built; default B_DIR = here.
# AB_PG=1: both on a private PostgreSQL, a database each.
# AB_SCRIPT: the wrk script (default bench/intake.lua).
set -eu
cd "$(dirname "$0")/.."
A_DIR=${A_DIR:?set A_DIR to the other source tree (with build/redress)}
B_DIR=${B_DIR:-$(pwd)}
RUNS=${BENCH_RUNS:-5}
DUR=${BENCH_SECONDS:-10}
SCRIPT=${AB_SCRIPT:-bench/intake.lua}
tmp=$(mktemp -d /tmp/redress-ab.XXXXXX)
pids=""
. bench/ab-lib.sh
start() { # name dir port: a demo database of its own, served
    mkdir -p "$tmp/$1"
    (cd "$2" && build/redress demo --db "$(db_url "$1")" --no-serve --demo-password redress-demo >/dev/null)
    serve "$1" "$2" "$3"
}
pg_start
pa=$(free_port); pb=$(free_port)
start a "$A_DIR" "$pa"
pida=${pids##* }
start b "$B_DIR" "$pb"
pidb=${pids##* }
ta=$(token "$pa"); tb=$(token "$pb")
: >"$tmp/runs"
for r in $(seq 1 "$RUNS"); do
    # Each run also says the server's CPU time per intake (cpu_us), which
    # what else runs on the machine (wrk, a sink) does not add to.
    cpu_run A "$pa" "$ta" "$pida" "$SCRIPT"
    cpu_run B "$pb" "$tb" "$pidb" "$SCRIPT"
done
medians "$tmp/runs"
for s in A B; do
    echo "RESULT ab $s median_cpu_us=$(grep "^$s " "$tmp/runs" | sed 's/.*cpu_us=\([0-9]*\).*/\1/' | median)"
done
