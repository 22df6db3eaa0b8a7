"""SPEC §5 from outside (issue 10): the built chat-service, the provider double and a SecantusDB of
each test's own, so a test can kill -9 the service, kill / SIGSTOP / restart the database, and read
back with pymongo what reached MongoDB.

- `kill -9` of the service under 8-way keep-alive load, in every DURABILITY mode, with MongoDB up
  and with MongoDB down: after a restart on the same SPOOL_DIR every acknowledged call is in
  MongoDB exactly once, nothing is invented, and per connection the documents are in the client's
  order (by `_id`, which is time-ordered, by `requestedAt`, and in MongoDB's insertion order, i.e.
  the order the shipper wrote them).
- `DURABILITY=mongo`: the document is readable the moment the 2xx arrives.
- MongoDB SIGSTOPped: `disk` answers keep flowing, `mongo` answers come within the 1 s
  acknowledgement timeout; after SIGCONT everything ships.

Every wait is bounded; every process a test starts is ended by its fixtures, also on failure."""

import collections
import os
import signal
import threading
import time
from pathlib import Path

import pymongo
import pytest
import requests

from conftest import Service, free_port, secantus

MODES = ("process", "disk", "mongo")
CONNECTIONS = 8
LOAD_SECONDS = 1.75  # of 8-way load before the kill -9
DRAIN_TIMEOUT = 30.0  # for /ready's lag to reach 0 after a restart / SIGCONT
# Short server selection and connect timeouts, so the service notices a dead database quickly.
URI_OPTIONS = "/?serverSelectionTimeoutMS=500&connectTimeoutMS=500"


class OwnSecantus:
    """A SecantusDB process of this test's own (scripts/secantus.py) on a fixed port and data
    directory, so it can be killed, paused and restarted without harming other tests."""

    def __init__(self, data: Path):
        self.port = free_port()
        self.data = data
        self.server = None
        self.paused = False
        self.uri = f"mongodb://127.0.0.1:{self.port}"

    def start(self):
        self.server = secantus.start(self.port, self.data, timeout=20)

    def kill(self):
        if self.server:
            self.resume()
            self.server.kill()

    def pause(self):
        os.kill(self.server.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self):
        if self.paused and self.server.process.poll() is None:
            os.kill(self.server.pid, signal.SIGCONT)
        self.paused = False

    def log_tail(self, lines=15) -> str:
        try:
            return "\n".join(Path(self.server.log).read_text(errors="replace").splitlines()[-lines:])
        except (OSError, AttributeError):
            return "(no SecantusDB log)"


@pytest.fixture
def own_db(tmp_path):
    db = OwnSecantus(tmp_path / "db")
    db.start()
    try:
        yield db
    finally:
        db.kill()


@pytest.fixture
def launch(binaries):
    """Starts chat-service processes; SIGKILLs whichever are still running at the end."""
    started = []

    def start(env):
        service = Service(binaries["service"], env)
        started.append(service)
        return service

    yield start
    for service in started:
        if service.proc.poll() is None:
            service.proc.kill()
            service.proc.wait(timeout=10)


def service_env(db_uri, double, spool_dir, mode, database="durability"):
    return {
        "MONGODB_URI": db_uri + URI_OPTIONS, "MONGODB_DATABASE": database,
        "PROVIDERS": "ollama", "OLLAMA_BASE_URL": double.url,
        "SPOOL_DIR": str(spool_dir), "DURABILITY": mode,
    }


def log_excerpt(service, lines=40) -> str:
    text = service.output().splitlines()
    return "\n--- chat-service log (last lines) ---\n" + "\n".join(text[-lines:])


def ready(service) -> dict:
    return requests.get(f"{service.url}/ready", timeout=5).json()


