#!/bin/sh
# The agent queue (one station's open orders by deadline, bench/queue.lua) of
# two builds on the same machine at the same time, at BENCH_COMPLAINTS
# (1,000,000) stored complaints: one demo database is made and seeded by
# build A (bench/seed.sql, as bench/run.sh seeds it), copied for build B,
# each build serves its copy, and wrk's runs alternate between them — with
# 1 client, then 8 — so a shared, noisy machine affects both alike. Prints
# the single runs and the medians.
#   A_DIR=../old-checkout sh bench/ab-queue.sh          (B = this tree)
# A_DIR, B_DIR: source trees with build/redress built; default B_DIR = here.
set -eu
cd "$(dirname "$0")/.."
A_DIR=${A_DIR:?set A_DIR to the other source tree (with build/redress)}
B_DIR=${B_DIR:-$(pwd)}
N=${BENCH_COMPLAINTS:-1000000}
RUNS=${BENCH_RUNS:-5}
DUR=${BENCH_SECONDS:-10}
tmp=$(mktemp -d /tmp/redress-abq.XXXXXX)
pids=""
. bench/ab-lib.sh

mkdir -p "$tmp/a" "$tmp/b"
(cd "$A_DIR" && build/redress demo --db "sqlite:$tmp/a/bench.db" --no-serve --demo-password redress-demo >/dev/null 2>&1)
echo "== seeding $N complaints"
sed -e "s/@NOW/$(date +%s)/g" -e "s/@N/$N/g" bench/seed.sql | sqlite3 "$tmp/a/bench.db"
cp "$tmp/a/bench.db" "$tmp/b/bench.db"
cp "$tmp/a/redress.key" "$tmp/b/redress.key" 2>/dev/null || true

pa=$(free_port); pb=$(free_port)
serve a "$A_DIR" "$pa"
serve b "$B_DIR" "$pb"
ta=$(token "$pa"); tb=$(token "$pb")
: >"$tmp/runs"
for c in 1 8; do
    t=$([ "$c" = 1 ] && echo 1 || echo 2)
    for r in $(seq 1 "$RUNS"); do
        REDRESS_TOKEN=$ta wrk -t"$t" -c"$c" -d"${DUR}s" -s bench/queue.lua "http://127.0.0.1:$pa" | grep RESULT |
            sed "s/^/A c$c /" | tee -a "$tmp/runs"
        REDRESS_TOKEN=$tb wrk -t"$t" -c"$c" -d"${DUR}s" -s bench/queue.lua "http://127.0.0.1:$pb" | grep RESULT |
            sed "s/^/B c$c /" | tee -a "$tmp/runs"
    done
done
for s in A B; do
    for c in 1 8; do
        rps=$(grep "^$s c$c " "$tmp/runs" | sed 's/.*rps=\([0-9.]*\).*/\1/' | median)
        p99=$(grep "^$s c$c " "$tmp/runs" | sed 's/.*p99_ms=\([0-9.]*\).*/\1/' | median)
        echo "RESULT ab-queue $s clients=$c median_rps=$rps median_p99_ms=$p99"
    done
done
