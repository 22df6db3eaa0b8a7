#!/usr/bin/env bash
# Added latency of a streamed first token through chat-service versus the provider double
# directly (median and p99 over N requests each, default 1000). Release builds, a throw-away
# SecantusDB (persistence on), the double as the OpenAI-compatible upstream.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-1000}
source bench/stack.sh
BIN=""  # always measure the current code
bench_build
db_port=27942; svc_port=18942
bench_start "$db_port" "$svc_port" ttfb PROVIDERS=openai \
    OPENAI_BASE_URL=@DOUBLE@/v1 OPENAI_MODEL=gpt-4o-mini
.venv/bin/python bench/stream_ttfb.py "$requests" "$double_port" "$svc_port"
