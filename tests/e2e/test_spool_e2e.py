"""The disk spool from outside: the built binary is SIGKILLed while it spools under load, restarted,
and must drain every chat it answered 2xx into MongoDB."""

import subprocess
import threading
import time
from pathlib import Path

import pymongo
import requests

from conftest import Service, free_port, secantus


class Secantus:
    """A SecantusDB process of this test's own (started by scripts/secantus.py), so the test can
    kill it without harming others."""

    def __init__(self, data: Path):
        self.port = free_port()
        self.data = data
        self.server = None
        self.uri = f"mongodb://127.0.0.1:{self.port}"

    def start(self):
        self.server = secantus.start(self.port, self.data)

    def kill(self):
        if self.server:
            self.server.kill()


def post_until_stopped(url, stop, ok_ids, lock, worker):
    """POSTs chats back to back; records the id of every 2xx; ends when told or when the service dies."""
    session = requests.Session()
    n = 0
    while not stop.is_set():
        try:
            r = session.post(f"{url}/v1/chat", json={"userId": "crash", "prompt": f"w{worker} n{n}"}, timeout=10)
        except requests.RequestException:
            return  # the service was killed
        n += 1
        if 200 <= r.status_code < 300:
            with lock:
                ok_ids.append(r.json()["id"])


def test_kill_9_of_the_service_while_spooling_loses_no_chat_that_got_a_2xx(binaries, double, tmp_path):
    db = Secantus(tmp_path / "db")
    db.start()
    env = {
        "MONGODB_URI": db.uri + "/?serverSelectionTimeoutMS=500&connectTimeoutMS=500",
        "MONGODB_DATABASE": "crash", "PROVIDERS": "ollama", "OLLAMA_BASE_URL": double.url,
        "SPOOL_DIR": str(tmp_path / "spool"),
    }
    services = []
    try:
        first = Service(binaries["service"], env)
        services.append(first)
        assert first.chat({"userId": "crash", "prompt": "warm-up"}).status_code == 200
        db.kill()

        ok_ids, lock, stop = [], threading.Lock(), threading.Event()
        workers = [threading.Thread(target=post_until_stopped, args=(first.url, stop, ok_ids, lock, w)) for w in range(6)]
        for w in workers:
            w.start()
        time.sleep(2.0)  # spooling under load
        first.proc.kill()  # SIGKILL, mid-flight
        first.proc.wait()
        stop.set()
        for w in workers:
            w.join(timeout=15)
        assert len(ok_ids) > 20, f"only {len(ok_ids)} chats were answered while spooling"
        assert any((tmp_path / "spool").glob("segment-*.spool")), "nothing was spooled"

        db.start()
        second = Service(binaries["service"], env)
        services.append(second)
        interactions = pymongo.MongoClient(db.uri).crash.interactions
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready = requests.get(f"{second.url}/ready", timeout=5).json()
            if ready["spool"]["records"] == 0 and ready["mongo"] == "up":
                break
            time.sleep(0.2)
        assert ready["spool"]["records"] == 0, ready
        stored = {d["_id"] for d in interactions.find({"userId": "crash"}, {"_id": 1})}
        missing = set(ok_ids) - stored
        assert not missing, f"{len(missing)} of {len(ok_ids)} answered chats are not in MongoDB"
        # The warm-up plus at most the chats that were in flight when the service died, never duplicates.
        assert interactions.count_documents({"userId": "crash"}) == len(stored)
        assert not list((tmp_path / "spool").glob("segment-*.spool")), "drained segments are deleted"
        assert second.terminate() == 0, second.output()
    finally:
        for s in services:
            if s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait()
        db.kill()


def test_ready_reports_the_spool_and_a_full_spool_answers_503_without_calling_a_provider(
        binaries, double, tmp_path):
    refused_port = free_port()  # nothing listens here
    service = Service(binaries["service"], {
        "MONGODB_URI": f"mongodb://127.0.0.1:{refused_port}/?serverSelectionTimeoutMS=300&connectTimeoutMS=300",
        "MONGODB_DATABASE": "full", "PROVIDERS": "ollama", "OLLAMA_BASE_URL": double.url,
        "SPOOL_MAX_BYTES": "4096",
    })
    try:
        statuses = []
        for i in range(30):
            statuses.append(service.chat({"userId": "u", "prompt": f"fill {i}"}).status_code)
            if statuses[-1] != 200:
                break
        assert statuses[-1] == 503 and statuses.count(200) >= 1, statuses
        calls = len(double.requests())
        refused = service.chat({"userId": "u", "prompt": "one more"})
        assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
        assert refused.json()["error"]["code"] == "storage_unavailable"
        assert len(double.requests()) == calls
        ready = requests.get(f"{service.url}/ready", timeout=5)
        assert ready.status_code == 503
        body = ready.json()
        assert body["mongo"] == "down" and body["spool"]["records"] == statuses.count(200)
        assert body["spool"]["bytes"] > 0 and body["spool"]["oldestAgeSeconds"] >= 0
        assert service.terminate() == 0
    finally:
        if service.proc.poll() is None:
            service.proc.kill()
            service.proc.wait()


def test_a_spool_dir_that_cannot_be_used_stops_start_up_with_one_line_naming_it(binaries, tmp_path):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("x")
    result = subprocess.run([str(binaries["service"])], capture_output=True, text=True, timeout=30,
                            env={"PATH": "/usr/bin:/bin", "SPOOL_DIR": str(not_a_directory / "spool")})
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SPOOL_DIR" in lines[0], result.stderr
