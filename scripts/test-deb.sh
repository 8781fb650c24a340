#!/bin/sh
# make test-deb: builds the Debian package, installs it with dpkg -i, and
# runs the installed binary from / as the redress user — init with a built-in
# pack, serve the API and the web UI (built into the binary) — then purges
# the package. Needs root and dpkg; it leaves a machine where redress was
# already installed alone (it would replace that installation).
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ] || ! command -v dpkg >/dev/null 2>&1; then
    echo "test-deb: skipped (needs root and dpkg)"
    exit 0
fi
if dpkg -s redress >/dev/null 2>&1; then
    echo "test-deb: skipped (a redress package is installed here already)"
    exit 0
fi
deb=$(sh scripts/deb.sh)
tmp=$(mktemp -d /tmp/redress-debtest.XXXXXX)
cleanup() {
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
    dpkg --purge redress >/dev/null 2>&1 || true
    rm -rf "$tmp" /etc/redress
    getent passwd redress >/dev/null && deluser --system redress >/dev/null 2>&1 || true
    getent group redress >/dev/null && delgroup --system redress >/dev/null 2>&1 || true
    rm -rf /var/lib/redress
}
trap cleanup EXIT
dpkg -i "$deb" >/dev/null
fail() { echo "test-deb: FAILED: $*" >&2; exit 1; }

[ "$(stat -c '%U:%G %a' /var/lib/redress)" = "redress:redress 750" ] || fail "/var/lib/redress: $(stat -c '%U:%G %a' /var/lib/redress)"
[ "$(stat -c '%U:%G %a' /etc/redress/redress.conf)" = "root:redress 640" ] || fail "redress.conf's owner or mode"
# The unit's keys and values (systemd-analyze says "Unknown key", "Invalid …"
# for a mistake; what it says of the machine it runs on is not the unit's).
if command -v systemd-analyze >/dev/null 2>&1; then
    systemd-analyze verify /lib/systemd/system/redress.service >"$tmp/analyze" 2>&1 || true
    if grep -i 'unknown\|invalid\|bad \|failed to parse' "$tmp/analyze"; then fail "systemd-analyze verify"; fi
fi

# The installed binary, from /, as the service's user, with the installed settings
# but a database and key of the test's own.
chown redress:redress "$tmp"
as_redress() { (cd / && runuser -u redress -- /usr/bin/redress "$@"); }
as_redress version | grep -q '^redress ' || fail "redress version"
conf="--config /etc/redress/redress.conf --db sqlite:$tmp/t.db --key-file $tmp/t.key"
# shellcheck disable=SC2086
as_redress init $conf --pack gas-station --admin-password 'Deb-install-check-42' >"$tmp/init.log" 2>&1 ||
    { cat "$tmp/init.log"; fail "init from /"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086
(cd / && exec runuser -u redress -- /usr/bin/redress serve $conf --listen "127.0.0.1:$port" --sweep-interval 0 \
    >"$tmp/serve.log" 2>&1) &
pid=$!
for i in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log"; fail "serve exited"; }
    sleep 0.1
done
curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null || { cat "$tmp/serve.log"; fail "health"; }
curl -sf "http://127.0.0.1:$port/" | grep -qi '<html' || fail "the web UI built into the binary"
curl -sf "http://127.0.0.1:$port/api/v1/auth/login" -d '{"username":"admin","password":"Deb-install-check-42"}' |
    grep -q '"token"' || fail "sign-in"
echo "test-deb: $deb installs; the installed binary inits, serves the API and the web UI from /"
