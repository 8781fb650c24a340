#!/bin/sh
# Runs every unit-test binary; fails if any fails, after running them all.
set -u
failed=0
for t in "$@"; do
    echo "== $t"
    "$t" || failed=1
done
exit $failed
