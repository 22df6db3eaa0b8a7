# Sourced by the bench scripts (not run on its own): builds the release binaries unless BIN is
# set, and starts the stack every benchmark measures against — a throw-away SecantusDB (through
# scripts/mongo.sh, the shell front of scripts/secantus.py), the instant provider double and
# chat-service — stopping all of it on exit.
#
#   source bench/stack.sh
#   bench_build                                   # sets BIN
#   bench_start DB_PORT SVC_PORT NAME [VAR=value ...]
#       sets: work (temp dir), double_port, svc_pid; the service's own settings may override the
#       defaults (PROVIDERS=ollama pointed at the double, LOG_LEVEL=warning), and @DOUBLE@ in
#       them stands for the double's base URL; its log is $work/service.log.

bench_pids=()
bench_db_port=""
work=""

bench_cleanup() {
    for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -n "$bench_db_port" ] && scripts/mongo.sh stop "$bench_db_port" >/dev/null 2>&1 || true
    [ -n "$work" ] && rm -rf "$work"
    return 0
}
trap bench_cleanup EXIT

bench_build() {
    scripts/bootstrap.sh >/dev/null
    if [ -z "${BIN:-}" ]; then
        swift build -c release --product chat-service >/dev/null
        swift build -c release --product provider-double >/dev/null
        BIN=$(swift build -c release --show-bin-path)
    fi
}

bench_start() {
    local db_port=$1 svc_port=$2 name=$3
    shift 3
    work=$(mktemp -d "/tmp/chat-bench-$name.XXXXXX")
    bench_db_port=$db_port
    scripts/mongo.sh start "$db_port" "$work/db" >/dev/null
    coproc DOUBLE { exec "$BIN/provider-double" --port 0 --no-record; }
    bench_pids+=("$DOUBLE_PID")
    local line
    read -r line <&"${DOUBLE[0]}"
    double_port=${line##* }
    local settings=()
    for setting in "$@"; do settings+=("${setting//@DOUBLE@/http://127.0.0.1:$double_port}"); done
    env PORT="$svc_port" MONGODB_URI="mongodb://127.0.0.1:$db_port" MONGODB_DATABASE=bench \
        SPOOL_DIR="$work/spool" PROVIDERS=ollama OLLAMA_BASE_URL="http://127.0.0.1:$double_port" \
        LOG_LEVEL=warning "${settings[@]}" "$BIN/chat-service" >"$work/service.log" 2>&1 &
    svc_pid=$!
    bench_pids+=("$svc_pid")
    for _ in $(seq 1 100); do curl -sf "localhost:$svc_port/health" >/dev/null && return 0; sleep 0.1; done
    echo "[bench] chat-service did not start; its log:" >&2
    cat "$work/service.log" >&2
    return 1
}
