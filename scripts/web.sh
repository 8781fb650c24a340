#!/bin/sh
# Builds the web UI into web/dist when its sources exist.
set -eu
if [ ! -f web/package.json ]; then
    echo "web/: no UI sources; the server shows a placeholder page"
    exit 0
fi
cd web
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
# Each text file of the build beside its gzip (-n: no name or time in it, so
# a rebuild gives the same bytes): the server sends that to a browser that
# takes gzip, a third or less of the bytes, without compressing anything
# while it serves (http/server.c).
find dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' -o -name '*.json' \) \
    -size +1k -exec gzip -9 -n -k -f {} +
