#!/bin/sh
# What delivery costs intake (the notifications' budget: at most 5 % of its
# throughput). The same build serves twice, alternating as bench/ab-intake.sh
# does: A delivers nothing (no gateway set), B hands every message to local
# sinks — an SMS gateway (web/e2e/sms-sink.mjs) and an SMTP server
# (tests/api/smtp_sink.py) — so each intake's acknowledgement to the
# customer is texted (and e-mailed, where the customer gave an address)
# while the next intakes arrive. Run it outside the pack's quiet hours
# (21:00–08:00 local), which hold customers' texts back. Prints the single
# runs, the medians, B's cost in per cent, and the messages the sinks took.
# Also the server's own CPU time per intake, A against B, which the sinks
# and wrk on the same cores do not add to.
#   sh bench/ab-delivery.sh            (BENCH_RUNS, BENCH_SECONDS as ab-intake)
set -eu
cd "$(dirname "$0")/.."
sinks=$(mktemp -d /tmp/redress-sinks.XXXXXX)
spids=""
trap 'for p in $spids; do kill "$p" 2>/dev/null || true; done; rm -rf "$sinks"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sms=$(port)
smtp=$(port)
: >"$sinks/sms.jsonl"
node web/e2e/sms-sink.mjs "$sms" "$sinks/sms.jsonl" &
spids="$spids $!"
mkdir "$sinks/mail"
/usr/bin/python3 tests/api/smtp_sink.py "$smtp" "$sinks/mail" >"$sinks/smtp.log" 2>&1 &
spids="$spids $!"
for i in $(seq 1 100); do curl -sf "http://127.0.0.1:$sms/" >/dev/null && break; sleep 0.1; done
AB_B_FLAGS="--sms-url http://127.0.0.1:$sms/send --smtp-url smtp://127.0.0.1:$smtp --smtp-from bench@example.cn" \
    A_DIR=$(pwd) sh bench/ab-intake.sh | tee "$sinks/out"
sleep 3 # the last second's messages
a=$(sed -n 's/^RESULT ab A median_rps=\([0-9.]*\).*/\1/p' "$sinks/out")
b=$(sed -n 's/^RESULT ab B median_rps=\([0-9.]*\).*/\1/p' "$sinks/out")
ca=$(sed -n 's/^RESULT ab A median_cpu_us=\([0-9]*\).*/\1/p' "$sinks/out")
cb=$(sed -n 's/^RESULT ab B median_cpu_us=\([0-9]*\).*/\1/p' "$sinks/out")
echo "RESULT delivery cost=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", (a - b) * 100 / a }')% \
server_cpu_cost=$(awk -v a="$ca" -v b="$cb" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')% \
sms=$(wc -l <"$sinks/sms.jsonl") mail=$(find "$sinks/mail" -name '*.eml' | wc -l)"
