#!/usr/bin/env bash
# Runs chat-service on a fresh Debian machine, installing what is missing first.
# Unless MONGODB_URI is set, it also starts the embedded development database (SecantusDB,
# data in ./data/db, port 27017) and stops it again when the service exits.
#
# A real model by default: when you configured no provider (no PROVIDERS, no GEMINI_API_KEY, no
# OPENAI_BASE_URL) and no Ollama answers at OLLAMA_BASE_URL (default http://127.0.0.1:11434), it
# starts a local OpenAI-compatible model server (scripts/local-model.sh: SmolLM2-135M-Instruct via
# llama-cpp-python, chat and embeddings; installed into .venv the first time, which takes several minutes) on
# 127.0.0.1:$LOCAL_MODEL_PORT (default 8081) and runs the service with
#   PROVIDERS=openai OPENAI_BASE_URL=http://127.0.0.1:8081/v1 OPENAI_MODEL=smollm2
# and stops it again on exit. LOCAL_MODEL=off never starts it; LOCAL_MODEL=on always does
# (unless a provider is configured).
# Every other setting comes from the environment (see README: Configuration).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

started_db=""
started_model=""
local_model_port=${LOCAL_MODEL_PORT:-8081}
child=""
stop() {
    if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null || true; fi
    if [ -n "$started_model" ]; then scripts/local-model.sh stop "$local_model_port" || true; fi
    if [ -n "$started_db" ]; then scripts/mongo.sh stop 27017 || true; fi
}
trap stop EXIT
trap 'exit 0' INT TERM

if [ -z "${MONGODB_URI:-}" ]; then
    scripts/mongo.sh start 27017 ./data/db
    started_db=1
fi

# Which model answers: the caller's configuration, else a running Ollama, else the local model.
ollama_url=${OLLAMA_BASE_URL:-http://127.0.0.1:11434}
ollama_url=${ollama_url%/}
local_model=${LOCAL_MODEL:-auto}
if [ -n "${PROVIDERS:-}" ] || [ -n "${GEMINI_API_KEY:-}" ] || [ -n "${OPENAI_BASE_URL:-}" ]; then
    echo "[run] providers: as configured (PROVIDERS=${PROVIDERS:-<default>}${GEMINI_API_KEY:+, GEMINI_API_KEY set}${OPENAI_BASE_URL:+, OPENAI_BASE_URL=$OPENAI_BASE_URL})"
elif [ "$local_model" != "on" ] && tags=$(curl -sf -m 2 "$ollama_url/api/tags" 2>/dev/null); then
    echo "[run] providers: Ollama answers at $ollama_url"
    want=${OLLAMA_MODEL:-llama3.2}
    if ! grep -q "\"name\":\"${want}[:\"]" <<<"${tags// /}"; then
        echo "[run] warning: Ollama has no model \"$want\" yet; pull it with: ollama pull $want" >&2
    fi
elif [ "$local_model" = "off" ]; then
    echo "[run] providers: no provider configured, no Ollama at $ollama_url, LOCAL_MODEL=off: chats will fail until one is reachable" >&2
else
    echo "[run] providers: none configured and no Ollama at $ollama_url: starting the local model (SmolLM2-135M-Instruct)"
    if ! scripts/local-model.sh status "$local_model_port" >/dev/null 2>&1; then started_model=1; fi
    scripts/local-model.sh start "$local_model_port"
    export PROVIDERS=openai
    export OPENAI_BASE_URL="http://127.0.0.1:$local_model_port/v1"
    export OPENAI_MODEL=smollm2
    echo "[run] providers: PROVIDERS=$PROVIDERS OPENAI_BASE_URL=$OPENAI_BASE_URL OPENAI_MODEL=$OPENAI_MODEL"
fi

echo "[run] building chat-service (release; the first build takes several minutes)"
swift build -c release --product chat-service 2>&1 | grep -E "error|warning:|Build complete" || true
binary=$(swift build -c release --show-bin-path)/chat-service
[ -x "$binary" ] || { echo "[run] build failed" >&2; exit 1; }

echo "[run] starting $binary"
"$binary" &
child=$!
wait "$child"
