#!/bin/sh
# Installs the Debian packages Redress builds and tests with, when missing,
# and the web UI's npm packages. Safe to run again: it only installs what is
# not there.
set -eu
# postgresql: the server `make test-pg` runs the API suite on (libpq-dev is the
# client library the binary links). nginx, haproxy, pgbouncer, patroni, openssl:
# `make test` checks (and pgbouncer runs) the example configurations in
# docs/deploy/; installing them starts no service. clang, libclang-rt-14-dev:
# the libFuzzer harnesses of tests/fuzz (`make fuzz`, and `make test` runs them
# over their corpus). libmimalloc-dev: the release binary's allocator (see the
# Makefile). adduser, curl, systemd: the Debian package's install test (make
# test-deb; the package depends on adduser, the test asks systemd-analyze).
# libxlsxwriter-dev: the XLSX exports (src/util/sheet.c).
# libmagic-dev: the type of an attachment, read from its content (src/app/attachments.c).
# libopencc-dev: Traditional to Simplified folding of the search index.
# libcurl4-openssl-dev: the e-mail of notifications (jobs/deliver.c);
# python3-aiosmtpd: the mail server tests/api/notify.test.mjs delivers to.
# libzip-dev, libexpat1-dev: the XLSX ledgers `redress import` reads (src/util/sheetin.c).
# libgmime-3.0-dev: the e-mail the intake fetches, read (src/util/mailmsg.c);
# dovecot-imapd: the IMAP server tests/api/mailin.test.mjs starts (no service is started).
# pngquant: `make screenshots` reduces the README's screenshots to a palette.
PKGS="build-essential pkg-config libsqlite3-dev libmicrohttpd-dev libjansson-dev libsodium-dev libmimalloc-dev \
libcmocka-dev libcurl4-openssl-dev libxlsxwriter-dev libmagic-dev libpq-dev libopencc-dev postgresql sqlite3 nodejs npm chromium fonts-noto-cjk wrk hyperfine \
nginx haproxy pgbouncer patroni openssl clang libclang-rt-14-dev adduser curl systemd python3-aiosmtpd \
libzip-dev libexpat1-dev libgmime-3.0-dev dovecot-imapd pngquant"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# nodejs may come from elsewhere than Debian; a working node and npm are enough.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    missing=$(echo "$missing" | sed -e 's/ nodejs//' -e 's/ npm//')
fi
if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
    echo "installing:$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# Again when the lock file changed since node_modules was installed (npm keeps
# its own copy of the lock in node_modules/.package-lock.json).
if [ -f web/package-lock.json ] && { [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; }; then
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
