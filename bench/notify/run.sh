#!/bin/sh
# Webhook deliveries a second on SQLite: BENCH_ROWS webhook rows queued in
# the outbox of a fresh database (written directly, as a burst of dispatches
# would leave them), then `redress serve` started with a local HTTP sink that
# answers 200 at once; the time from the server's start until the last row
# is sent (the sink's count and the outbox's), and the rate — also from the
# sink's first post to its last, the deliverer's pace without the server's
# start-up. Also the
# process's CPU time. Repeated BENCH_RUNS times; the median is reported.
# BENCH_CHANNEL=sms: deadline warnings as text messages to one person with a
# phone, handed to an SMS gateway (the sink) instead — the second half of
# "the 1,000 warnings of one sweep handed to the gateway within 5 s" (the
# sweep's own time is bench/sweep/run.sh's).
#   sh bench/notify/run.sh            (build/redress, the release build)
#   BENCH_ROWS=1000 BENCH_CHANNEL=sms sh bench/notify/run.sh
set -eu
cd "$(dirname "$0")/../.."
BIN=${BIN:-build/redress}
N=${BENCH_ROWS:-2000}
RUNS=${BENCH_RUNS:-3}
CHANNEL=${BENCH_CHANNEL:-webhook}
tmp=$(mktemp -d /tmp/redress-notify.XXXXXX)
sinkpid=""
trap '[ -n "$sinkpid" ] && kill "$sinkpid" 2>/dev/null; rm -rf "$tmp"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

sink_port=$(port)
cat >"$tmp/sink.mjs" <<'JS'
import http from 'node:http'
import fs from 'node:fs'
let n = 0, first = 0, last = 0
const out = process.argv[3]
http.createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    n++
    last = performance.now()
    if (!first) first = last
    res.end('{"errcode":0}')
  })
}).listen(Number(process.argv[2]), '127.0.0.1')
// the count, and the milliseconds between the first and the last post since the last reset
setInterval(() => fs.writeFileSync(out, `${n} ${(last - first).toFixed(1)}`), 20)
process.on('SIGUSR2', () => { first = 0; last = 0 })
JS
node "$tmp/sink.mjs" "$sink_port" "$tmp/count" &
sinkpid=$!

$BIN init --pack gas-station --db "sqlite:$tmp/base.db" --admin-user admin --admin-password bench-password-1 \
    --key-file "$tmp/key" >/dev/null 2>&1
if [ "$CHANNEL" = sms ]; then
    extra="--sms-url http://127.0.0.1:$sink_port/send --sms-secret bench-secret-0123456789"
    sqlite3 "$tmp/base.db" <<SQL
UPDATE users SET phone = '13800138000', notify = 'email,sms' WHERE username = 'admin';
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $N)
INSERT INTO outbox (created_at, channel, recipient_user, template, payload, idempotency_key)
SELECT strftime('%s','now'), 'sms', (SELECT id FROM users WHERE username = 'admin'), 'sla_warning',
       '{"clock":"handle","deadline":"2026-12-08T10:00:00+08:00","event":"warn","number":"TS20261207-' || printf('%04d', i) || '","warning_at":"2026-12-08T09:00:00+08:00"}',
       'bench/' || i
FROM seq;
SQL
else
extra=""
sqlite3 "$tmp/base.db" <<SQL
INSERT INTO webhooks (name, unit, url, secret, format, created_at)
SELECT 'bench', id, 'http://127.0.0.1:$sink_port/hook', 'bench-secret-0123456789', 'json', 0 FROM units ORDER BY id LIMIT 1;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $N)
INSERT INTO outbox (created_at, channel, recipient_unit, template, payload, idempotency_key, target)
SELECT strftime('%s','now'), 'webhook', (SELECT id FROM units ORDER BY id LIMIT 1), 'dispatch',
       '{"number":"TS20261207-' || printf('%04d', i) || '","unit":"浦东世纪大道加油站","category":"服务态度","level":"一般","stage_due":"2026-12-08T10:00:00+08:00","subject_unit":"浦东世纪大道加油站"}',
       'bench/' || i, 'bench'
FROM seq;
SQL
fi

rates=""
flows=""
for r in $(seq 1 "$RUNS"); do
    cp "$tmp/base.db" "$tmp/run.db"
    kill -USR2 "$sinkpid"
    sleep 0.1
    before=$(cut -d' ' -f1 "$tmp/count" 2>/dev/null || echo 0)
    lport=$(port)
    start=$(date +%s.%N)
    # shellcheck disable=SC2086 # extra: the SMS gateway's two settings, or none
    $BIN serve --db "sqlite:$tmp/run.db" --key-file "$tmp/key" --listen "127.0.0.1:$lport" --sweep-interval 0 \
        --log-level warn $extra >"$tmp/serve.log" 2>&1 &
    spid=$!
    while :; do
        sent=$(sqlite3 "$tmp/run.db" "SELECT COUNT(*) FROM outbox WHERE status = 'sent'" 2>/dev/null || echo 0)
        [ "$sent" -ge "$N" ] && break
        sleep 0.05
    done
    end=$(date +%s.%N)
    cpu=$(awk '{print ($14 + $15) / 100}' "/proc/$spid/stat")
    kill "$spid"; wait "$spid" 2>/dev/null || true
    sleep 0.1 # the sink writes its count every 20 ms
    rate=$(echo "$N $start $end" | awk '{printf "%.0f", $1 / ($3 - $2)}')
    span=$(cut -d' ' -f2 "$tmp/count")
    flow=$(echo "$N $span" | awk '{printf "%.0f", ($1 - 1) / ($2 / 1000)}')
    echo "run $r: $N sent in $(echo "$start $end" | awk '{printf "%.2f", $2 - $1}') s from the server's start = $rate deliveries/s; first to last post $span ms = $flow/s; CPU $cpu s; the sink received $(($(cut -d' ' -f1 "$tmp/count") - before))"
    rates="$rates $rate"
    flows="$flows $flow"
done
echo "median: $(echo "$rates" | tr ' ' '\n' | grep . | median) deliveries/s from the server's start; $(echo "$flows" | tr ' ' '\n' | grep . | median)/s from the first post to the last"
