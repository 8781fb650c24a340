#!/bin/sh
# The deadline sweep of two builds on the same seeded database, alternating
# (bench/sweep/run.sh's seed: BENCH_COMPLAINTS open complaints, 1,000 due at
# each instant): each build sweeps its own copy of the file, one process a
# sweep ("cold"), at the same instants, A then B. Reports each sweep's time
# as the command gives it and the process's CPU time (user + system, and
# each), which a busy machine disturbs far less than the elapsed time.
#   A_DIR=../old-checkout sh bench/ab-sweep.sh          (B = this tree)
set -eu
cd "$(dirname "$0")/.."
A_DIR=${A_DIR:?set A_DIR to the other source tree (with build/redress)}
B_DIR=${B_DIR:-$(pwd)}
N=${BENCH_COMPLAINTS:-1000000}
RUNS=${BENCH_RUNS:-7}
DUE=1000
SETS=$((RUNS + 1))
T0=1791421200 # 2026-10-08T09:00:00+08:00
tmp=$(mktemp -d /tmp/redress-absweep.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
iso() { date -u -d "@$(($1 + 28800))" +%Y-%m-%dT%H:%M:%S+08:00; }

"$A_DIR/build/redress" init --pack gas-station --db "sqlite:$tmp/a.db" --admin-user admin \
    --admin-password bench-password-1 >/dev/null 2>&1
sed -e "s/@N/$N/g" -e "s/@T0/$T0/g" -e "s/@RUNS/$SETS/g" -e "s/@DUE/$DUE/g" -e "s/@STEP/$((N / (SETS * DUE)))/g" \
    -e "s/@OUTBOX/1/g" bench/sweep/seed.sql | sqlite3 "$tmp/a.db"
cp "$tmp/a.db" "$tmp/b.db"
# Each build opens its copy once before the clock starts (its newer migrations, the log's mode).
"$A_DIR/build/redress" migrate --db "sqlite:$tmp/a.db" >/dev/null 2>&1
"$B_DIR/build/redress" migrate --db "sqlite:$tmp/b.db" >/dev/null 2>&1
sync
# sweep NAME DIR K: one cold sweep of build NAME at instant K: "ms cpu_ms user_ms sys_ms"
sweep() {
    python3 - "$2/build/redress" "sqlite:$tmp/$1.db" "$(iso $((T0 + $3 * 60)))" <<'PY'
import re, resource, subprocess, sys
out = subprocess.run([sys.argv[1], "sweep", "--db", sys.argv[2], "--now", sys.argv[3], "--quiet",
                      "--log-level", "warn"], capture_output=True, text=True, check=True).stdout
r = resource.getrusage(resource.RUSAGE_CHILDREN)
ms = re.findall(r" in ([0-9.]+) ms", out)[-1]
print(ms, round((r.ru_utime + r.ru_stime) * 1000, 1), round(r.ru_utime * 1000, 1), round(r.ru_stime * 1000, 1))
PY
}
: >"$tmp/runs"
for k in $(seq 1 "$RUNS"); do
    echo "A $(sweep a "$A_DIR" "$k")" | tee -a "$tmp/runs"
    echo "B $(sweep b "$B_DIR" "$k")" | tee -a "$tmp/runs"
done
for s in A B; do
    echo "RESULT ab-sweep $s median_sweep_ms=$(grep "^$s " "$tmp/runs" | cut -d' ' -f2 | median)" \
        "median_process_cpu_ms=$(grep "^$s " "$tmp/runs" | cut -d' ' -f3 | median)" \
        "median_user_ms=$(grep "^$s " "$tmp/runs" | cut -d' ' -f4 | median)" \
        "median_sys_ms=$(grep "^$s " "$tmp/runs" | cut -d' ' -f5 | median)"
done
