"""The issue-6 benchmark: gateway overhead, throughput, memory and CPU of chat-service against the
instant provider double, every scenario side by side in one run (run it via bench/run.sh).

Phases, in this order, all against one chat-service process (PROVIDERS=ollama, persistence on):
  1. max RPS (wrk, closed loop, bench/post.lua), targets interleaved: the double's /api/chat
     directly, POST /v1/chat, POST /v1/chat/completions (model llama3.2, non-streaming);
  2. fixed-rate latency (hey -q per worker x -c workers, per-request CSV, so p99.9 is computed
     here) at each rate of BENCH_RATES, the three targets back to back at every rate;
  3. streaming time to first content chunk, direct vs through (bench/stream_ttfb.py; a second
     chat-service instance with PROVIDERS=openai so both sides speak the same SSE);
  4. soak: /v1/chat at BENCH_SOAK_RATE for BENCH_SOAK_SECONDS, RSS sampled every 2 s;
  5. MongoDB stopped (scripts/secantus.py: SIGTERM): /v1/chat max RPS and the same fixed rates
     while every chat is spooled to SPOOL_DIR.
CPU of every process (utime+stime from /proc/PID/stat) is sampled around each run, so the report
says who used the two cores; the service's CPU per request is its CPU delta / requests answered.

Environment: BIN (directory with release chat-service and provider-double), BENCH_SECONDS
(per run, default 10), BENCH_RATES (default 100,500,1000,2000), BENCH_SOAK_SECONDS (default 120),
BENCH_SOAK_RATE (default 1000), BENCH_STREAM_REQUESTS (default 500), BENCH_CONNECTIONS (wrk,
default 64), BENCH_OUT (default bench/results/latest.json)."""

import csv
import io
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import secantus  # noqa: E402  (the one SecantusDB launcher)

BIN = os.environ["BIN"]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
RATES = [int(r) for r in os.environ.get("BENCH_RATES", "100,500,1000,2000").split(",")]
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "120"))
SOAK_RATE = int(os.environ.get("BENCH_SOAK_RATE", "1000"))
STREAM_REQUESTS = int(os.environ.get("BENCH_STREAM_REQUESTS", "500"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "bench/results/latest.json"))
DB_PORT, SVC_PORT, STREAM_PORT = 27961, 18961, 18962
TICK = os.sysconf("SC_CLK_TCK")

DIRECT_BODY = json.dumps({"model": "llama3.2", "messages": [{"role": "user", "content": "What is SSE?"}],
                          "stream": False})
CHAT_BODY = json.dumps({"userId": "bench", "prompt": "What is SSE?"})
COMPLETIONS_BODY = json.dumps({"model": "llama3.2", "messages": [{"role": "user", "content": "What is SSE?"}]})


def log(*args):
    print("[bench]", *args, file=sys.stderr, flush=True)


def cpu_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    except (FileNotFoundError, ProcessLookupError):
        return None


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def machine_cpu_ticks():
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    values = [int(v) for v in parts]
    idle = values[3] + values[4]
    return sum(values), idle


class Watch:
    """CPU used by each named process during a block, as % of one core and seconds."""

    def __init__(self, pids):
        self.pids = {k: v for k, v in pids.items() if v}

    def __enter__(self):
        self.t0 = time.monotonic()
        self.c0 = {k: cpu_ticks(p) for k, p in self.pids.items()}
        self.m0 = machine_cpu_ticks()
        return self

    def __exit__(self, *exc):
        self.elapsed = time.monotonic() - self.t0
        self.cpu_seconds = {}
        for k, p in self.pids.items():
            c1 = cpu_ticks(p)
            if c1 is not None and self.c0[k] is not None:
                self.cpu_seconds[k] = (c1 - self.c0[k]) / TICK
        total1, idle1 = machine_cpu_ticks()
        total = total1 - self.m0[0]
        self.machine_busy = round(100 * (1 - (idle1 - self.m0[1]) / total), 1) if total else None

    def summary(self):
        return {"cpu_pct_of_one_core": {k: round(100 * v / self.elapsed, 1) for k, v in self.cpu_seconds.items()},
                "machine_busy_pct": self.machine_busy}


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def wrk(url, path, body, seconds):
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", os.path.join(ROOT, "bench/post.lua"),
                          url, "--", path, body], capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    fields = dict(kv.split("=") for kv in line.split()[1:])
    return {"rps": float(fields["rps"]), "requests": int(fields["requests"]),
            "errors": int(fields["non2xx_or_errors"]),
            "latency_ms": {"p50": float(fields["p50_ms"]), "p90": float(fields["p90_ms"]),
                           "p99": float(fields["p99_ms"]), "p99.9": float(fields["p999_ms"])}}


