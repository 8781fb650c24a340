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
