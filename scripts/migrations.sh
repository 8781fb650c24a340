#!/bin/sh
# Lists the migrations of one dialect in the order they apply:
#   migrations.sh sqlite|pg
# A migration is written once in src/store/migrations/common/ where the two
# dialects agree, or once in each dialect's folder where they do not; its
# number (NNN_…) orders it. Every number from 001 on must be there exactly
# once, so that both dialects apply the same migrations under the same
# versions (schema_version).
set -eu
dir=src/store/migrations
for f in "$dir"/common/*.sql "$dir/$1"/*.sql; do
    [ -e "$f" ] && printf '%s %s\n' "$(basename "$f")" "$f"
done | sort | awk '
{
    n = substr($1, 1, 3) + 0
    if (n != NR) {
        printf "migrations.sh: %s is migration %d of %s; expected %03d (a number missing or used twice)\n", \
            $2, n, dialect, NR > "/dev/stderr"
        bad = 1
        exit 1
    }
    print $2
}
END { exit bad }' dialect="$1"