def wait_until_shipped(service, timeout=DRAIN_TIMEOUT) -> dict:
    """Polls /ready until MongoDB is up and the shipping lag is 0 records; fails (with the service's
    log) if that does not happen within TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = ready(service)
            if last["lag"]["records"] == 0 and last["mongo"] == "up":
                return last
        except requests.RequestException as e:
            last = repr(e)
        time.sleep(0.1)
    pytest.fail(f"the log did not ship within {timeout:g} s; last /ready: {last}{log_excerpt(service)}")


def load_until_killed(service, seconds):
    """8 client threads, each with its own keep-alive connection (requests.Session), POST
    /v1/chat back to back with userId conn-<k> and prompts numbered in order. After SECONDS the
    service is SIGKILLed mid-load. Returns (acknowledged, refused): per connection, the (number, id)
    of every 2xx in the order they arrived, and any non-2xx answers."""
    acknowledged = {k: [] for k in range(CONNECTIONS)}
    refused = []
    stop = threading.Event()

    def client(k):
        with requests.Session() as session:
            n = 0
            while not stop.is_set():
                try:
                    r = session.post(f"{service.url}/v1/chat",
                                     json={"userId": f"conn-{k}", "prompt": f"conn-{k} #{n}"}, timeout=10)
                except requests.RequestException:
                    return  # the service died under this request: it was never acknowledged
                if 200 <= r.status_code < 300:
                    acknowledged[k].append((n, r.json()["id"]))
                else:
                    refused.append((k, n, r.status_code, r.text[:200]))
                    return
                n += 1

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(CONNECTIONS)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    service.proc.kill()  # SIGKILL, with 8 requests in flight
    service.proc.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=15)
    assert not any(t.is_alive() for t in threads), "a client thread did not finish within 15 s"
    return acknowledged, refused


def check_stored(interactions, acknowledged, context):
    """Every acknowledged id is in MongoDB exactly once; per connection nothing is stored twice or
    invented (at most the one call in flight at the kill, which the client never saw answered);
    and the stored documents follow the client's order by _id, by requestedAt and in insertion
    order."""
    for k, acks in acknowledged.items():
        user = f"conn-{k}"
        # MongoDB's insertion order ($natural): the order the shipper wrote them.
        docs = list(interactions.find({"userId": user}, {"_id": 1, "prompt": 1, "requestedAt": 1})
                    .hint([("$natural", 1)]))
        ids = [d["_id"] for d in docs]
        by_id = collections.Counter(ids)
        acked_ids = [i for _, i in acks]
        missing = [i for i in acked_ids if by_id[i] == 0]
        assert not missing, (f"{user}: {len(missing)} of {len(acks)} acknowledged calls are not in MongoDB, "
                             f"first missing {missing[:5]}; {context}")
        twice = [i for i, c in by_id.items() if c > 1]
        assert not twice, f"{user}: ids stored more than once: {twice[:5]}; {context}"
        prompts = collections.Counter(d["prompt"] for d in docs)
        dup_prompts = [p for p, c in prompts.items() if c > 1]
        assert not dup_prompts, f"{user}: calls stored twice under different ids: {dup_prompts[:5]}; {context}"
        # Nothing invented: the acknowledged calls, plus at most the call in flight at the kill.
        extra = [d for d in docs if d["_id"] not in set(acked_ids)]
        in_flight = f"{user} #{len(acks)}"
        assert len(extra) <= 1 and all(d["prompt"] == in_flight for d in extra), (
            f"{user}: stored documents nobody asked for or got answered: "
            f"{[(d['_id'], d['prompt']) for d in extra][:5]} (acknowledged {len(acks)}); {context}")
        expected = [f"{user} #{n}" for n, _ in acks] + [d["prompt"] for d in extra]
        natural = [d["prompt"] for d in docs]
        assert natural == expected, (
            f"{user}: insertion order in MongoDB differs from the client's order; "
            f"first difference at {first_difference(natural, expected)}; {context}")
        by_id_order = [d["prompt"] for d in sorted(docs, key=lambda d: d["_id"])]
        assert by_id_order == expected, (
            f"{user}: _id order differs from the client's order; "
            f"first difference at {first_difference(by_id_order, expected)}; {context}")
        requested = [d["requestedAt"] for d in docs]
        assert requested == sorted(requested), f"{user}: requestedAt goes backwards in client order; {context}"


def first_difference(got, expected):
    for i, (a, b) in enumerate(zip(got, expected)):
        if a != b:
            return f"#{i}: got {got[i:i + 3]}, expected {expected[i:i + 3]}"
    return f"lengths {len(got)} vs {len(expected)}"


@pytest.mark.parametrize("mongo", ["up", "down"])
@pytest.mark.parametrize("mode", MODES)
def test_kill_9_under_8_way_load_loses_duplicates_and_reorders_nothing(
        mode, mongo, own_db, double, launch, tmp_path):
    spool = tmp_path / "spool"
    env = service_env(own_db.uri, double, spool, mode)
    interactions = pymongo.MongoClient(own_db.uri, serverSelectionTimeoutMS=5000).durability.interactions
    first = launch(env)
    warm = first.chat({"userId": "warm-up", "prompt": "warm-up"})
    assert warm.status_code == 200, warm.text + log_excerpt(first)
    if mongo == "down":
        own_db.kill()

    acknowledged, refused = load_until_killed(first, LOAD_SECONDS)
    total = sum(len(a) for a in acknowledged.values())
    first_log = log_excerpt(first)
    assert not refused, f"non-2xx answers under load: {refused[:5]}{first_log}"
    assert all(acknowledged.values()) and total >= 40, (
        f"too little load before the kill: {[len(a) for a in acknowledged.values()]}{first_log}")

    second = launch(env)  # same SPOOL_DIR, same environment
    at_restart = ready(second)
    if mongo == "down":
        assert at_restart["mongo"] == "down", at_restart
        own_db.start()  # the same data directory
    drained = wait_until_shipped(second)
    print(f"mode={mode} mongo={mongo}: {total} acknowledged over {CONNECTIONS} connections; "
          f"/ready at restart {at_restart}")
    context = (f"mode={mode} mongo={mongo}, {total} acknowledged; /ready at restart {at_restart}, drained {drained}"
               f"\n--- first run ---{first_log}{log_excerpt(second)}")
    check_stored(interactions, acknowledged, context)
    assert interactions.count_documents({"userId": "warm-up"}) == 1, context
    assert second.terminate() == 0, context


def test_mongo_mode_the_document_is_readable_the_moment_the_answer_arrives(own_db, double, launch, tmp_path):
    service = launch(service_env(own_db.uri, double, tmp_path / "spool", "mongo"))
    interactions = pymongo.MongoClient(own_db.uri, serverSelectionTimeoutMS=5000).durability.interactions
    with requests.Session() as session:
        for n in range(50):
            r = session.post(f"{service.url}/v1/chat", json={"userId": "ryw", "prompt": f"ryw #{n}"}, timeout=10)
            assert r.status_code == 200, r.text + log_excerpt(service)
            found = interactions.find_one({"_id": r.json()["id"]})
            assert found is not None and found["prompt"] == f"ryw #{n}", (
                f"call #{n}: {r.json()['id']} not in MongoDB when its 2xx arrived; "
                f"/ready {ready(service)}{log_excerpt(service)}")
    assert service.terminate() == 0, service.output()


@pytest.mark.parametrize("mode, calls, limit", [("disk", 100, 0.5), ("mongo", 20, 1.5)])
def test_a_sigstopped_mongodb_does_not_stop_the_answers_and_everything_ships_after_sigcont(
        mode, calls, limit, own_db, double, launch, tmp_path):
    """disk: answers keep flowing, each well under a second; mongo: each within the 1 s
    acknowledgement timeout (plus slack). After SIGCONT, the log ships: lag 0, every id once."""
    service = launch(service_env(own_db.uri, double, tmp_path / "spool", mode))
    interactions = pymongo.MongoClient(own_db.uri, serverSelectionTimeoutMS=5000).durability.interactions
    warm = service.chat({"userId": "warm-up", "prompt": "warm-up"})
    assert warm.status_code == 200, warm.text + log_excerpt(service)

    acknowledged, slow, latencies = [], [], []
    own_db.pause()
    try:
        with requests.Session() as session:
            for n in range(calls):
                started = time.monotonic()
                try:
                    r = session.post(f"{service.url}/v1/chat",
                                     json={"userId": "conn-0", "prompt": f"conn-0 #{n}"}, timeout=10)
                except requests.RequestException as e:
                    pytest.fail(f"call #{n} with MongoDB stopped: {e!r}{log_excerpt(service)}")
                took = time.monotonic() - started
                assert r.status_code == 200, f"call #{n}: {r.status_code} {r.text}{log_excerpt(service)}"
                acknowledged.append((n, r.json()["id"]))
                latencies.append(took)
                if took > limit:
                    slow.append((n, round(took, 3)))
        during = ready(service)
    finally:
        own_db.resume()
    print(f"{mode} SIGSTOP: {calls} calls, max {max(latencies):.3f} s, "
          f"median {sorted(latencies)[len(latencies) // 2] * 1000:.1f} ms; /ready while stopped {during}")
    assert not slow, (f"{mode}: calls slower than {limit} s with MongoDB SIGSTOPped: {slow[:10]} "
                      f"of {calls}{log_excerpt(service)}")
    assert during["lag"]["records"] > 0, f"nothing waited for MongoDB while it was stopped? {during}"

    drained = wait_until_shipped(service)
    check_stored(interactions, {0: acknowledged},
                 f"mode={mode} SIGSTOP; /ready during {during}, after {drained}{log_excerpt(service)}")
    assert service.terminate() == 0, service.output()
