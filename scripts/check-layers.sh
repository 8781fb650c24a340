#!/bin/sh
# Holds the includes of src/ and tests/unit/ to the layering the Makefile
# links (its LAYERS table): a file of layer L — src/L/… or tests/unit/L/… —
# may write `#include "M/…"` only if M is L or a layer L may use; src/main.c
# may include every layer. Each other include of a layer is printed as
#
#   file:line: L includes M/x.h
#
# and fails the check, unless scripts/layers-allowed.txt lists it (debts
# still to pay). An entry of that list that no longer occurs is only noted,
# so the list can be pruned. `make test-layers` runs this with the table:
#
#   sh scripts/check-layers.sh LAYER:USED,USED… …     e.g. core:util util:
set -u
if [ $# -eq 0 ]; then
    echo "usage: sh scripts/check-layers.sh LAYER:USED,… … (make test-layers passes the Makefile's table)" >&2
    exit 2
fi
allowed=scripts/layers-allowed.txt
[ -f "$allowed" ] || allowed=/dev/null

find src tests/unit -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort |
    awk -v table="$*" -v allowed="$allowed" '
BEGIN {
    n = split(table, rows, " ")
    for (i = 1; i <= n; i++) {
        split(rows[i], kv, ":")
        layer[kv[1]] = 1
        ok[kv[1], kv[1]] = 1
        m = split(kv[2], used, ",")
        for (j = 1; j <= m; j++) ok[kv[1], used[j]] = 1
    }
    for (l in layer) ok["main", l] = 1
    # "file: include", one a line; # starts a comment.
    while ((getline line < allowed) > 0) {
        sub(/#.*/, "", line)
        entry = line
        gsub(/[ \t]+/, "", line)
        if (line == "") continue
        sub(/^[ \t]+/, "", entry)
        sub(/[ \t]+$/, "", entry)
        debt[line] = entry
    }
    bad = 0
}
{
    file = $0
    split(file, part, "/")
    if (file == "src/main.c") own = "main"
    else if (part[1] == "src" && part[3] != "") own = part[2]
    else if (part[1] == "tests" && part[4] != "") own = part[3]
    else next # tests/unit/testutil.h: shared by every layer of tests
    if (!(own in layer) && own != "main") {
        printf "%s: %s is not a layer (add it to LAYERS in the Makefile)\n", file, own
        bad = 1
        next
    }
    ln = 0
    while ((getline line < file) > 0) {
        ln++
        if (line !~ /^[ \t]*#[ \t]*include[ \t]*"[^"\/]+\//) continue
        inc = line
        sub(/^[ \t]*#[ \t]*include[ \t]*"/, "", inc)
        sub(/".*/, "", inc)
        to = inc
        sub(/\/.*/, "", to)
        if (!(to in layer) || ok[own, to]) continue
        if ((file ":" inc) in debt) {
            seen[file ":" inc] = 1
            continue
        }
        printf "%s:%d: %s includes %s\n", file, ln, own, inc
        bad = 1
    }
    close(file)
}
END {
    for (d in debt)
        if (!(d in seen))
            printf "note: %s: \"%s\" no longer occurs; remove it from the list\n", allowed, debt[d]
    if (bad) print "layers: an include above its layer (the Makefile LAYERS table; scripts/layers-allowed.txt for old debts)"
    else print "layers: every include is at or below its layer"
    exit bad
}'
