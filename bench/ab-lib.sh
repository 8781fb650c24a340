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
# serve NAME DIR PORT: DIR's build/redress serves db_url NAME until the script ends.
serve() {
    (cd "$2" && exec build/redress serve --db "$(db_url "$1")" --listen "127.0.0.1:$3" --log-level warn \
        --sweep-interval 0 >"$tmp/$1/server.log" 2>&1) &
    pids="$pids $!"
    for i in $(seq 1 300); do curl -sf "http://127.0.0.1:$3/api/v1/health" >/dev/null && return; sleep 0.1; done
    echo "server $1 did not start"; cat "$tmp/$1/server.log"; exit 1
}
# token PORT: a bearer token of the demo agent.
token() {
    curl -s "http://127.0.0.1:$1/api/v1/auth/login" -d '{"username":"agent1","password":"redress-demo"}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
