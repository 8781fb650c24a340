#!/bin/sh
# Browser tests: a demo server on a free port with a fresh database, then
# Playwright (Debian's chromium) against it; the server is stopped at the end.
set -eu
if [ ! -d web/e2e ]; then
    echo "no browser tests yet"
    exit 0
fi
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Text messages go to a stand-in gateway that writes them to a file (what a
# customer's phone received), and their links point at this server.
smsport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
node web/e2e/sms-sink.mjs "$smsport" "$tmp/sms.jsonl" &
sinkpid=$!
# No background deadline sweeper: its events would change versions under the pages being tested.
build/redress demo --db "sqlite:$tmp/e2e.db" --listen "127.0.0.1:$port" --demo-password redress-demo --sweep-interval 0 \
    --sms-url "http://127.0.0.1:$smsport/send" --public-url "http://127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
pid=$!
# The trap's own statuses (the stopped processes') must not become the script's.
trap 'st=$?; kill $pid $sinkpid 2>/dev/null; wait $pid $sinkpid 2>/dev/null; rm -rf "$tmp"; exit $st' EXIT
for i in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$smsport/" >/dev/null && curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break
    sleep 0.1
done
# Screenshots go to build/screenshots, so that a test run leaves the tree as
# it found it; `make screenshots` writes them to docs/screenshots instead.
shots=${REDRESS_SCREENSHOTS:-$PWD/build/screenshots}
mkdir -p "$shots"
cd web
# E2E_FILES (paths under web/) and E2E_PATTERN (a test name's pattern) run a part.
REDRESS_SMS_LOG="$tmp/sms.jsonl" REDRESS_SCREENSHOTS="$shots" REDRESS_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 ${E2E_PATTERN:+--test-name-pattern="$E2E_PATTERN"} ${E2E_FILES:-e2e/} || { cat "$tmp/server.log"; exit 1; }
