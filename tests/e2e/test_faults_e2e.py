"""Issue 14's fault suite: the built binary on an unlucky day, each test bounded in time, each
ending with the same two checks — every 2xx is stored exactly once, and every non-2xx says why.

Covered here: a provider that hangs, a provider that resets mid-answer and mid-stream, MongoDB
killed and MongoDB hung (SIGSTOP) while calls fail upstream too, and a full disk under the local
log (a 1 MiB tmpfs mounted by the test when it runs as root, else a tiny SPOOL_MAX_BYTES; the
test prints which), and the wall clock jumping an hour forward and back under load (libfaketime).
MongoDB refusing the credentials is in test_hardening_e2e.py; kill -9 of the
service and of MongoDB under load per DURABILITY mode are in test_durability_e2e.py."""

import concurrent.futures
import datetime
import json
import subprocess
import time

import pymongo
import pytest
import requests

from test_durability_e2e import launch, own_db, service_env, wait_until_shipped  # noqa: F401 (fixtures)


def check_outcomes(outcomes, interactions):
    """`outcomes`: (status, body text, stored id or None). Every 2xx is in MongoDB exactly once;
    every other answer carries an error message."""
    for status, text, stored_id in outcomes:
        if 200 <= status < 300:
            assert stored_id and interactions.count_documents({"_id": stored_id}) == 1, (status, text[:300])
        else:
            error = json.loads(text)["error"]
            message = error if isinstance(error, str) else error["message"]
            assert message.strip(), (status, text)


def chat_outcome(response):
    stored = response.json().get("id") if response.status_code == 200 else None
    return response.status_code, response.text, stored


def test_a_hanging_provider_is_cut_off_by_the_deadline_and_each_call_says_so(own_db, double, launch, tmp_path):
    env = service_env(own_db.uri, double, tmp_path / "spool", "mongo") | {
        "PROVIDER_TIMEOUT_MS": "400", "REQUEST_TIMEOUT_MS": "1000", "RETRY_BASE_DELAY_MS": "10"}
    service = launch(env)
    interactions = pymongo.MongoClient(own_db.uri).durability.interactions
    double.script([{"kind": "success", "route": "ollama", "delayMs": 30_000} for _ in range(12)])
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda i: service.chat({"userId": "hang", "prompt": f"#{i}"}), range(4)))
    assert time.monotonic() - started < 6, "the deadline did not cut the hanging provider off"
    assert {a.status_code for a in answers} <= {502, 504}, [a.status_code for a in answers]
    check_outcomes([chat_outcome(a) for a in answers], interactions)
    # Failed calls are stored too (SPEC §3.1), once each, as errors.
    deadline = time.monotonic() + 10
    while interactions.count_documents({"userId": "hang"}) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert interactions.count_documents({"userId": "hang", "status": "error"}) == 4


def test_a_provider_resetting_mid_answer_and_mid_stream(own_db, double, launch, tmp_path):
    service = launch(service_env(own_db.uri, double, tmp_path / "spool", "mongo") | {"RETRY_BASE_DELAY_MS": "10"})
    interactions = pymongo.MongoClient(own_db.uri).durability.interactions
    double.script([{"kind": "close_mid_body", "route": "ollama"}, {"kind": "success", "route": "ollama"},
                   {"kind": "drop", "route": "ollama"}, {"kind": "drop", "route": "ollama"},
                   {"kind": "drop", "route": "ollama"}])
    retried = service.chat({"userId": "reset", "prompt": "retried"})
    failed = service.chat({"userId": "reset", "prompt": "failed"})
    assert retried.status_code == 200 and failed.status_code == 502, (retried.text, failed.text)
    assert retried.json()["attempts"] == 2
    double.script([{"kind": "fail_mid_stream", "route": "ollama", "chunks": ["par", "tial"], "message": "runner died"}])
    stream = requests.post(f"{service.url}/v1/chat/completions", stream=True, timeout=30, json={
        "model": "llama3.2", "stream": True, "user": "reset-stream", "messages": [{"role": "user", "content": "s"}]})
    events = [line for line in stream.iter_lines() if line.startswith(b"data: ")]
    assert stream.status_code == 200 and b"upstream_failed" in events[-1], events
    stream_id = json.loads(events[0][6:])["id"].removeprefix("chatcmpl-")
    check_outcomes([chat_outcome(retried), chat_outcome(failed), (200, "", stream_id)], interactions)
    stored = interactions.find_one({"_id": stream_id})
    assert stored["status"] == "error" and stored["error"]["code"] == "upstream_failed"
    assert stored["response"] == "partial"


