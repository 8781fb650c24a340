#!/bin/sh
# The deadline sweep at scale (DESIGN §6: the sweeper is index-driven):
# 1,000,000 open complaints, of which 1,000 are due at each of 2 × RUNS + 1
# instants a minute apart (disjoint sets, seeded by bench/sweep/seed.sql),
# each complaint with its intake event and (BENCH_OUTBOX=1, the default) the
# notification its dispatch sent.
#   cold: RUNS separate `redress sweep --now T` processes, as cron would run
#         them — a fresh process, page cache and heap each time;
#   warm: one `redress sweep --repeat RUNS+1 --every 60 --pause 1000`
#         process, as the background sweeper of `redress serve` runs (its
#         first sweep warms the process up and is left out of the median).
#         The server's sweeps are a minute apart, and the store checkpoints
#         a sweep's writes into the database file once the sweep is over;
#         --pause gives that checkpoint a second of real time between two
#         sweeps here, and its duration is reported on its own.
# A sweep's figure is what the command reports: find the due rows, decide
# each step, write 1,000 warn events (each with its projection and outbox
# row) in one durable transaction. Also prints the due query's plan (only
# due rows are touched). Copy the RESULT lines into bench/RESULTS.md with
# the date and the machine; the machine may be shared: the figures are
# medians.
set -eu
cd "$(dirname "$0")/../.."
BIN=build/redress
OUT=bench/out/sweep
N=${BENCH_COMPLAINTS:-1000000}
DUE=${BENCH_DUE:-1000}
RUNS=${BENCH_RUNS:-7}
# 1: each complaint has a sent notification in the outbox (a database in
# service); 0: an empty outbox, as this benchmark was seeded until 2026-12-02.
OUTBOX=${BENCH_OUTBOX:-1}
SETS=$((2 * RUNS + 1))
T0=1791421200 # 2026-10-08T09:00:00+08:00
rm -rf "$OUT" && mkdir -p "$OUT"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
iso() { date -u -d "@$(($1 + 28800))" +%Y-%m-%dT%H:%M:%S+08:00; }

$BIN init --pack gas-station --db "sqlite:$OUT/sweep.db" --admin-user admin --admin-password bench-password-1 >/dev/null 2>&1
echo "== seeding $N open complaints, $SETS × $DUE due"
start=$(date +%s)
sed -e "s/@N/$N/g" -e "s/@T0/$T0/g" -e "s/@RUNS/$SETS/g" -e "s/@DUE/$DUE/g" -e "s/@STEP/$((N / (SETS * DUE)))/g" \
    -e "s/@OUTBOX/$OUTBOX/g" \
    bench/sweep/seed.sql | sqlite3 "$OUT/sweep.db"
# The seeded file on disk first, as a database in service is: otherwise the
# first checkpoint's sync writes the whole seed back.
sync
echo "seeded in $(( $(date +%s) - start )) s: $(sqlite3 "$OUT/sweep.db" 'SELECT COUNT(*) FROM complaints WHERE is_open = 1') open"

echo "== the due query's plan (SQLite):"
sqlite3 "$OUT/sweep.db" "EXPLAIN QUERY PLAN SELECT id, next_check_at FROM complaints WHERE is_open = 1 AND next_check_at <= $T0 AND (next_check_at, id) > (0, 0) ORDER BY next_check_at, id LIMIT 1000" | tee "$OUT/plan.txt"
echo "due at the first instant: $(sqlite3 "$OUT/sweep.db" "SELECT COUNT(*) FROM complaints WHERE is_open = 1 AND next_check_at <= $((T0 + 60))") of $N"

echo "== cold: one process per sweep"
: >"$OUT/cold.txt"
for k in $(seq 1 "$RUNS"); do
    now=$((T0 + k * 60))
    s=$(date +%s%N)
    line=$($BIN sweep --db "sqlite:$OUT/sweep.db" --now "$(iso $now)" --quiet --log-level warn | tail -1)
    wall=$(( ($(date +%s%N) - s) / 1000000 ))
    echo "$line wall_ms=$wall" | tee -a "$OUT/cold.txt"
done
echo "== warm: one process, $((RUNS + 1)) sweeps a minute apart (the first warms it up and is not counted)"
$BIN sweep --db "sqlite:$OUT/sweep.db" --now "$(iso $((T0 + (RUNS + 1) * 60)))" --repeat "$((RUNS + 1))" --every 60 \
    --pause 1000 --quiet --log-level debug 2>"$OUT/warm.log" | tee "$OUT/warm.txt"
grep -E 'due:|checkpoint:' "$OUT/warm.log" || true

ms() { sed 's/.* in \([0-9.]*\) ms.*/\1/'; }
cold=$(ms <"$OUT/cold.txt" | median)
wall=$(sed 's/.*wall_ms=\([0-9]*\).*/\1/' "$OUT/cold.txt" | median)
warm=$(tail -n +2 "$OUT/warm.txt" | ms | median)
fired=$(sed 's/.*: [0-9]* complaints, \([0-9]*\) warnings.*/\1/' "$OUT/cold.txt" "$OUT/warm.txt" | sort -u | tr '\n' ' ')
ckpt=$(grep 'checkpoint:' "$OUT/warm.log" | tail -n +2 | sed 's/.* in \([0-9.]*\) ms.*/\1/' | median)
echo "RESULT sweep complaints=$N seeded_outbox=$OUTBOX due_per_sweep=$DUE warnings_per_sweep=$fired runs=$RUNS median_cold_sweep_ms=$cold median_cold_process_wall_ms=$wall median_warm_sweep_ms=$warm median_checkpoint_after_sweep_ms=$ckpt"
echo "RESULT events_written=$(sqlite3 "$OUT/sweep.db" "SELECT COUNT(*) FROM events WHERE action = 'warn'") outbox_rows=$(sqlite3 "$OUT/sweep.db" "SELECT COUNT(*) FROM outbox WHERE template = 'sla_warning'")"
