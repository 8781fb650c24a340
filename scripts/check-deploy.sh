#!/bin/sh
# make test-deploy: the example configurations of docs/deploy/ are checked
# by the programs that will read them — nginx -t, haproxy -c, patroni
# --validate-config — in a temporary directory, with a throw-away
# self-signed certificate where the examples name real ones. (pgbouncer.ini
# is not only parsed but used: scripts/test-pg.sh runs API tests through it.)
# A program that is not installed is reported and skipped.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
# One certificate for both: nginx wants cert and key apart, HAProxy one PEM.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=tousu.example.cn \
    -keyout "$tmp/privkey.pem" -out "$tmp/fullchain.pem" >/dev/null 2>&1
cat "$tmp/fullchain.pem" "$tmp/privkey.pem" >"$tmp/haproxy.pem"

if command -v nginx >/dev/null 2>&1; then
    mkdir -p "$tmp/nginx/logs"
    sed -e "s|/etc/ssl/redress/|$tmp/|" -e "s|/var/log/nginx/|$tmp/nginx/logs/|" docs/deploy/nginx.conf \
        >"$tmp/nginx/nginx.conf"
    if nginx -q -t -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g "pid $tmp/nginx/nginx.pid;" 2>"$tmp/nginx.out"; then
        echo "docs/deploy/nginx.conf: nginx -t ok"
    else
        cat "$tmp/nginx.out"
        echo "docs/deploy/nginx.conf: nginx -t FAILED"
        failed=1
    fi
else
    echo "docs/deploy/nginx.conf: nginx not installed, not checked"
fi

if command -v haproxy >/dev/null 2>&1; then
    sed -e "s|/etc/haproxy/certs/tousu.example.cn.pem|$tmp/haproxy.pem|" docs/deploy/haproxy.cfg >"$tmp/haproxy.cfg"
    if haproxy -c -f "$tmp/haproxy.cfg" >"$tmp/haproxy.out" 2>&1; then
        echo "docs/deploy/haproxy.cfg: haproxy -c ok"
    else
        cat "$tmp/haproxy.out"
        echo "docs/deploy/haproxy.cfg: haproxy -c FAILED"
        failed=1
    fi
else
    echo "docs/deploy/haproxy.cfg: haproxy not installed, not checked"
fi

if command -v patroni >/dev/null 2>&1; then
    if patroni --validate-config docs/deploy/patroni.yml >"$tmp/patroni.out" 2>&1; then
        echo "docs/deploy/patroni.yml: patroni --validate-config ok"
    else
        cat "$tmp/patroni.out"
        echo "docs/deploy/patroni.yml: patroni --validate-config FAILED"
        failed=1
    fi
else
    echo "docs/deploy/patroni.yml: patroni not installed, not checked"
fi
exit $failed
