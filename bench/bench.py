"""The issue-10 benchmark: chat-service against an instant upstream, every scenario side by side in
one run (run it via bench/run.sh or `make bench`; docs/benchmarks.md explains the method).

One nginx (bench/upstream.py: fixed bodies in each provider's wire format), one SecantusDB
(scripts/secantus.py) and, per DURABILITY mode, a fresh chat-service process (PROVIDERS=ollama,
its own SPOOL_DIR and database) plus a second one for streaming (PROVIDERS=openai). Per mode:

  closed loop   wrk -c BENCH_CONNECTIONS for BENCH_SECONDS: /v1/chat, /v1/chat/completions
                (service CPU per request = utime+stime delta / requests; VmHWM after it)
  open loop     at each rate of BENCH_RATES (bench/openloop.c, latency from the scheduled send
                time): the upstream directly, /v1/chat, /v1/chat/completions, back to back, so the
                added latency is through minus direct measured seconds apart
  streaming     time to the first content chunk, direct vs through (bench/stream_ttfb.py)
  faults        (modes in BENCH_FAULT_MODES) /v1/chat at BENCH_FAULT_RATES with SecantusDB stopped,
                then with SecantusDB SIGSTOPped (SIGCONT after); then until the log has shipped
  soak          (first fault mode, i.e. disk by default) /v1/chat at BENCH_SOAK_RATE for
                BENCH_SOAK_SECONDS, RSS every 2 s
  shipper       (same mode) /v1/chat at each of BENCH_SHIP_RATES for BENCH_SHIP_SECONDS, /ready's
                lag every second and SecantusDB's CPU; stops at the first rate whose lag is unbounded

plus, once: the upstream's closed-loop max, SecantusDB's own journaled insert latency (pymongo,
j:true, one at a time) and the LiteLLM proxy (bench/.venv, same upstream, no database): closed
loop and open loop at BENCH_LITELLM_RATES. CPU of every process and of the whole machine is read
from /proc around each measurement, so the report says how busy the machine was and with what.

Environment (defaults in brackets): BIN (directory with release chat-service and openloop),
BENCH_SECONDS [10], BENCH_RATES [100,1000], BENCH_MODES [mongo,disk,process], BENCH_FAULT_MODES
[disk,process], BENCH_FAULT_RATES [100,1000], BENCH_CONNECTIONS [32], BENCH_OPEN_CONNECTIONS [64],
BENCH_STREAM_REQUESTS [300], BENCH_SOAK_SECONDS [60], BENCH_SOAK_RATE [1000], BENCH_SHIP_SECONDS
[60], BENCH_SHIP_RATES [500,1000,2000], BENCH_SHIP_MAX_LAG [2.0 s], BENCH_LITELLM [1],
BENCH_LITELLM_RATES [50,100], BENCH_LITELLM_WORKERS [1], BENCH_LIMITS [1] (0 skips the keys-and-limits
scenario), BENCH_ONLY [] (`limits`: only the upstream baseline and that scenario; `connections`: only
the slow-provider scenario below), BENCH_OUT [bench/results/latest.json].

  limits        (once, DURABILITY=disk) one service with ADMIN_API_KEY and two client keys: one
                without limits, one with requestsPerMinute, tokensPerMinute and budgetPerDay set far
                above the load (so every call is admitted but pays the MongoDB counters); open loop
                at each rate, direct / no limits / limits interleaved twice, so the cost of limits
                is the difference between the two keys measured seconds apart.
  tracing       (once, DURABILITY=disk, BENCH_TRACING [1]) two services side by side: one without
                OTEL_EXPORTER_OTLP_ENDPOINT, one exporting every span (OTLP/HTTP protobuf) to a
                sink that answers 200; open loop at each rate, direct / off / on interleaved twice.
  connections   (only with BENCH_ONLY=connections, DURABILITY=disk, default PROVIDER_MAX_CONNECTIONS
                and timeouts) BENCH_SLOW_CALLS [256] concurrent /v1/chat calls to one provider
                (`provider-double`, BENCH_DOUBLE [BIN/provider-double]) answering each after
                BENCH_SLOW_DELAY_MS [2000]: how many are answered 200, in how many attempts, the
                wall time and the latency percentiles (issue 14 row 2)."""

import json
import os
import platform
import resource
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
import secantus  # noqa: E402  (the one SecantusDB launcher)
import upstream  # noqa: E402


def env_list(name, default, cast=str):
    return [cast(x) for x in os.environ.get(name, default).split(",") if x.strip()]


