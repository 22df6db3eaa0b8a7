#!/usr/bin/env bash
# CPU profile of chat-service on the POST /v1/chat path (issue 6, item 4): release binaries, a
# throw-away SecantusDB (persistence on), the instant provider double, hey at a fixed rate, and
# `perf record` (user space, DWARF call graphs) attached to the service for the load's duration.
# Prints the top functions by inclusive ("children") and by self cost; keeps perf.data in
# bench/results/ (git-ignored size: tens of MB).
#   bench/profile.sh [RATE (default 500)] [SECONDS (default 10)]
# Set BIN to a directory holding release chat-service and provider-double to skip the build.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-500}
seconds=${2:-10}

source bench/stack.sh
bench_build
db_port=27971; svc_port=18971
out=bench/results/profile; mkdir -p "$out"
bench_start "$db_port" "$svc_port" profile
svc=$svc_pid

body='{"userId":"bench","prompt":"What is SSE?"}'
workers=$(( rate / 25 < 2 ? 2 : rate / 25 ))
hey -z 3s -c "$workers" -q 25 -m POST -T application/json -d "$body" "http://127.0.0.1:$svc_port/v1/chat" >/dev/null  # warm-up
hey -z "$((seconds + 2))s" -c "$workers" -q 25 -m POST -T application/json -d "$body" "http://127.0.0.1:$svc_port/v1/chat" \
    >"$out/hey.txt" &
hey_pid=$!; pids+=("$hey_pid")
sleep 1
perf record -q -e cpu-clock:u -F 999 --call-graph dwarf,16384 -p "$svc" -o "$out/perf.data" -- sleep "$seconds" 2>/dev/null
wait "$hey_pid" || true
grep -E "Requests/sec|99%|50%" "$out/hey.txt" || true
perf report -i "$out/perf.data" --children --no-demangle -g none --percent-limit 2 --stdio 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | swift demangle --simplified >"$out/children.txt"
perf report -i "$out/perf.data" --no-children --no-demangle -g none --percent-limit 0.7 --stdio 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | swift demangle --simplified >"$out/self.txt"
perf report -i "$out/perf.data" --no-children --no-demangle -g none --sort dso --stdio 2>/dev/null \
    | grep -v '^#' | grep -v '^$' >"$out/dso.txt"
echo "== by shared object"; head -15 "$out/dso.txt"
echo "== inclusive (children)"; head -60 "$out/children.txt" | cut -c1-220
echo "== self"; head -40 "$out/self.txt" | cut -c1-220
