#!/usr/bin/env bash
# Runs chat-service on a fresh Debian machine, installing what is missing first.
# Unless MONGODB_URI is set, it also starts the embedded development database (SecantusDB,
# data in ./data/db, port 27017) and stops it again when the service exits.
# Every other setting comes from the environment (see README: Configuration).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

started_db=""
if [ -z "${MONGODB_URI:-}" ]; then
    scripts/mongo.sh start 27017 ./data/db
    started_db=1
fi

echo "[run] building chat-service (release; the first build takes several minutes)"
swift build -c release --product chat-service 2>&1 | grep -E "error|warning:|Build complete" || true
binary=$(swift build -c release --show-bin-path)/chat-service
[ -x "$binary" ] || { echo "[run] build failed" >&2; exit 1; }

child=""
stop() {
    [ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null || true
    [ -n "$started_db" ] && scripts/mongo.sh stop 27017 || true
}
trap stop EXIT
trap 'exit 0' INT TERM
echo "[run] starting $binary"
"$binary" &
child=$!
wait "$child"
