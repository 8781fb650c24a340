#!/bin/sh
# The ThreadSanitizer run (docs/operations.md, "Tests"): the unit tests given
# before --, then the API tests given after it against build/tsan/redress.
# Any report fails it: the unit tests and the CLI stop at the first one with
# exit code 66, and tests/api/lib.mjs fails a test whose server printed one.
#
#   sh scripts/test-tsan.sh build/tsan/tests/util/test_groupq … -- tests/api/concurrency.test.mjs …
#
# scripts/tsan.supp may suppress reports inside third-party libraries only,
# each with its reason; never Redress's own code.
set -u
TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$(pwd)/scripts/tsan.supp ${TSAN_OPTIONS:-}"
export TSAN_OPTIONS
units=""
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    units="$units $1"
    shift
done
[ $# -gt 0 ] && shift
failed=0
# shellcheck disable=SC2086 # one word per binary
sh scripts/run-unit.sh $units || failed=1
if [ $# -gt 0 ]; then
    REDRESS_BIN=build/tsan/redress node --test --test-concurrency=2 "$@" || failed=1
fi
[ $failed -eq 0 ] && echo "tsan: no data race reported"
exit $failed
