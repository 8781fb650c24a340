# Shared by the A/B benchmarks (bench/ab-intake.sh, bench/ab-queue.sh), which
# source it after setting tmp (a scratch folder) and pids (""): two builds'
# servers on their own databases, on free ports, stopped when the script
# exits.
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# cpu_ticks PID: the process's user + system CPU time so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# db_url NAME: the database of build NAME — $tmp/NAME/bench.db, or with
# AB_PG=1 a database NAME of a private PostgreSQL (started by pg_start).
db_url() { if [ "${AB_PG:-0}" = 1 ]; then echo "${pg_url%/*}/$1"; else echo "sqlite:$tmp/$1/bench.db"; fi; }
pg_start() {
    [ "${AB_PG:-0}" = 1 ] || return 0
    pgdir=$(mktemp -d /tmp/redress-abpg.XXXXXX) # its own: the server runs as the postgres user
    pg_url=$(sh scripts/pg.sh start "$pgdir")
    trap 'sh scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"; cleanup' EXIT
    for n in a b; do psql -X -q -d "$pg_url" -c "CREATE DATABASE $n" >/dev/null; done
}
# serve NAME DIR PORT: DIR's build/redress serves db_url NAME until the script ends,
# with the extra flags AB_A_FLAGS or AB_B_FLAGS (for NAME a or b; split on spaces).
serve() {
    case $1 in a) extra=${AB_A_FLAGS:-} ;; b) extra=${AB_B_FLAGS:-} ;; *) extra="" ;; esac
    # shellcheck disable=SC2086 # the extra flags are words
    (cd "$2" && exec build/redress serve --db "$(db_url "$1")" --listen "127.0.0.1:$3" --log-level warn \
        --sweep-interval 0 $extra >"$tmp/$1/server.log" 2>&1) &
    pids="$pids $!"
    for i in $(seq 1 300); do curl -sf "http://127.0.0.1:$3/api/v1/health" >/dev/null && return; sleep 0.1; done
    echo "server $1 did not start"; cat "$tmp/$1/server.log"; exit 1
}
# token PORT: a bearer token of the demo agent.
token() {
    curl -s "http://127.0.0.1:$1/api/v1/auth/login" -d '{"username":"agent1","password":"redress-demo"}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
# medians FILE: the median rps and p99 of the runs of A and of B in FILE (wrk's RESULT lines, prefixed "A " or "B ").
medians() {
    for s in A B; do
        rps=$(grep "^$s " "$1" | sed 's/.*rps=\([0-9.]*\).*/\1/' | median)
        p99=$(grep "^$s " "$1" | sed 's/.*p99_ms=\([0-9.]*\).*/\1/' | median)
        echo "RESULT ab $s median_rps=$rps median_p99_ms=$p99"
    done
}
# cpu_run LABEL PORT TOKEN PID SCRIPT: one wrk run (2 threads, 8 connections,
# $DUR seconds) of SCRIPT, printed as "LABEL RESULT … cpu_us=N" with the
# server PID's CPU time per request, and appended to $tmp/runs.
cpu_run() {
    c0=$(cpu_ticks "$4")
    out=$(REDRESS_TOKEN=$3 wrk -t2 -c8 -d"${DUR}s" -s "$5" "http://127.0.0.1:$2" | grep RESULT)
    c1=$(cpu_ticks "$4")
    echo "$out" | awk -v n="$1" -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v d="$DUR" '{
        split($0, f, "rps="); split(f[2], g, " ");
        printf "%s %s cpu_us=%.0f\n", n, $0, (g[1] > 0 ? t * 1e6 / hz / (g[1] * d) : 0) }' | tee -a "$tmp/runs"
}
