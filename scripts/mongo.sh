#!/usr/bin/env bash
# Starts or stops the embedded development database: SecantusDB, a MongoDB-wire-compatible
# server, from the project's venv (run scripts/bootstrap.sh first).
#   scripts/mongo.sh start [PORT] [DATA_DIR]   (defaults: 27017, ./data/db)
#   scripts/mongo.sh stop  [PORT]
#   scripts/mongo.sh status [PORT]
# The chat-service binary does not know or care which server it talks to; production uses mongod.
set -euo pipefail
cd "$(dirname "$0")/.."

cmd=${1:-start}
port=${2:-27017}
data=${3:-./data/db}
pidfile="./data/secantusd-$port.pid"
logfile="./data/secantusd-$port.log"
mkdir -p ./data

ping() {
    .venv/bin/python - "$port" <<'PY' >/dev/null 2>&1
import sys, pymongo
c = pymongo.MongoClient(port=int(sys.argv[1]), serverSelectionTimeoutMS=500)
c.admin.command("ping")
PY
}

case "$cmd" in
start)
    if ping; then echo "[mongo] already answering on 127.0.0.1:$port"; exit 0; fi
    mkdir -p "$data"
    nohup .venv/bin/secantusd-py --host 127.0.0.1 --port "$port" --storage-path "$data" \
        --standalone --log-level WARNING >"$logfile" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 100); do
        if ping; then echo "[mongo] SecantusDB up on 127.0.0.1:$port (data: $data, log: $logfile)"; exit 0; fi
        if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            echo "[mongo] SecantusDB exited during start-up; last log lines:" >&2; tail -20 "$logfile" >&2; exit 1
        fi
        sleep 0.2
    done
    echo "[mongo] SecantusDB did not answer on port $port within 20 s" >&2; exit 1
    ;;
stop)
    if [ -f "$pidfile" ]; then
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
        echo "[mongo] stopped SecantusDB on port $port"
    fi
    ;;
status)
    if ping; then echo "up"; else echo "down"; exit 1; fi
    ;;
*) echo "usage: $0 start|stop|status [PORT] [DATA_DIR]" >&2; exit 2 ;;
esac