BIN = os.environ["BIN"]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
RATES = env_list("BENCH_RATES", "100,1000", int)
MODES = env_list("BENCH_MODES", "mongo,disk,process")
FAULT_MODES = [m for m in env_list("BENCH_FAULT_MODES", "disk,process") if m in MODES]
FAULT_RATES = env_list("BENCH_FAULT_RATES", "100,1000", int)
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
OPEN_CONNECTIONS = int(os.environ.get("BENCH_OPEN_CONNECTIONS", "64"))
STREAM_REQUESTS = int(os.environ.get("BENCH_STREAM_REQUESTS", "300"))
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "60"))
SOAK_RATE = int(os.environ.get("BENCH_SOAK_RATE", "1000"))
SHIP_SECONDS = int(os.environ.get("BENCH_SHIP_SECONDS", "60"))
SHIP_RATES = env_list("BENCH_SHIP_RATES", "500,1000,2000", int)
SHIP_MAX_LAG = float(os.environ.get("BENCH_SHIP_MAX_LAG", "2.0"))
LITELLM = os.environ.get("BENCH_LITELLM", "1") != "0"
LITELLM_RATES = env_list("BENCH_LITELLM_RATES", "50,100", int)
LITELLM_WORKERS = int(os.environ.get("BENCH_LITELLM_WORKERS", "1"))  # 2: its uvicorn children die at start-up here
LIMITS = os.environ.get("BENCH_LIMITS", "1") != "0"
TRACING = os.environ.get("BENCH_TRACING", "1") != "0"
ONLY = os.environ.get("BENCH_ONLY", "")
SLOW_CALLS = int(os.environ.get("BENCH_SLOW_CALLS", "256"))
SLOW_DELAY_MS = int(os.environ.get("BENCH_SLOW_DELAY_MS", "2000"))
DOUBLE = os.environ.get("BENCH_DOUBLE", os.path.join(BIN, "provider-double"))
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "bench/results/latest.json"))
UP_PORT, SVC_PORT, STREAM_PORT, LITELLM_PORT, DB_PORT = 18960, 18961, 18962, 18963, 27961
TRACED_PORT, OTLP_SINK_PORT = 18964, 18965
BENCH_ADMIN_KEY = "bench-admin-key-0123456789abcdef"
TICK = os.sysconf("SC_CLK_TCK")
PY = os.path.join(ROOT, ".venv/bin/python")
BENCH_VENV = os.path.join(HERE, ".venv")

PROMPT = "What is SSE?"
BODIES = {
    "direct": json.dumps({"model": "llama3.2", "messages": [{"role": "user", "content": PROMPT}], "stream": False}),
    "chat": json.dumps({"userId": "bench", "prompt": PROMPT}),
    "completions": json.dumps({"model": "llama3.2", "messages": [{"role": "user", "content": PROMPT}]}),
    "litellm": json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": PROMPT}]}),
}
PATHS = {"direct": "/api/chat", "chat": "/v1/chat", "completions": "/v1/chat/completions",
         "litellm": "/v1/chat/completions"}


def log(*args):
    print(f"[bench {time.strftime('%H:%M:%S')}]", *args, file=sys.stderr, flush=True)


# --- /proc ---

def cpu_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    except (FileNotFoundError, ProcessLookupError, TypeError):
        return None


def status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def machine_ticks():
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return sum(values), values[3] + values[4]  # total, idle+iowait


def children_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Watch:
    """CPU of each named process group during a block (% of one core), the load generator's (our
    reaped children), the machine's busy % and what the rest of the machine (other sessions'
    builds and tests) used."""

    def __init__(self, groups):
        self.groups = {k: [p for p in v if p] for k, v in groups.items() if v}

    def _read(self):
        return {k: sum(cpu_ticks(p) or 0 for p in v) for k, v in self.groups.items()}

    def __enter__(self):
        self.t0 = time.monotonic()
        self.c0 = self._read()
        self.m0 = machine_ticks()
        self.g0 = children_cpu_seconds()
        self.l0 = os.getloadavg()[0]
        return self

    def __exit__(self, *exc):
        self.elapsed = time.monotonic() - self.t0
        c1 = self._read()
        total1, idle1 = machine_ticks()
        self.cpu_seconds = {k: (c1[k] - self.c0[k]) / TICK for k in self.groups}
        self.cpu_seconds["load generator"] = children_cpu_seconds() - self.g0
        total, idle = total1 - self.m0[0], idle1 - self.m0[1]
        ncpu = os.cpu_count()
        busy_seconds = (total - idle) / TICK  # summed over CPUs
        self.machine_busy = round(100 * (total - idle) / total, 1) if total else None
        ours = sum(self.cpu_seconds.values())
        self.others = round(100 * max(0.0, busy_seconds - ours) / self.elapsed, 1)
        self.ncpu = ncpu
        self.load1 = (self.l0, os.getloadavg()[0])

    def summary(self):
        return {"cpu_pct_of_one_core": {k: round(100 * v / self.elapsed, 1) for k, v in self.cpu_seconds.items()},
                "others_cpu_pct_of_one_core": self.others, "machine_busy_pct": self.machine_busy,
                "loadavg1": [round(x, 2) for x in self.load1]}


# --- load generators ---

