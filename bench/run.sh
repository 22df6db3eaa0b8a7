#!/usr/bin/env bash
# The issue-6 benchmark in one command (also `make bench`): release build, bootstrap, a throw-away
# SecantusDB, the instant provider double and chat-service, then every scenario side by side
# (bench/bench.py: wrk max RPS, hey fixed-rate latency, streaming TTFB, a soak, MongoDB down),
# JSON in bench/results/latest.json, a Markdown table in bench/results/latest.md (also printed)
# and the plot docs/benchmark-latency.png (bench/report.py).
#   bench/run.sh
# Knobs (environment): BENCH_SECONDS (per measurement, default 10), BENCH_RATES (default
# 100,500,1000,2000), BENCH_SOAK_SECONDS (default 120; 300 for the issue's 5-minute leak check),
# BENCH_SOAK_RATE (default 1000), BENCH_STREAM_REQUESTS (default 500), BENCH_CONNECTIONS (wrk,
# default 64), BIN (a directory with release chat-service and provider-double: skips the build).
# Defaults take about 7 minutes on 2 cores. The binaries are copied to a temporary directory first,
# so a concurrent rebuild cannot swap them mid-run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh >/dev/null
bin=$(mktemp -d /tmp/chat-bench-bin.XXXXXX)
trap 'rm -rf "$bin"' EXIT
if [ -z "${BIN:-}" ]; then
    echo "[bench] building release binaries" >&2
    swift build -c release --product chat-service >/dev/null
    swift build -c release --product provider-double >/dev/null
    BIN=$(swift build -c release --show-bin-path)
fi
cp "$BIN/chat-service" "$BIN/provider-double" "$bin/"
# chat-service reads openapi.yaml from its resource bundle beside the binary.
cp -R "$BIN"/*.resources "$bin/"
started=$(date +%s)
BIN=$bin .venv/bin/python bench/bench.py
.venv/bin/python bench/report.py "${BENCH_OUT:-bench/results/latest.json}"
echo "[bench] done in $(( $(date +%s) - started )) s" >&2