def hey(url, body, rate, seconds):
    workers = max(2, rate // 25)  # each worker paces itself at 25 req/s (one every 40 ms)
    per_worker = rate / workers
    out = subprocess.run(["hey", "-z", f"{seconds}s", "-c", str(workers), "-q", f"{per_worker:g}", "-m", "POST",
                          "-T", "application/json", "-d", body, "-o", "csv", url],
                         capture_output=True, text=True, check=True).stdout
    times, errors = [], 0
    for row in csv.DictReader(io.StringIO(out)):
        if row["status-code"].startswith("2"):
            times.append(float(row["response-time"]) * 1000)
        else:
            errors += 1
    times.sort()
    return {"offered_rps": rate, "workers": workers, "achieved_rps": round(len(times) / seconds, 1),
            "requests": len(times), "errors": errors,
            "latency_ms": {f"p{p:g}": round(percentile(times, p), 3) for p in (50, 90, 99, 99.9)}}


def post(url, body):
    req = urllib.request.Request(url, data=body.encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read()


def wait_health(port):
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"service on {port} did not become healthy")


def top_snapshot():
    out = subprocess.run(["top", "-b", "-n", "1", "-w", "200"], capture_output=True, text=True).stdout
    return out.splitlines()[6:13]


class Bench:
    def __init__(self):
        self.procs = []
        self.db = None
        self.work = tempfile.mkdtemp(prefix="chat-bench.")
        self.result = {}

    def spawn(self, args, env=None, **kw):
        p = subprocess.Popen(args, env=env, **kw)
        self.procs.append(p)
        return p

    def mongo(self, cmd):
        if cmd == "start":
            self.db = secantus.start(DB_PORT, os.path.join(self.work, "db"))
            self.db_pid = self.db.pid
        else:
            self.db.stop()
            self.db_pid = None

    def service(self, port, extra, logname):
        env = dict(os.environ, PORT=str(port), MONGODB_URI=f"mongodb://127.0.0.1:{DB_PORT}",
                   MONGODB_DATABASE="bench", SPOOL_DIR=os.path.join(self.work, f"spool-{port}"), LOG_LEVEL="warning",
                   **extra)
        p = self.spawn([os.path.join(BIN, "chat-service")], env=env,
                       stdout=open(os.path.join(self.work, logname), "w"), stderr=subprocess.STDOUT)
        wait_health(port)
        return p

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        if self.db is not None:
            self.db.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def pids(self):
        return {"chat-service": self.svc.pid, "provider-double": self.double.pid, "secantusdb": self.db_pid}

    def run(self):
        started = time.time()
        self.mongo("start")
        self.double = self.spawn([os.path.join(BIN, "provider-double"), "--port", "0", "--no-record"],
                                 stdout=subprocess.PIPE, text=True)
        self.double_port = int(self.double.stdout.readline().split()[-1])
        self.svc = self.service(SVC_PORT, {"PROVIDERS": "ollama",
                                           "OLLAMA_BASE_URL": f"http://127.0.0.1:{self.double_port}"}, "service.log")
        direct = f"http://127.0.0.1:{self.double_port}"
        svc = f"http://127.0.0.1:{SVC_PORT}"
        targets = [("direct", direct, "/api/chat", DIRECT_BODY),
                   ("through_chat", svc, "/v1/chat", CHAT_BODY),
                   ("through_completions", svc, "/v1/chat/completions", COMPLETIONS_BODY)]
        for name, url, path, body in targets:  # correctness check before measuring anything
            status, answer = post(url + path, body)
            assert status == 200, (name, status, answer)
        self.result["idle_rss_kb"] = status_kb(self.svc.pid, "VmRSS")
        log("warm-up")
        wrk(svc, "/v1/chat", CHAT_BODY, max(3, SECONDS // 2))
        wrk(svc, "/v1/chat/completions", COMPLETIONS_BODY, max(3, SECONDS // 2))

        log("phase 1: max RPS (wrk closed loop)")
        self.result["max_rps"] = {}
        for name, url, path, body in targets:
            c0 = cpu_ticks(self.svc.pid)
            snap = {}
            with Watch(self.pids()) as w:
                if name == "through_chat":
                    timer = __import__("threading").Timer(SECONDS / 2, lambda: snap.update(top=top_snapshot()))
                    timer.start()
                r = wrk(url, path, body, SECONDS)
            r.update(w.summary())
            if name != "direct":
                r["service_cpu_us_per_request"] = round((cpu_ticks(self.svc.pid) - c0) / TICK / r["requests"] * 1e6, 1)
            if snap:
                r["top"] = snap["top"]
            r["service_rss_kb_after"] = status_kb(self.svc.pid, "VmRSS")
            self.result["max_rps"][name] = r
            log(name, r["rps"], "rps")

        log("phase 2: fixed rates (hey)")
        self.result["fixed_rate"] = {name: [] for name, *_ in targets}
        for rate in RATES:
            for name, url, path, body in targets:
                c0 = cpu_ticks(self.svc.pid)
                with Watch(self.pids()) as w:
                    r = hey(url + path, body, rate, SECONDS)
                r.update(w.summary())
                if name != "direct":
                    r["service_cpu_us_per_request"] = round((cpu_ticks(self.svc.pid) - c0) / TICK / max(1, r["requests"]) * 1e6, 1)
                r["service_rss_kb_after"] = status_kb(self.svc.pid, "VmRSS")
                self.result["fixed_rate"][name].append(r)
                log(rate, name, r["achieved_rps"], r["latency_ms"])
        self.result["overhead_ms"] = {}
        for name in ("through_chat", "through_completions"):
            self.result["overhead_ms"][name] = [
                {"offered_rps": t["offered_rps"],
                 **{p: round(t["latency_ms"][p] - d["latency_ms"][p], 3) for p in d["latency_ms"]}}
                for d, t in zip(self.result["fixed_rate"]["direct"], self.result["fixed_rate"][name])]

        log("phase 3: streaming time to first token")
        stream_svc = self.service(STREAM_PORT, {"PROVIDERS": "openai",
                                                "OPENAI_BASE_URL": f"http://127.0.0.1:{self.double_port}/v1",
                                                "OPENAI_MODEL": "gpt-4o-mini"}, "stream-service.log")
        out = subprocess.run([os.path.join(ROOT, ".venv/bin/python"), os.path.join(ROOT, "bench/stream_ttfb.py"),
                              str(STREAM_REQUESTS), str(self.double_port), str(STREAM_PORT)],
                             capture_output=True, text=True, check=True).stdout
        self.result["stream_ttfb"] = json.loads(out)
        stream_svc.terminate()
        stream_svc.wait(10)
        log(self.result["stream_ttfb"])

        log(f"phase 4: soak, /v1/chat at {SOAK_RATE} RPS for {SOAK_SECONDS} s")
        samples = []
        c0 = cpu_ticks(self.svc.pid)
        with Watch(self.pids()) as w:
            h = subprocess.Popen(["hey", "-z", f"{SOAK_SECONDS}s", "-c", str(max(2, SOAK_RATE // 25)), "-q", "25",
                                  "-m", "POST", "-T", "application/json", "-d", CHAT_BODY, f"{svc}/v1/chat"],
                                 stdout=subprocess.PIPE, text=True)
            self.procs.append(h)
            t0 = time.monotonic()
            while h.poll() is None:
                samples.append([round(time.monotonic() - t0, 1), status_kb(self.svc.pid, "VmRSS")])
                time.sleep(2)
            hey_out = h.stdout.read()
        m = re.search(r"Requests/sec:\s+([\d.]+)", hey_out)
        soak_rps = float(m.group(1)) if m else None
        n = len(samples)
        first = [s[1] for s in samples[n // 10: n // 10 + max(1, n // 5)]]
        last = [s[1] for s in samples[-max(1, n // 5):]]
        self.result["soak"] = {"seconds": SOAK_SECONDS, "offered_rps": SOAK_RATE, "achieved_rps": soak_rps,
                               "rss_kb_samples": samples,
                               "rss_kb_early_mean": round(sum(first) / len(first)),
                               "rss_kb_late_mean": round(sum(last) / len(last)),
                               "status_codes": re.findall(r"\[(\d+)\]\s+(\d+) responses", hey_out),
                               "service_cpu_us_per_request": round((cpu_ticks(self.svc.pid) - c0) / TICK /
                                                                   max(1, soak_rps * SOAK_SECONDS) * 1e6, 1) if soak_rps else None,
                               **w.summary()}
        log("soak", {k: v for k, v in self.result["soak"].items() if k != "rss_kb_samples"})

        log("phase 5: MongoDB down, spooling")
        self.mongo("stop")
        try:
            post(f"{svc}/v1/chat", CHAT_BODY)  # notices the database is gone
        except Exception:
            pass
        time.sleep(1)
        self.result["spool_ready"] = self._ready(svc)
        c0 = cpu_ticks(self.svc.pid)
        with Watch(self.pids()) as w:
            r = wrk(svc, "/v1/chat", CHAT_BODY, SECONDS)
        r.update(w.summary())
        r["service_cpu_us_per_request"] = round((cpu_ticks(self.svc.pid) - c0) / TICK / r["requests"] * 1e6, 1)
        r["service_rss_kb_after"] = status_kb(self.svc.pid, "VmRSS")
        self.result["max_rps"]["through_chat_spooling"] = r
        log("spooling max", r["rps"])
        self.result["fixed_rate"]["through_chat_spooling"] = []
        for rate in RATES:
            c0 = cpu_ticks(self.svc.pid)
            with Watch(self.pids()) as w:
                r = hey(f"{svc}/v1/chat", CHAT_BODY, rate, SECONDS)
            r.update(w.summary())
            r["service_cpu_us_per_request"] = round((cpu_ticks(self.svc.pid) - c0) / TICK / max(1, r["requests"]) * 1e6, 1)
            r["service_rss_kb_after"] = status_kb(self.svc.pid, "VmRSS")
            self.result["fixed_rate"]["through_chat_spooling"].append(r)
            log(rate, "spooling", r["achieved_rps"], r["latency_ms"])
        self.result["spool_ready_after"] = self._ready(svc)

        self.result["peak_rss_kb"] = status_kb(self.svc.pid, "VmHWM")
        self.result["final_rss_kb"] = status_kb(self.svc.pid, "VmRSS")
        self.result["meta"] = {
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "run_seconds": round(time.time() - started),
            "bench_seconds": SECONDS, "rates": RATES, "wrk_connections": CONNECTIONS,
            "cpus": os.cpu_count(), "kernel": platform.release(),
            "cpu_model": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), None),
            "mem_total_kb": status_kb_meminfo(),
            "loadavg_at_start": open("/proc/loadavg").read().split()[:3],
        }

    @staticmethod
    def _ready(svc):
        try:
            return json.loads(urllib.request.urlopen(f"{svc}/ready", timeout=5).read())
        except Exception as e:  # 503 when neither MongoDB nor the spool can take writes
            return {"error": str(e)}


def status_kb_meminfo():
    with open("/proc/meminfo") as f:
        return int(f.readline().split()[1])


def main():
    b = Bench()
    try:
        b.run()
    finally:
        b.cleanup()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(b.result, f, indent=1)
    log("wrote", OUT)


if __name__ == "__main__":
    main()
