#!/usr/bin/env bash
# A quick throughput figure for POST /v1/chat (issue 2): the instant provider double called
# directly (Ollama /api/chat) versus through chat-service with persistence on (journaled writes
# to a local SecantusDB), both driven by wrk with the same connections and duration.
# The full benchmark (fixed-rate latency, streaming, spooling, plots) is a later issue.
#   bench/quick-rps.sh [DURATION_SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
connections=${2:-64}

scripts/bootstrap.sh >/dev/null
swift build -c release --product chat-service >/dev/null
swift build -c release --product provider-double >/dev/null
bin=$(swift build -c release --show-bin-path)

db_port=27941; svc_port=18941
datadir=$(mktemp -d /tmp/chat-bench-db.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; scripts/mongo.sh stop "$db_port" >/dev/null 2>&1 || true; rm -rf "$datadir"; }
trap cleanup EXIT

scripts/mongo.sh start "$db_port" "$datadir" >/dev/null
coproc DOUBLE { exec "$bin/provider-double" --port 0 --no-record; }
pids+=("$DOUBLE_PID")
read -r line <&"${DOUBLE[0]}"
double_port=${line##* }
PORT=$svc_port MONGODB_URI="mongodb://127.0.0.1:$db_port" MONGODB_DATABASE=bench PROVIDERS=ollama \
    OLLAMA_BASE_URL="http://127.0.0.1:$double_port" LOG_LEVEL=warning "$bin/chat-service" >/tmp/chat-bench-service.log 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do curl -sf "localhost:$svc_port/health" >/dev/null && break; sleep 0.1; done

direct_body='{"model":"llama3.2","messages":[{"role":"user","content":"What is SSE?"}],"stream":false}'
chat_body='{"userId":"bench","prompt":"What is SSE?"}'
run() { wrk -t2 -c"$connections" -d"${duration}s" -s bench/post.lua "$1" -- "$2" "$3" | grep RESULT; }

echo "warming up"; run "http://127.0.0.1:$svc_port" /v1/chat "$chat_body" >/dev/null
echo "direct  (double /api/chat):        $(run "http://127.0.0.1:$double_port" /api/chat "$direct_body")"
echo "through (chat-service /v1/chat):   $(run "http://127.0.0.1:$svc_port" /v1/chat "$chat_body")"
echo "cpu during a through run (top, %CPU of one core):"
(sleep 5; top -b -n 1 -w 200 | sed -n '7,12p') &
top_pid=$!
run "http://127.0.0.1:$svc_port" /v1/chat "$chat_body" >/dev/null
wait "$top_pid"
echo "documents stored: $(.venv/bin/python -c "import pymongo;print(pymongo.MongoClient(port=$db_port).bench.interactions.count_documents({}))")"
