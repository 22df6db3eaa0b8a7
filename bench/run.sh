#!/usr/bin/env bash
# The issue-10 benchmark in one command (also `make bench`): every scenario side by side in one run
# (bench/bench.py; method and results in docs/benchmarks.md), then the table and the plot
# (bench/report.py): bench/results/latest.json, bench/results/latest.md, docs/benchmark-latency.png.
#   bench/run.sh
# It installs what it needs and is missing: the project venv (scripts/bootstrap.sh), nginx (the
# instant upstream, Debian nginx-light), the bench's own venv bench/.venv with the LiteLLM proxy and
# matplotlib (git-ignored; first time ~2 minutes), and compiles bench/openloop.c (the open-loop client).
# Knobs (environment; defaults take ~13 minutes on 2 cores plus the release build):
#   BENCH_SECONDS 10 (per measurement)      BENCH_RATES 100,1000 (open-loop rates)
#   BENCH_MODES mongo,disk,process          BENCH_FAULT_MODES disk,process   BENCH_FAULT_RATES 100,1000
#   BENCH_SOAK_SECONDS 60 (300 for the issue's 5-minute soak)  BENCH_SOAK_RATE 1000
#   BENCH_SHIP_SECONDS 60  BENCH_SHIP_RATES 500,1000,2000  BENCH_SHIP_MAX_LAG 2.0 (seconds)
#   BENCH_CONNECTIONS 32 (wrk)  BENCH_OPEN_CONNECTIONS 64  BENCH_STREAM_REQUESTS 300
#   BENCH_LITELLM 1 (0 skips the peer)  BENCH_LITELLM_RATES 50,100  BENCH_OUT bench/results/latest.json
#   BENCH_LIMITS 1 (0 skips keys-and-limits)  BENCH_ONLY=limits (that scenario alone; no report/plot)
#   BENCH_ONLY=connections (BENCH_SLOW_CALLS 256 concurrent BENCH_SLOW_DELAY_MS 2000 calls through one
#   provider, the provider-double; alone, no report/plot)
#   BIN=<dir with a release chat-service and its .resources> skips the build.
# The binary is copied to a temporary directory first, so a concurrent rebuild cannot swap it mid-run.
set -euo pipefail
cd "$(dirname "$0")/.."
LITELLM_SPEC=${LITELLM_SPEC:-'litellm[proxy]'}

scripts/bootstrap.sh >/dev/null
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    echo "[bench] installing nginx (the instant upstream)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }
fi
for tool in wrk cc; do
    command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$([ "$tool" = cc ] && echo gcc || echo "$tool")" >/dev/null
done
if [ "${BENCH_LITELLM:-1}" != 0 ] && [ ! -x bench/.venv/bin/litellm ] || [ ! -x bench/.venv/bin/python ] \
    || ! bench/.venv/bin/python -c 'import matplotlib' 2>/dev/null; then
    echo "[bench] creating bench/.venv (LiteLLM proxy, matplotlib)" >&2
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install -q "$LITELLM_SPEC" matplotlib
fi

bin=$(mktemp -d /tmp/chat-bench-bin.XXXXXX)
trap 'rm -rf "$bin"' EXIT
if [ -z "${BIN:-}" ]; then
    echo "[bench] building the release binary" >&2
    swift build -c release --product chat-service >/dev/null
    BIN=$(swift build -c release --show-bin-path)
fi
cp "$BIN/chat-service" "$bin/"
# BENCH_ONLY=connections needs the slow upstream, the provider double, from the same build.
if [ "${BENCH_ONLY:-}" = connections ] && [ ! -x "$BIN/provider-double" ]; then
    echo "[bench] building the release provider-double" >&2
    swift build -c release --product provider-double >/dev/null
    cp "$(swift build -c release --show-bin-path)/provider-double" "$bin/"
elif [ -x "$BIN/provider-double" ]; then
    cp "$BIN/provider-double" "$bin/"
fi
# chat-service reads openapi.yaml from its resource bundle beside the binary.
cp -R "$BIN"/*.resources "$bin/"
cc -O2 -o "$bin/openloop" bench/openloop.c

export BENCH_COMMIT=$(git rev-parse --short HEAD)
export BENCH_DIRTY=$(git status --porcelain -- Sources Package.swift | wc -l)
started=$(date +%s)
BIN=$bin .venv/bin/python bench/bench.py
if [ -z "${BENCH_ONLY:-}" ]; then
    bench/.venv/bin/python bench/report.py "${BENCH_OUT:-bench/results/latest.json}"
fi
echo "[bench] done in $(( $(date +%s) - started )) s" >&2
