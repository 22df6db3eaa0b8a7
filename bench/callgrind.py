#!/usr/bin/env python3
"""Instructions per `/v1/chat` request, by function (issue 10, item 4): chat-service (release) under
`valgrind --tool=callgrind` against the instant upstream (nginx, bench/upstream.py) and SecantusDB
(scripts/secantus.py). Instruction counts do not depend on what else the machine runs, so two
builds measured minutes apart on a busy machine compare like for like; wall time under callgrind
is ~50x native and means nothing.

    bench/callgrind.py [--bin DIR] [--mode disk|process|mongo] [--requests 2000] [--concurrency 8]
                       [--warmup 300] [--out DIR]

Warms the service up (connection pools, caches, the first segment), zeroes callgrind's counters,
sends REQUESTS `POST /v1/chat` over CONCURRENCY keep-alive connections, waits until the shipper
has put every record in MongoDB (/ready's lag is 0), dumps the counters and stops everything.
The dump is OUT/callgrind.out.MODE.1 (OUT defaults to /tmp/chat-callgrind); `callgrind_annotate --inclusive=yes` reads it, and
bench/callgrind_summary.py groups it per request by component.
"""

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, HERE)
import secantus  # noqa: E402
import upstream  # noqa: E402

# valgrind 3.19 (Debian 12) edits the signal mask handed to rt_sigsuspend in place; libdispatch's
# main thread (dispatch_main, under Swift's async main) passes a read-only one and valgrind dies
# with SIGSEGV. Preloading this hands the kernel a writable copy instead.
SIGSUSPEND_SHIM = r"""
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, 8);
}
"""

BODY = json.dumps({"userId": "bench", "prompt": "What is SSE?"})


def drive(port, requests, concurrency):
    """Sends `requests` POSTs over `concurrency` keep-alive connections; returns the status counts."""
    counts = {}
    lock = threading.Lock()
    left = [requests]

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if left[0] == 0:
                    break
                left[0] -= 1
            conn.request("POST", "/v1/chat", BODY, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            with lock:
                counts[response.status] = counts.get(response.status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts


def lag(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=30) as r:
        ready = json.loads(r.read())
    return ready.get("lag", {}).get("records", 0)


def wait_http(url, proc, seconds=300):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("chat-service exited")
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError("chat-service did not answer")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release"))
    parser.add_argument("--mode", default="disk")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--out", default="/tmp/chat-callgrind")  # dumps are tens of MB: kept out of the tree
    parser.add_argument("--port", type=int, default=18981)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="chat-callgrind.")
    out_file = os.path.join(os.path.abspath(args.out), f"callgrind.out.{args.mode}")
    # valgrind 3.19 cannot read the DWARF 5 of a Swift 6 binary: profile a copy without it (the
    # symbol table stays, so callgrind still names every function).
    binary = os.path.join(work, "chat-service")
    subprocess.run(["objcopy", "--strip-debug", os.path.join(args.bin, "chat-service"), binary], check=True)
    with open(os.path.join(work, "shim.c"), "w") as f:
        f.write(SIGSUSPEND_SHIM)
    shim = os.path.join(work, "libsigsuspend.so")
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", shim, os.path.join(work, "shim.c")], check=True)
    up = upstream.Upstream(secantus.free_port(), work).start()
    db = secantus.start(0, os.path.join(work, "db"))
    svc = None
    try:
        env = dict(os.environ, PORT=str(args.port), MONGODB_URI=f"mongodb://127.0.0.1:{db.port}",
                   MONGODB_DATABASE=f"callgrind_{args.mode}", SPOOL_DIR=os.path.join(work, "log"),
                   LOG_LEVEL="warning", DURABILITY=args.mode, PROVIDERS="ollama", OLLAMA_BASE_URL=up.url,
                   REQUEST_TIMEOUT_MS="120000", PROVIDER_TIMEOUT_MS="60000", LD_PRELOAD=shim)
        svc = subprocess.Popen(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", "--dump-instr=no",
             "--collect-jumps=no", binary],
            env=env, stdin=subprocess.DEVNULL, stdout=open(os.path.join(work, "service.log"), "w"),
            stderr=subprocess.STDOUT)
        wait_http(f"http://127.0.0.1:{args.port}/health", svc)
        warm = drive(args.port, args.warmup, args.concurrency)
        while lag(args.port) > 0:
            time.sleep(0.5)
        subprocess.run(["callgrind_control", "-z", str(svc.pid)], check=True, stdout=subprocess.DEVNULL)
        started = time.time()
        counts = drive(args.port, args.requests, args.concurrency)
        waited = time.time()
        while lag(args.port) > 0:
            time.sleep(0.2)
        subprocess.run(["callgrind_control", "-d", str(svc.pid)], check=True, stdout=subprocess.DEVNULL)
        print(json.dumps({"mode": args.mode, "requests": args.requests, "concurrency": args.concurrency,
                          "warmup": warm, "statuses": counts, "seconds": round(waited - started, 1),
                          "dump": out_file}))
    finally:
        if svc and svc.poll() is None:
            svc.send_signal(signal.SIGTERM)
            try:
                svc.wait(60)
            except subprocess.TimeoutExpired:
                svc.kill()
                svc.wait()
        db.stop()
        up.stop()


if __name__ == "__main__":
    main()