def wrk(url, path, body, seconds, connections=None, header=None):
    out = subprocess.run(["wrk", "-t2", f"-c{connections or CONNECTIONS}", f"-d{seconds}s", "-s",
                          os.path.join(HERE, "post.lua"), url, "--", path, body] + ([header] if header else []),
                         capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    fields = dict(kv.split("=") for kv in line.split()[1:])
    return {"rps": float(fields["rps"]), "requests": int(fields["requests"]),
            "errors": int(fields["non2xx_or_errors"]), "connections": connections or CONNECTIONS,
            "latency_ms": {"p50": float(fields["p50_ms"]), "p90": float(fields["p90_ms"]),
                           "p99": float(fields["p99_ms"]), "p99.9": float(fields["p999_ms"])}}


BODY_FILES = {}


def openloop(port, kind, rate, seconds, warmup=1.0, header=None):
    if kind not in BODY_FILES:
        fd, path = tempfile.mkstemp(prefix=f"bench-{kind}-", suffix=".json")
        os.write(fd, BODIES[kind].encode())
        os.close(fd)
        BODY_FILES[kind] = path
    env = dict(os.environ, OPENLOOP_HEADER=header) if header else None
    out = subprocess.run([os.path.join(BIN, "openloop"), "127.0.0.1", str(port), PATHS[kind], BODY_FILES[kind],
                          str(rate), str(seconds), str(OPEN_CONNECTIONS), str(warmup)],
                         capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out)


def brief(r):
    lat = r["latency_ms"]
    return f"{r.get('achieved_rps', r.get('rps'))} rps p50 {lat['p50']:.3f} p99 {lat['p99']:.3f} ms" + (
        f" errors {r['errors']}+{r.get('non2xx', 0)}+{r.get('unfinished', 0)}" if r.get("errors") or r.get("non2xx")
        or r.get("unfinished") else "")


# --- HTTP helpers ---

def get_json(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:  # /ready answers 503 with a body
        try:
            return json.loads(e.read())
        except Exception:
            return {"error": str(e)}
    except Exception as e:
        return {"error": str(e)}


def post(url, body, timeout=10, headers=None):
    req = urllib.request.Request(url, data=body.encode(), headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read()


def wait_http(url, seconds=30, proc=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except Exception:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode} before answering {url}")
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def find_lag(ready):
    """Shipping lag from /ready: {"records": n, "seconds": s} from any object whose key mentions
    lag (the field names are the other engineer's; be tolerant), or None when /ready has none."""
    if not isinstance(ready, dict):
        return None
    for key, value in ready.items():
        if "lag" in key.lower():
            if isinstance(value, dict):
                rec = next((v for k, v in value.items() if "record" in k.lower() and isinstance(v, (int, float))), None)
                sec = next((v for k, v in value.items() if "second" in k.lower() and isinstance(v, (int, float))), None)
                if rec is not None or sec is not None:
                    return {"records": rec, "seconds": sec}
            elif isinstance(value, (int, float)):
                return {"records": value if "record" in key.lower() else None,
                        "seconds": value if "second" in key.lower() else None}
        if isinstance(value, dict):
            found = find_lag(value)
            if found:
                return found
    return None


def otlp_sink(port):
    """An OTLP/HTTP collector stand-in: answers every POST with 200 and counts the bytes."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            self.rfile.read(length)
            self.server.received += length
            proto = self.headers.get("Content-Type", "").startswith("application/x-protobuf")
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf" if proto else "application/json")
            body = b"" if proto else b"{}"
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.received = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def added(through, direct):
    return {p: round(through["latency_ms"][p] - direct["latency_ms"][p], 4)
            for p in ("p50", "p90", "p99", "p99.9") if p in through["latency_ms"] and p in direct["latency_ms"]}


class Bench:
    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="chat-bench.")
        self.procs = []
        self.db = None
        self.up = None
        self.svc = None
        self.r = {"modes": {}, "notes": []}

    # --- processes ---

    def start_db(self):
        self.db = secantus.start(DB_PORT, os.path.join(self.work, "db"))

    def service(self, port, mode, extra, name):
        env = dict(os.environ, PORT=str(port), MONGODB_URI=f"mongodb://127.0.0.1:{DB_PORT}",
                   MONGODB_DATABASE=f"bench_{mode}", SPOOL_DIR=os.path.join(self.work, f"log-{name}"),
                   LOG_LEVEL="warning", DURABILITY=mode, **extra)
        p = subprocess.Popen([os.path.join(BIN, "chat-service")], env=env, stdin=subprocess.DEVNULL,
                             stdout=open(os.path.join(self.work, f"{name}.log"), "w"), stderr=subprocess.STDOUT)
        self.procs.append(p)
        wait_http(f"http://127.0.0.1:{port}/health", proc=p)
        return p

    def stop(self, p, timeout=15):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def groups(self, extra=None):
        g = {"chat-service": [self.svc.pid] if self.svc else [], "upstream (nginx)": self.up.pids() if self.up else [],
             "secantusdb": [self.db.pid] if self.db and self.db.process.poll() is None else []}
        g.update(extra or {})
        return g

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    p.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        if self.db is not None:
            try:
                os.kill(self.db.pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
            self.db.stop()
        if self.up is not None:
            self.up.stop()
        for path in BODY_FILES.values():
            os.unlink(path)
        subprocess.run(["rm", "-rf", self.work])

    # --- measurements ---

    def measured(self, fn, extra_groups=None, service_pid=None):
        """Runs fn() under a Watch; adds CPU figures and the service's CPU per answered request."""
        pid = service_pid or (self.svc.pid if self.svc else None)
        c0 = cpu_ticks(pid) if pid else None
        with Watch(self.groups(extra_groups)) as w:
            r = fn()
        r.update(w.summary())
        if pid:
            answered = r.get("requests") if "rps" in r else r.get("answered_total")
            if answered:
                r["service_cpu_us_per_request"] = round((cpu_ticks(pid) - c0) / TICK / answered * 1e6, 1)
            r["service_rss_kb"] = status_kb(pid, "VmRSS")
            r["service_hwm_kb"] = status_kb(pid, "VmHWM")
        return r

    def ready(self, port=SVC_PORT):
        return get_json(f"http://127.0.0.1:{port}/ready")

    def wait_shipped(self, limit=120):
        """Until /ready reports no shipping lag (or `limit` seconds); returns the seconds it took."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            lag = find_lag(self.ready())
            if lag is None:
                time.sleep(2)
                return None
            if not lag["records"]:
                return round(time.monotonic() - t0, 1)
            time.sleep(0.5)
        return round(time.monotonic() - t0, 1)

    def journaled_insert(self, samples=1000):
        """SecantusDB's own journaled insert latency: pymongo insert_one with j:true, one at a time,
        a 600-byte document (an interaction's size), run in the project venv."""
        code = f"""
import json, time, pymongo
from pymongo.write_concern import WriteConcern
c = pymongo.MongoClient(port={DB_PORT}).bench_probe.get_collection("probe", write_concern=WriteConcern(w=1, j=True))
doc = {{"userId": "bench", "prompt": "x" * 250, "response": "y" * 250}}
for _ in range(50): c.insert_one(dict(doc))
t = []
for _ in range({samples}):
    s = time.perf_counter(); c.insert_one(dict(doc)); t.append((time.perf_counter() - s) * 1000)
t.sort()
print(json.dumps({{"samples": len(t), "p50": t[len(t)//2], "p90": t[int(len(t)*.9)], "p99": t[int(len(t)*.99)], "max": t[-1]}}))
c.database.client.drop_database("bench_probe")
"""
        r = self.measured(lambda: json.loads(subprocess.run([PY, "-c", code], capture_output=True, text=True,
                                                            check=True).stdout), service_pid=None)
        return r

    def stream_ttfb(self, mode):
        svc = self.service(STREAM_PORT, mode, {"PROVIDERS": "openai", "OPENAI_BASE_URL": f"{self.up.url}/sse/v1",
                                               "OPENAI_MODEL": "gpt-4o-mini"}, f"stream-{mode}")
        try:
            out = subprocess.run([sys.executable, os.path.join(HERE, "stream_ttfb.py"), str(STREAM_REQUESTS),
                                  str(UP_PORT), str(STREAM_PORT), "/sse/v1/chat/completions"],
                                 capture_output=True, text=True, check=True).stdout
            return json.loads(out)
        finally:
            self.stop(svc)

    def mode_block(self, mode):
        res = {}
        self.r["modes"][mode] = res
        log(f"== DURABILITY={mode}")
        self.svc = self.service(SVC_PORT, mode, {"PROVIDERS": "ollama", "OLLAMA_BASE_URL": self.up.url}, f"svc-{mode}")
        svc = f"http://127.0.0.1:{SVC_PORT}"
        for kind in ("chat", "completions"):
            status, answer = post(svc + PATHS[kind], BODIES[kind])
            assert status == 200, (kind, status, answer)
        res["ready_idle"] = self.ready()
        res["idle_rss_kb"] = status_kb(self.svc.pid, "VmRSS")
        wrk(svc, "/v1/chat", BODIES["chat"], 3)  # warm-up
        wrk(svc, "/v1/chat/completions", BODIES["completions"], 3)
        res["shipped_after_warmup_s"] = self.wait_shipped()

        res["max_rps"] = {}
        for kind in ("chat", "completions"):
            r = self.measured(lambda: wrk(svc, PATHS[kind], BODIES[kind], SECONDS))
            res["max_rps"][kind] = r
            log(mode, "max", kind, brief(r), f"cpu/req {r.get('service_cpu_us_per_request')} µs",
                f"hwm {r['service_hwm_kb'] // 1024} MiB")
            r["shipped_after_s"] = self.wait_shipped()
        res["hwm_after_max_rps_kb"] = status_kb(self.svc.pid, "VmHWM")

        res["open_loop"] = {"direct": [], "chat": [], "completions": []}
        for rate in RATES:
            for kind in ("direct", "chat", "completions"):
                port = UP_PORT if kind == "direct" else SVC_PORT
                r = self.measured(lambda: openloop(port, kind, rate, SECONDS),
                                  service_pid=None if kind == "direct" else self.svc.pid)
                res["open_loop"][kind].append(r)
                log(mode, rate, kind, brief(r))
            self.wait_shipped()
        res["added_ms"] = {kind: [{"offered_rps": d["offered_rps"], **added(t, d)}
                                  for d, t in zip(res["open_loop"]["direct"], res["open_loop"][kind])]
                           for kind in ("chat", "completions")}

        log(mode, "streaming TTFB")
        res["stream_ttfb"] = self.stream_ttfb(mode)
        log(mode, "ttfb", res["stream_ttfb"]["added_ms"])

        if mode in FAULT_MODES:
            self.faults(mode, res)
            if mode == FAULT_MODES[0]:
                self.soak(res)
                self.shipper(res)
        res["ready_end"] = self.ready()
        res["final_rss_kb"] = status_kb(self.svc.pid, "VmRSS")
        res["final_hwm_kb"] = status_kb(self.svc.pid, "VmHWM")
        t0 = time.monotonic()
        self.stop(self.svc, 60)
        res["shutdown_s"] = round(time.monotonic() - t0, 2)
        res["exit_code"] = self.svc.returncode
        self.svc = None

    def limits(self):
        """The latency a key's limits add (issue 13): the same service, two keys, side by side."""
        log("== keys and limits (DURABILITY=disk)")
        res = self.r["limits"] = {}
        self.svc = self.service(SVC_PORT, "disk", {"PROVIDERS": "ollama", "OLLAMA_BASE_URL": self.up.url,
                                                   "ADMIN_API_KEY": BENCH_ADMIN_KEY}, "svc-limits")
        svc = f"http://127.0.0.1:{SVC_PORT}"
        admin = {"Authorization": f"Bearer {BENCH_ADMIN_KEY}"}
        keys = {}
        for name, limits in (("no_limits", None),
                             ("limits", {"requestsPerMinute": 10_000_000, "tokensPerMinute": 1_000_000_000,
                                         "budgetPerDay": 1_000_000.0})):
            body = {"name": f"bench-{name}"} | ({"limits": limits} if limits else {})
            status, answer = post(svc + "/admin/keys", json.dumps(body), headers=admin)
            assert status == 201, (status, answer)
            keys[name] = json.loads(answer)["key"]
        headers = {name: f"Authorization: Bearer {key}" for name, key in keys.items()}
        for name in keys:
            wrk(svc, "/v1/chat", BODIES["chat"], 3, header=headers[name])  # warm-up, key cache filled
        self.wait_shipped()
        res["open_loop"] = {"direct": [], "no_limits": [], "limits": []}
        for rate in RATES:
            for _ in range(2):
                for kind in ("direct", "no_limits", "limits"):
                    if kind == "direct":
                        r = self.measured(lambda: openloop(UP_PORT, "direct", rate, SECONDS), service_pid=None)
                    else:
                        r = self.measured(lambda: openloop(SVC_PORT, "chat", rate, SECONDS, header=headers[kind]),
                                          service_pid=self.svc.pid)
                    res["open_loop"][kind].append(r)
                    log("limits", rate, kind, brief(r))
                self.wait_shipped()
        res["added_ms"] = {kind: [{"offered_rps": d["offered_rps"], **added(t, d)}
                                  for d, t in zip(res["open_loop"]["direct"], res["open_loop"][kind])]
                           for kind in ("no_limits", "limits")}
        res["limits_minus_no_limits_ms"] = [
            {"offered_rps": a["offered_rps"], **{p: round(b[p] - a[p], 4) for p in ("p50", "p90", "p99", "p99.9")
                                                   if p in a and p in b}}
            for a, b in zip(res["added_ms"]["no_limits"], res["added_ms"]["limits"])]
        log("limits minus no limits (ms)", res["limits_minus_no_limits_ms"])
        self.stop(self.svc, 60)
        self.svc = None

    def tracing(self):
        """What exporting traces costs (issue 14): the same build with and without an OTLP endpoint."""
        log("== traces off / on (DURABILITY=disk)")
        res = self.r["tracing"] = {}
        sink = otlp_sink(OTLP_SINK_PORT)
        base = {"PROVIDERS": "ollama", "OLLAMA_BASE_URL": self.up.url}
        self.svc = self.service(SVC_PORT, "disk", base, "svc-traces-off")
        traced = self.service(TRACED_PORT, "disk", dict(base, OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{OTLP_SINK_PORT}"),
                              "svc-traces-on")
        for port in (SVC_PORT, TRACED_PORT):
            wrk(f"http://127.0.0.1:{port}", "/v1/chat", BODIES["chat"], 3)  # warm-up
        res["open_loop"] = {"direct": [], "off": [], "on": []}
        for rate in RATES:
            for _ in range(2):
                for kind, port, pid in (("direct", UP_PORT, None), ("off", SVC_PORT, self.svc.pid),
                                        ("on", TRACED_PORT, traced.pid)):
                    r = self.measured(lambda: openloop(port, "direct" if kind == "direct" else "chat", rate, SECONDS),
                                      service_pid=pid)
                    res["open_loop"][kind].append(r)
                    log("tracing", rate, kind, brief(r))
        res["added_ms"] = {kind: [{"offered_rps": d["offered_rps"], **added(t, d)}
                                  for d, t in zip(res["open_loop"]["direct"], res["open_loop"][kind])]
                           for kind in ("off", "on")}
        res["on_minus_off_ms"] = [
            {"offered_rps": a["offered_rps"], **{p: round(b[p] - a[p], 4) for p in ("p50", "p90", "p99", "p99.9")
                                                   if p in a and p in b}}
            for a, b in zip(res["added_ms"]["off"], res["added_ms"]["on"])]
        res["spans_exported_bytes"] = sink.received
        log("traces on minus off (ms)", res["on_minus_off_ms"], "exported", sink.received, "bytes")
        self.stop(traced, 60)
        self.stop(self.svc, 60)
        self.svc = None
        sink.shutdown()

    def connections(self):
        """Many slow calls at once through one provider (issue 14 row 2): every call answered in one
        attempt, none failed while it waited for one of the provider host's connections."""
        log(f"== {SLOW_CALLS} concurrent {SLOW_DELAY_MS} ms calls through one provider (DURABILITY=disk)")
        double = subprocess.Popen([DOUBLE, "--port", "0", "--no-record"], stdout=subprocess.PIPE, text=True)
        self.procs.append(double)
        double_port = int(double.stdout.readline().strip().rsplit(" ", 1)[1])
        double_url = f"http://127.0.0.1:{double_port}"
        # Enough slow answers for every attempt a call may make (the warm-up, and up to the default
        # RETRY_MAX_ATTEMPTS of 3 per call): an exhausted script answers at once and would flatter retries.
        script = [{"kind": "success", "route": "ollama", "delayMs": SLOW_DELAY_MS}] * (3 * SLOW_CALLS + 1)
        post(double_url + "/_double/script", json.dumps(script))
        self.svc = self.service(SVC_PORT, "disk", {"PROVIDERS": "ollama", "OLLAMA_BASE_URL": double_url},
                                "svc-connections")
        svc = f"http://127.0.0.1:{SVC_PORT}"
        post(svc + "/v1/chat", BODIES["chat"], timeout=30)  # warm-up: one call, one connection made
        outcomes = [None] * SLOW_CALLS
        start = threading.Barrier(SLOW_CALLS + 1)

        def call(i):
            start.wait()
            t0 = time.monotonic()
            try:
                status, body = post(svc + "/v1/chat", json.dumps({"userId": f"slow-{i}", "prompt": f"call {i}"}),
                                    timeout=180)
                outcomes[i] = (status, json.loads(body).get("attempts"), time.monotonic() - t0)
            except urllib.error.HTTPError as e:
                outcomes[i] = (e.code, None, time.monotonic() - t0)
            except Exception as e:  # a timeout or a reset: no answer at all
                outcomes[i] = (repr(e), None, time.monotonic() - t0)

        threads = [threading.Thread(target=call, args=(i,)) for i in range(SLOW_CALLS)]
        for t in threads:
            t.start()

        def run_all():
            t0 = time.monotonic()
            start.wait()
            for t in threads:
                t.join()
            latencies = sorted(o[2] * 1000 for o in outcomes)
            statuses = {}
            for o in outcomes:
                statuses[str(o[0])] = statuses.get(str(o[0]), 0) + 1
            return {"calls": SLOW_CALLS, "provider_delay_ms": SLOW_DELAY_MS, "statuses": statuses,
                    "answered_200": statuses.get("200", 0),
                    "one_attempt": sum(1 for o in outcomes if o[1] == 1),
                    "wall_seconds": round(time.monotonic() - t0, 3),
                    "latency_ms": {p: round(percentile(latencies, q), 1)
                                   for p, q in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))}}

        res = self.r["connections"] = self.measured(run_all)
        log("connections", {k: res[k] for k in ("statuses", "one_attempt", "wall_seconds", "latency_ms")})
        self.stop(self.svc, 60)
        self.svc = None
        self.stop(double)

    def faults(self, mode, res):
        res["faults"] = {}
        baseline = {r["offered_rps"]: r for r in res["open_loop"]["chat"]}
        for fault in ("down", "hung"):
            runs = []
            for rate in FAULT_RATES:
                if fault == "down":
                    self.db.stop()
                    r = self.measured(lambda: openloop(SVC_PORT, "chat", rate, SECONDS))
                    r["ready_during"] = self.ready()
                    self.start_db()
                else:
                    os.kill(self.db.pid, signal.SIGSTOP)
                    try:
                        r = self.measured(lambda: openloop(SVC_PORT, "chat", rate, SECONDS))
                        r["ready_during"] = self.ready()
                    finally:
                        os.kill(self.db.pid, signal.SIGCONT)
                r["shipped_after_s"] = self.wait_shipped()
                base = baseline.get(rate)
                if base:
                    r["p99_vs_mongo_up"] = round(r["latency_ms"]["p99"] / base["latency_ms"]["p99"], 3)
                runs.append(r)
                log(mode, f"MongoDB {fault}", rate, brief(r), f"p99 ×{r.get('p99_vs_mongo_up')} of up",
                    f"shipped {r['shipped_after_s']} s after")
            res["faults"][fault] = runs

    def soak(self, res):
        log(f"soak: /v1/chat at {SOAK_RATE} RPS for {SOAK_SECONDS} s")
        samples, stop = [], threading.Event()
        pid = self.svc.pid

        def sample():
            t0 = time.monotonic()
            while not stop.is_set():
                lag = find_lag(self.ready()) or {}
                samples.append([round(time.monotonic() - t0, 1), status_kb(pid, "VmRSS"), lag.get("records")])
                stop.wait(2)
        t = threading.Thread(target=sample)
        t.start()
        try:
            r = self.measured(lambda: openloop(SVC_PORT, "chat", SOAK_RATE, SOAK_SECONDS, warmup=0))
        finally:
            stop.set()
            t.join()
        n = len(samples)
        first = [s[1] for s in samples[n // 10: n // 10 + max(1, n // 5)]]
        last = [s[1] for s in samples[-max(1, n // 5):]]
        r.pop("per_second", None)
        r.update({"rss_kb_samples": samples, "rss_kb_early_mean": round(sum(first) / len(first)),
                  "rss_kb_late_mean": round(sum(last) / len(last))})
        r["shipped_after_s"] = self.wait_shipped()
        res["soak"] = r
        log("soak", brief(r), f"RSS {r['rss_kb_early_mean'] // 1024} → {r['rss_kb_late_mean'] // 1024} MiB")

    def shipper(self, res):
        if find_lag(self.ready()) is None:
            res["shipper"] = {"skipped": "/ready has no shipping lag field in this build"}
            self.r["notes"].append("shipper: skipped, /ready reports no lag")
            log("shipper: skipped (no lag in /ready)")
            return
        steps = []
        for rate in SHIP_RATES:
            log(f"shipper: /v1/chat at {rate} RPS for {SHIP_SECONDS} s")
            lags, stop = [], threading.Event()

            def sample():
                t0 = time.monotonic()
                while not stop.is_set():
                    lag = find_lag(self.ready()) or {}
                    lags.append([round(time.monotonic() - t0, 1), lag.get("records"), lag.get("seconds")])
                    stop.wait(1)
            t = threading.Thread(target=sample)
            t.start()
            try:
                r = self.measured(lambda: openloop(SVC_PORT, "chat", rate, SHIP_SECONDS, warmup=0))
            finally:
                stop.set()
                t.join()
            r.pop("per_second", None)
            second_half = [l for l in lags if l[0] >= SHIP_SECONDS / 2]
            max_lag_s = max((l[2] or 0 for l in second_half), default=None)
            max_lag_records = max((l[1] or 0 for l in second_half), default=None)
            answered_ok = r["ok"] >= 0.95 * rate * SHIP_SECONDS and not r["errors"] and not r["unfinished"]
            r.update({"lag_samples": lags, "max_lag_seconds_second_half": max_lag_s,
                      "max_lag_records_second_half": max_lag_records, "service_kept_up": answered_ok,
                      "bounded": bool(answered_ok and max_lag_s is not None and max_lag_s <= SHIP_MAX_LAG)})
            r["drained_after_s"] = self.wait_shipped(90)
            steps.append(r)
            log("shipper", rate, brief(r), f"max lag {max_lag_s} s / {max_lag_records} records,",
                f"SecantusDB {r['cpu_pct_of_one_core'].get('secantusdb')} % of a core, bounded={r['bounded']}")
            if not r["bounded"]:
                break
        sustained = [s["offered_rps"] for s in steps if s["bounded"]]
        res["shipper"] = {"steps": steps, "max_lag_allowed_s": SHIP_MAX_LAG,
                          "highest_sustained_rps": max(sustained) if sustained else None}

    def litellm(self):
        exe = os.path.join(BENCH_VENV, "bin", "litellm")
        if not os.path.exists(exe):
            self.r["litellm"] = {"skipped": f"{exe} missing"}
            return
        conf = os.path.join(self.work, "litellm.yaml")
        with open(conf, "w") as f:
            f.write("model_list:\n  - model_name: gpt-4o-mini\n    litellm_params:\n"
                    "      model: openai/gpt-4o-mini\n"
                    f"      api_base: {self.up.url}/v1\n      api_key: sk-bench\n"
                    "litellm_settings:\n  telemetry: false\n  drop_params: true\n")
        key = "sk-bench-" + os.urandom(16).hex()  # it refuses to start without a master key
        auth = f"Authorization: Bearer {key}"
        env = dict(os.environ, LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_LOG="ERROR", LITELLM_MASTER_KEY=key,
                   LITELLM_TELEMETRY="False", DISABLE_SCHEMA_UPDATE="True")
        env.pop("DATABASE_URL", None)
        p = subprocess.Popen([exe, "--config", conf, "--host", "127.0.0.1", "--port", str(LITELLM_PORT),
                              "--num_workers", str(LITELLM_WORKERS)], env=env, stdin=subprocess.DEVNULL,
                             stdout=open(os.path.join(self.work, "litellm.log"), "w"), stderr=subprocess.STDOUT,
                             start_new_session=True)
        self.procs.append(p)
        res = {}
        self.r["litellm"] = res
        try:
            t0 = time.monotonic()
            wait_http(f"http://127.0.0.1:{LITELLM_PORT}/health/liveliness", 120, proc=p)
            res["startup_s"] = round(time.monotonic() - t0, 1)
            res["workers"] = LITELLM_WORKERS
            status, answer = post(f"http://127.0.0.1:{LITELLM_PORT}/v1/chat/completions", BODIES["litellm"], 30,
                                  {"Authorization": f"Bearer {key}"})
            assert status == 200 and b"Echo" in answer, (status, answer[:300])
            pids = lambda: descendants(p.pid)  # noqa: E731
            res["version"] = subprocess.run([os.path.join(BENCH_VENV, "bin", "python"), "-c",
                                             "import importlib.metadata as m; print(m.version('litellm'))"],
                                            capture_output=True, text=True).stdout.strip()
            res["idle_rss_kb"] = sum(status_kb(q, "VmRSS") or 0 for q in pids())
            url = f"http://127.0.0.1:{LITELLM_PORT}"
            wrk(url, "/v1/chat/completions", BODIES["litellm"], 3, header=auth)
            r = self.measured(lambda: wrk(url, "/v1/chat/completions", BODIES["litellm"], SECONDS, header=auth),
                              extra_groups={"litellm": pids()}, service_pid=None)
            r["cpu_us_per_request"] = round(r["cpu_pct_of_one_core"]["litellm"] / 100 * SECONDS / max(1, r["requests"]) * 1e6, 1)
            res["max_rps"] = r
            log("litellm max", brief(r))
            res["open_loop"] = []
            for rate in LITELLM_RATES:
                r = self.measured(lambda: openloop(LITELLM_PORT, "litellm", rate, SECONDS, header=auth),
                                  extra_groups={"litellm": pids()}, service_pid=None)
                res["open_loop"].append(r)
                log("litellm", rate, brief(r))
            res["peak_rss_kb"] = sum(status_kb(q, "VmHWM") or 0 for q in pids())
            res["rss_kb"] = sum(status_kb(q, "VmRSS") or 0 for q in pids())
        except Exception as e:  # the peer failing must not cost the rest of the run
            res["error"] = repr(e)
            res["log_tail"] = open(os.path.join(self.work, "litellm.log"), errors="replace").read()[-3000:]
            log("litellm failed:", repr(e))
        finally:
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
            except ProcessLookupError:
                pass

    def run(self):
        started = time.time()
        self.r["meta"] = {
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "cpus": os.cpu_count(), "kernel": platform.release(),
            "cpu_model": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                               if l.startswith("model name")), None),
            "mem_total_kb": int(open("/proc/meminfo").readline().split()[1]),
            "loadavg_at_start": os.getloadavg(),
            "bench_seconds": SECONDS, "rates": RATES, "modes": MODES, "fault_modes": FAULT_MODES,
            "fault_rates": FAULT_RATES, "wrk_connections": CONNECTIONS, "open_loop_connections": OPEN_CONNECTIONS,
            "soak_seconds": SOAK_SECONDS, "soak_rate": SOAK_RATE, "ship_seconds": SHIP_SECONDS,
            "ship_rates": SHIP_RATES, "stream_requests": STREAM_REQUESTS,
            "service_commit": os.environ.get("BENCH_COMMIT"), "tree_dirty": os.environ.get("BENCH_DIRTY"),
        }
        if ONLY == "connections":
            self.start_db()
            self.connections()
            self.r["meta"]["run_seconds"] = round(time.time() - started)
            self.r["meta"]["loadavg_at_end"] = os.getloadavg()
            return
        self.up = upstream.Upstream(UP_PORT, self.work).start()
        self.start_db()
        log("upstream directly: closed loop")
        wrk(self.up.url, "/api/chat", BODIES["direct"], 2)
        self.r["direct_max_rps"] = self.measured(lambda: wrk(self.up.url, "/api/chat", BODIES["direct"], SECONDS),
                                                 service_pid=None)
        log("direct max", brief(self.r["direct_max_rps"]))
        log("SecantusDB journaled insert, one at a time")
        self.r["secantus_journaled_insert_ms"] = self.journaled_insert()
        log("journaled insert", self.r["secantus_journaled_insert_ms"])
        if ONLY != "limits":
            for mode in MODES:
                self.mode_block(mode)
        if LIMITS or ONLY == "limits":
            self.limits()
        if TRACING and ONLY in ("", "limits"):
            self.tracing()
        if LITELLM and ONLY != "limits":
            log("== LiteLLM proxy")
            self.litellm()
        self.r["meta"]["run_seconds"] = round(time.time() - started)
        self.r["meta"]["loadavg_at_end"] = os.getloadavg()


def main():
    b = Bench()
    try:
        b.run()
    finally:
        b.cleanup()
        os.makedirs(os.path.dirname(OUT), exist_ok=True)
        with open(OUT, "w") as f:
            json.dump(b.r, f, indent=1)
        log("wrote", OUT)


if __name__ == "__main__":
    main()
