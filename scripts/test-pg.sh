#!/bin/sh
# make test-pg: the whole API suite (tests/api/) against a private
# PostgreSQL 15 (scripts/pg.sh), each test file on a database of its own
# (tests/api/lib.mjs); then the database-restart test alone, since it takes
# the server away from every database; then the tests of concurrency,
# numbering, crashes and two nodes again through a pgbouncer in transaction
# mode made from docs/deploy/pgbouncer.ini, with db-prepared = off. The
# servers are stopped and their directory removed at the end, also when
# tests fail or on Ctrl-C.
set -eu
tmp=$(mktemp -d /tmp/redress-pg.XXXXXX)
cleanup() {
    sh scripts/pg.sh stop "$tmp" || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
url=$(sh scripts/pg.sh start "$tmp")
echo "PostgreSQL $(psql -X -A -t -d "$url" -c 'SHOW server_version') at $url (fsync $(psql -X -A -t -d "$url" -c 'SHOW fsync'))"
export REDRESS_TEST_DB_URL="$url"
export REDRESS_BIN="${REDRESS_BIN:-build/san/redress}"
status=0
# The store's unit tests that take a PostgreSQL database, on one of their own.
psql -X -q -d "$url" -c 'CREATE DATABASE redress_unit' >/dev/null
REDRESS_TEST_PG_URL="${url%/*}/redress_unit" build/san/tests/store/test_driver || status=1
# The store's tests through its named operations, each on the emptied database.
psql -X -q -d "$url" -c 'CREATE DATABASE redress_unit_app' >/dev/null
REDRESS_TEST_PG_URL="${url%/*}/redress_unit_app" build/san/tests/app/test_store || status=1
node --test --test-concurrency=2 tests/api/ || status=1
REDRESS_TEST_PG_RESTART="sh scripts/pg.sh restart $tmp" node --test tests/api/pgrestart.test.mjs || status=1
if command -v pgbouncer >/dev/null 2>&1; then
    burl=$(sh scripts/pg.sh bouncer "$tmp")
    echo "pgbouncer (transaction pooling, docs/deploy/pgbouncer.ini) at $burl; db-prepared = off"
    REDRESS_TEST_DB_URL="$burl" REDRESS_DB_PREPARED=off node --test --test-concurrency=2 \
        tests/api/intake.test.mjs tests/api/concurrency.test.mjs tests/api/crash.test.mjs \
        tests/api/twonode.test.mjs || status=1
else
    echo "pgbouncer not installed: the tests through it are skipped (sh scripts/deps.sh)"
fi
[ $status -eq 0 ] || { echo "--- PostgreSQL log (tail) ---"; tail -n 40 "$tmp/server.log" || true; }
exit $status
