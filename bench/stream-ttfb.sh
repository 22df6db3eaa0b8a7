#!/usr/bin/env bash
# Added latency of a streamed first token through chat-service versus the provider double
# directly (median and p99 over N requests each, default 1000). Release builds, a throw-away
# SecantusDB (persistence on), the double as the OpenAI-compatible upstream.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-1000}
scripts/bootstrap.sh >/dev/null
swift build -c release --product chat-service >/dev/null 2>&1
swift build -c release --product provider-double >/dev/null 2>&1
bin=$(swift build -c release --show-bin-path)
db_port=27942; svc_port=18942
datadir=$(mktemp -d /tmp/chat-ttfb-db.XXXXXX); spool=$(mktemp -d /tmp/chat-ttfb-spool.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; scripts/mongo.sh stop "$db_port" >/dev/null 2>&1 || true; rm -rf "$datadir" "$spool"; }
trap cleanup EXIT
scripts/mongo.sh start "$db_port" "$datadir" >/dev/null
coproc DOUBLE { exec "$bin/provider-double" --port 0 --no-record; }
pids+=("$DOUBLE_PID")
read -r line <&"${DOUBLE[0]}"
double_port=${line##* }
PORT=$svc_port MONGODB_URI="mongodb://127.0.0.1:$db_port" MONGODB_DATABASE=ttfb SPOOL_DIR="$spool" PROVIDERS=openai \
    OPENAI_BASE_URL="http://127.0.0.1:$double_port/v1" OPENAI_MODEL=gpt-4o-mini LOG_LEVEL=warning \
    "$bin/chat-service" >/tmp/chat-ttfb-service.log 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do curl -sf "localhost:$svc_port/health" >/dev/null && break; sleep 0.1; done
.venv/bin/python bench/stream_ttfb.py "$requests" "$double_port" "$svc_port"
