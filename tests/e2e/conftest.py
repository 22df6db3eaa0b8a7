"""Fixtures for the end-to-end suite: the built chat-service binary, run as an operator would
(environment configuration, SIGTERM to stop), against a real SecantusDB process and the
`provider-double` executable, with pymongo reading what was stored."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pymongo
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import secantus  # noqa: E402  (the one SecantusDB launcher: scripts/secantus.py)


# A loopback port below Linux's ephemeral range, chosen as the launcher chooses SecantusDB's.
free_port = secantus.free_port


def bin_dir() -> Path:
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    return Path(out)


@pytest.fixture(scope="session")
def binaries():
    subprocess.run(["swift", "build", "--product", "chat-service"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["swift", "build", "--product", "provider-double"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    d = bin_dir()
    return {"service": d / "chat-service", "double": d / "provider-double"}


@pytest.fixture(scope="session")
def mongo_uri():
    """One SecantusDB for the session, started by the project's launcher on a free port with a
    fresh data directory, stopped (SIGTERM) and removed at the end."""
    server = secantus.start(data=tempfile.mkdtemp(prefix="chat-e2e-db-"))
    yield server.uri
    server.stop(timeout=10)
    shutil.rmtree(server.data, ignore_errors=True)
    Path(server.log).unlink(missing_ok=True)


class ProviderDouble:
    """The `provider-double` executable and its control API (POST /_double/script, GET /_double/requests)."""

    def __init__(self, binary: Path):
        self.proc = subprocess.Popen([str(binary), "--port", "0"], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        assert line.startswith("listening on "), line
        self.port = int(line.rsplit(" ", 1)[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def script(self, behaviours):
        requests.post(f"{self.url}/_double/script", json=behaviours, timeout=5).raise_for_status()

    def requests(self, route=None):
        got = requests.get(f"{self.url}/_double/requests", timeout=5).json()
        return [r for r in got if route is None or r.get("route") == route]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def double(binaries):
    d = ProviderDouble(binaries["double"])
    yield d
    d.stop()


class Service:
    """One chat-service process configured through its environment."""

    def __init__(self, binary: Path, env: dict):
        self.port = free_port()
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("GEMINI_", "OLLAMA_", "PROVIDERS"))}
        # DURABILITY=mongo: tests read documents back right after the answer (read-your-write);
        # tests of the other modes pass their own.
        full_env.update({"HOST": "127.0.0.1", "PORT": str(self.port), "LOG_LEVEL": "warning", "DURABILITY": "mongo"})
        full_env.update(env)
        self.log = tempfile.NamedTemporaryFile(prefix="chat-service-", suffix=".log", delete=False)
        self.proc = subprocess.Popen([str(binary)], env=full_env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chat-service did not start: {Path(self.log.name).read_text()}")
            time.sleep(0.1)

    def chat(self, body, **kwargs):
        return requests.post(f"{self.url}/v1/chat", json=body, timeout=30, **kwargs)

    def create_client_key(self, admin_key: str, name: str = "e2e-client", email: str = None) -> str:
        """A new client key from `POST /admin/keys`: with ADMIN_API_KEY set, the admin key opens the
        admin routes only, so client routes (/v1/*, /api/*, /user/*) need a key made this way."""
        body = {"name": name} if email is None else {"name": name, "email": email}
        response = requests.post(f"{self.url}/admin/keys", json=body,
                                 headers={"Authorization": f"Bearer {admin_key}"}, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()["key"]

    def terminate(self, timeout=20) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def output(self) -> str:
        return Path(self.log.name).read_text()


@pytest.fixture
def database(mongo_uri):
    name = f"e2e_{uuid.uuid4().hex[:12]}"
    client = pymongo.MongoClient(mongo_uri)
    yield client[name]
    client.drop_database(name)


@pytest.fixture
def start_service(binaries, mongo_uri, database):
    started = []

    def start(**env):
        base = {"MONGODB_URI": mongo_uri, "MONGODB_DATABASE": database.name}
        base.update({k: str(v) for k, v in env.items()})
        service = Service(binaries["service"], base)
        started.append(service)
        return service

    yield start
    for service in started:
        if service.proc.poll() is None:
            service.proc.kill()
            service.proc.wait()


@pytest.fixture(autouse=True)
def private_spool_dir(tmp_path, monkeypatch):
    """Every chat-service a test starts spools to that test's own temporary directory (SPOOL_DIR),
    never to ./data/spool: a spool left behind would be replayed into the next test's database."""
    spool = tmp_path / "spool"
    monkeypatch.setenv("SPOOL_DIR", str(spool))
    return spool
