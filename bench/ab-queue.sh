#!/bin/sh
# The agent queue (one station's open orders by deadline, bench/queue.lua) of
# two builds on the same machine at the same time, at BENCH_COMPLAINTS
# (1,000,000) stored complaints: one demo database is made and seeded by
# build A (bench/seed.sql, as bench/run.sh seeds it), copied for build B,
# each build serves its copy, and wrk's runs alternate between them — with
# 1 client, then 8 — so a shared, noisy machine affects both alike. Prints
# the single runs and the medians, with the server's CPU time per request
# (user + system, from /proc), which the machine's other load disturbs less
# than the rate does.
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
pida=${pids##* }
serve b "$B_DIR" "$pb"
pidb=${pids##* }
ta=$(token "$pa"); tb=$(token "$pb")
: >"$tmp/runs"
# run NAME PORT TOKEN PID CLIENTS: one wrk run, its line with cpu_us (the
# server's CPU time per request) appended to $tmp/runs.
run() {
    t=$([ "$5" = 1 ] && echo 1 || echo 2)
    c0=$(cpu_ticks "$4")
    out=$(REDRESS_TOKEN=$3 wrk -t"$t" -c"$5" -d"${DUR}s" -s bench/queue.lua "http://127.0.0.1:$2" | grep RESULT)
    c1=$(cpu_ticks "$4")
    echo "$out" | awk -v n="$1 c$5" -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v d="$DUR" '{
        split($0, f, "rps="); split(f[2], g, " ");
        printf "%s %s cpu_us=%.0f\n", n, $0, (g[1] > 0 ? t * 1e6 / hz / (g[1] * d) : 0) }' | tee -a "$tmp/runs"
}
for c in 1 8; do
    for r in $(seq 1 "$RUNS"); do
        run A "$pa" "$ta" "$pida" "$c"
        run B "$pb" "$tb" "$pidb" "$c"
    done
done
for s in A B; do
    for c in 1 8; do
        rps=$(grep "^$s c$c " "$tmp/runs" | sed 's/.*rps=\([0-9.]*\).*/\1/' | median)
        p99=$(grep "^$s c$c " "$tmp/runs" | sed 's/.*p99_ms=\([0-9.]*\).*/\1/' | median)
        cpu=$(grep "^$s c$c " "$tmp/runs" | sed 's/.*cpu_us=\([0-9.]*\).*/\1/' | median)
        echo "RESULT ab-queue $s clients=$c median_rps=$rps median_p99_ms=$p99 median_cpu_us_per_req=$cpu"
    done
done
