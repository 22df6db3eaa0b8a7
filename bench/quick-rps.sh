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

source bench/stack.sh
bench_build
db_port=27941; svc_port=18941
bench_start "$db_port" "$svc_port" rps

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
