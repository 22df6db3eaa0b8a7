#!/usr/bin/env bash
# Starts or stops the embedded development database: SecantusDB, a MongoDB-wire-compatible
# server, from the project's venv (run scripts/bootstrap.sh first). A shell front for
# scripts/secantus.py, the one launcher every script, test suite and benchmark uses.
#   scripts/mongo.sh start [PORT] [DATA_DIR]   (defaults: 27017, ./data/db)
#   scripts/mongo.sh stop  [PORT]
#   scripts/mongo.sh status [PORT]
# Pid and log: ./data/secantusd-PORT.pid and ./data/secantusd-PORT.log. `start` leaves a server that
# already answers on PORT alone.
# The chat-service binary does not know or care which server it talks to; production uses mongod.
set -euo pipefail
cd "$(dirname "$0")/.."

cmd=${1:-start}
port=${2:-27017}
data=${3:-./data/db}
pidfile="./data/secantusd-$port.pid"
logfile="./data/secantusd-$port.log"
mkdir -p ./data
launcher() { python3 scripts/secantus.py "$@"; }

case "$cmd" in
start)
    if launcher ping --port "$port"; then echo "[mongo] already answering on 127.0.0.1:$port"; exit 0; fi
    launcher start --port "$port" --data "$data" --log "$logfile" --pidfile "$pidfile" >/dev/null
    echo "[mongo] SecantusDB up on 127.0.0.1:$port (data: $data, log: $logfile)"
    ;;
stop)
    if [ -f "$pidfile" ]; then
        launcher stop --pidfile "$pidfile"
        echo "[mongo] stopped SecantusDB on port $port"
    fi
    ;;
status)
    if launcher ping --port "$port"; then echo "up"; else echo "down"; exit 1; fi
    ;;
*) echo "usage: $0 start|stop|status [PORT] [DATA_DIR]" >&2; exit 2 ;;
esac