@pytest.mark.parametrize("fault", ["killed", "hung"])
def test_mongodb_killed_or_hung_while_providers_fail_too(fault, own_db, double, launch, tmp_path):
    service = launch(service_env(own_db.uri, double, tmp_path / "spool", "disk") | {"RETRY_BASE_DELAY_MS": "10"})
    double.script([{"kind": "error", "route": "ollama", "status": 400} if i % 3 == 0 else
                   {"kind": "success", "route": "ollama"} for i in range(30)])
    outcomes = []
    for i in range(30):
        if i == 10:
            own_db.kill() if fault == "killed" else own_db.pause()
        if i == 20:
            own_db.start() if fault == "killed" else own_db.resume()
        outcomes.append(chat_outcome(service.chat({"userId": f"fault-{fault}", "prompt": f"#{i}"})))
    assert sum(1 for status, _, _ in outcomes if status == 200) >= 15, [o[0] for o in outcomes]
    wait_until_shipped(service)
    check_outcomes(outcomes, pymongo.MongoClient(own_db.uri).durability.interactions)


def small_tmpfs(path):
    path.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(path)], capture_output=True)
    return result.returncode == 0


def test_a_full_disk_under_the_local_log_answers_503_and_loses_nothing_accepted(own_db, double, launch, tmp_path):
    spool = tmp_path / "spool-fs"
    mounted = small_tmpfs(spool)
    print("disk full by:", "a 1 MiB tmpfs" if mounted else "SPOOL_MAX_BYTES=65536 (no tmpfs: not root)")
    env = service_env(own_db.uri, double, spool / "log", "disk") | {"SPOOL_MAX_BYTES": str(4 << 20 if mounted else 65536)}
    try:
        service = launch(env)
        interactions = pymongo.MongoClient(own_db.uri).durability.interactions
        own_db.pause()  # nothing ships, so the log fills up
        outcomes = []
        big = "x" * 20_000
        try:
            for i in range(120):
                response = service.chat({"userId": "full", "prompt": f"{i} {big}"})
                outcomes.append(chat_outcome(response))
                if response.status_code == 503:
                    assert response.headers.get("Retry-After"), response.headers
                    break
        finally:
            own_db.resume()
        assert outcomes[-1][0] == 503, f"the log never filled: {[o[0] for o in outcomes]}"
        wait_until_shipped(service)
        check_outcomes(outcomes, interactions)
        assert interactions.count_documents({"userId": "full"}) == sum(1 for o in outcomes if o[0] == 200)
        assert service.terminate() == 0
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(spool)], capture_output=True)


FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"


def test_a_wall_clock_jump_forward_and_back_loses_nothing_and_times_out_nothing(own_db, double, launch, tmp_path):
    """An NTP step under load: libfaketime (Debian `faketime`, installed by scripts/bootstrap.sh)
    moves the service's wall clock an hour forward, then two hours back, while 4 clients post. Every
    deadline runs on the monotonic clock (left alone), so no call times out; every 2xx is stored
    exactly once and the shipper carries on across both jumps."""
    offset = tmp_path / "faketime"
    offset.write_text("+0\n")
    env = service_env(own_db.uri, double, tmp_path / "spool", "disk") | {
        "LD_PRELOAD": FAKETIME_LIB, "FAKETIME_TIMESTAMP_FILE": str(offset), "FAKETIME_NO_CACHE": "1",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1", "PROVIDER_TIMEOUT_MS": "5000", "REQUEST_TIMEOUT_MS": "8000"}
    service = launch(env)
    interactions = pymongo.MongoClient(own_db.uri).durability.interactions
    outcomes, stop = [], time.monotonic() + 6

    def client(k):
        session, mine = requests.Session(), []
        while time.monotonic() < stop:
            mine.append(chat_outcome(session.post(f"{service.url}/v1/chat", timeout=30,
                                                  json={"userId": f"jump-{k}", "prompt": f"#{len(mine)}"})))
        return mine

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(client, k) for k in range(4)]
        time.sleep(2)
        offset.write_text("+1h\n")
        time.sleep(2)
        offset.write_text("-1h\n")
        for future in futures:
            outcomes += future.result()
    assert len(outcomes) > 20
    assert all(status == 200 for status, _, _ in outcomes), {status for status, _, _ in outcomes}
    wait_until_shipped(service)
    check_outcomes(outcomes, interactions)
    assert interactions.count_documents({"userId": {"$regex": "^jump-"}}) == len(outcomes)
    # The documents carry the jumped wall clock: some an hour ahead, some an hour behind.
    stamps = [d["requestedAt"] for d in interactions.find({"userId": {"$regex": "^jump-"}}, {"requestedAt": 1})]
    assert max(stamps) - min(stamps) > datetime.timedelta(minutes=100), (min(stamps), max(stamps))
