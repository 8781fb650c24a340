#!/bin/sh
# The soak test (bench/soak.mjs): one server (the release build, its
# background sweeper every 10 s) on a demo database, mixed load for
# SOAK_MINUTES (default 60), memory, threads and descriptors sampled every
# 10 s. Exit 1 when an error happened or they did not stay flat.
#   make build && sh bench/soak.sh            SOAK_MINUTES=5 for a short one
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/redress-soak.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/redress demo --db "sqlite:$tmp/soak.db" --no-serve --demo-password redress-demo >/dev/null 2>&1
build/redress serve --db "sqlite:$tmp/soak.db" --key-file "$tmp/redress.key" --listen "127.0.0.1:$port" \
    --log-level warn --sweep-interval 10 >"$tmp/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for i in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
echo "soak: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%FT%TZ)"
node bench/soak.mjs "http://127.0.0.1:$port" "$pid" "${SOAK_MINUTES:-60}"
