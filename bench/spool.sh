#!/usr/bin/env bash
# Spool figures (issue 3) with release binaries: POST /v1/chat latency with MongoDB up versus
# while MongoDB is down and every chat is spooled (append + group-commit fsync), then how fast the
# drainer replays the spool into SecantusDB once it is back.
#   bench/spool.sh [DURATION_SECONDS] [CONNECTIONS]
# Set BIN to a directory holding release chat-service and provider-double to skip the build.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
connections=${2:-32}

source bench/stack.sh
bench_build
db_port=27951; svc_port=18951
bench_start "$db_port" "$svc_port" spool LOG_LEVEL=notice

body='{"userId":"bench","prompt":"What is SSE?"}'
run() { wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/post.lua "http://127.0.0.1:$svc_port" -- /v1/chat "$body" | grep RESULT; }
count() { .venv/bin/python -c "import pymongo;print(pymongo.MongoClient(port=$db_port).bench.interactions.count_documents({}))"; }

echo "warming up"; run >/dev/null
echo "MongoDB up:        $(run)"
scripts/mongo.sh stop "$db_port" >/dev/null
curl -s -o /dev/null "localhost:$svc_port/v1/chat" -H 'content-type: application/json' -d "$body"  # flips to spooling
echo "spooling:          $(run)"
echo "ready while down:  $(curl -s "localhost:$svc_port/ready")"
scripts/mongo.sh start "$db_port" "$work/db" >/dev/null
start=$(date +%s.%N)
for _ in $(seq 1 600); do
    curl -s "localhost:$svc_port/ready" | grep -q '"records":0' && break; sleep 0.1
done
end=$(date +%s.%N)
echo "drained in:        $(echo "$end - $start" | bc) s after the restart (probe back-off included)"
grep -E "draining the spool|spool drained" "$work/service.log" | sed 's/^/  /'
echo "documents stored:  $(count)"
