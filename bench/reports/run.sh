#!/bin/sh
# The reports at BENCH_COMPLAINTS (default 1,000,000) complaints over three
# years, on SQLite, release build, over HTTP as an administrator (the whole
# organisation):
#   monthly   every indicator of the catalogue for last month, no grouping
#             (the monthly report's numbers): the sum of their times
#   unit×cat  one indicator (on_time_rate) by unit × category over a year
#   drill     the first page (50) of a drill-down of a year's cell, with its total
# Each first after the server's start ("first": the OS page cache may be
# warm from seeding; it is not dropped), then the median of BENCH_RUNS
# repetitions ("warm"). Prints RESULT lines; copy them into bench/RESULTS.md.
set -eu
cd "$(dirname "$0")/../.."
BIN=${BIN:-build/redress}
OUT=${BENCH_OUT:-bench/out-reports}
N=${BENCH_COMPLAINTS:-1000000}
RUNS=${BENCH_RUNS:-5}
# BENCH_REUSE=1: the database of the last run, as it is (no new demo, no seeding).
[ "${BENCH_REUSE:-0}" = 1 ] || { rm -rf "$OUT" && mkdir -p "$OUT"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

if [ "${BENCH_REUSE:-0}" != 1 ]; then
    $BIN demo --db "sqlite:$OUT/bench.db" --no-serve --demo-password redress-demo >/dev/null
    echo "== seeding $N complaints"
    t0=$(date +%s)
    sed -e "s/@NOW/$(date +%s)/g" -e "s/@SPAN/94608000/g" -e "s/@N/$N/g" bench/reports/seed.sql | sqlite3 "$OUT/bench.db"
    echo "RESULT seed_seconds=$(( $(date +%s) - t0 )) complaints=$(sqlite3 "$OUT/bench.db" 'SELECT COUNT(*) FROM complaints')"
fi
$BIN serve --db "sqlite:$OUT/bench.db" --listen "127.0.0.1:$port" --log-level warn >"$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for i in $(seq 1 100); do curl -sf "$url/api/v1/health" >/dev/null && break; sleep 0.1; done
token=$(curl -s "$url/api/v1/auth/login" -d '{"username":"admin","password":"redress-demo"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
ids=$(curl -s -H "Authorization: Bearer $token" "$url/api/v1/reports" |
    python3 -c 'import json,sys; print(" ".join(x["id"] for x in json.load(sys.stdin)["items"]))')
month_from=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m-%d)
month_to=$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m-%d)
year_from=$(date -d "-1 year" +%Y-%m-%d)
today=$(date +%Y-%m-%d)

# Milliseconds of one GET (the reply read whole), failing on an error status.
ms() { curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$url$1" | awk '{printf "%.1f\n", $1 * 1000}'; }
monthly() {
    total=0
    for id in $ids; do
        t=$(ms "/api/v1/reports/$id?from=$month_from&to=$month_to")
        total=$(echo "$total + $t" | bc)
    done
    echo "$total"
}
unitcat() { ms "/api/v1/reports/on_time_rate?from=$year_from&to=$today&group_by=unit,category"; }
drill() { ms "/api/v1/reports/on_time_rate/complaints?from=$year_from&to=$today&unit=SH-PD&category=service.attitude&part=denominator"; }

for what in monthly unitcat drill; do
    first=$($what)
    : >"$OUT/$what.txt"
    for r in $(seq 1 "$RUNS"); do $what >>"$OUT/$what.txt"; done
    echo "RESULT $what first_ms=$first warm_median_ms=$(median <"$OUT/$what.txt") runs=$(tr '\n' ' ' <"$OUT/$what.txt")"
done
kill $pid
wait $pid 2>/dev/null || true
