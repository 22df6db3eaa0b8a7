"""Issue 13 end to end: seed 000's accounts (register, login, /user/usage) with the official openai
SDK, and per-key limits that hold across three replicas of the built binary sharing one SecantusDB.

RATE_LIMIT_WINDOW_SECONDS shortens the "minute" window to WINDOW seconds (a test-only knob, see
README): the limits keep their numbers (requestsPerMinute: 100 means 100 per WINDOW seconds), so a
test can see a window end without waiting a minute. Each key's windows start when the key is
created, so a fresh key's first window is a whole WINDOW long."""

import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest
import requests

ADMIN = "admin-key-for-e2e-accounts-0123456789"
WINDOW = 20
PASSWORD = "Tr0ub4dor&3-horse-staple"
PROMPT = "count these five words"
ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture
def replicas(start_service, double, tmp_path):
    """Three replicas of the built binary on one database, each with its own spool."""
    prices = tmp_path / "prices.json"
    # The double serves "llama3.2"; priced here so calls have a cost for the budget test.
    prices.write_text(json.dumps({"llama3.2": {"input": 1000.0, "output": 1000.0}}))

    def start(index):
        return start_service(
            ADMIN_API_KEY=ADMIN, ALLOW_REGISTRATION="true", PROVIDERS="ollama", OLLAMA_BASE_URL=double.url,
            OLLAMA_MODEL="llama3.2", RATE_LIMIT_WINDOW_SECONDS=WINDOW, PRICES_FILE=str(prices),
            SPOOL_DIR=str(tmp_path / f"spool-{index}"), LOG_LEVEL="debug")

    with ThreadPoolExecutor(3) as pool:
        return list(pool.map(start, range(3)))


def create_key(service, limits):
    response = requests.post(f"{service.url}/admin/keys", json={"name": "limited", "limits": limits},
                             headers=ADMIN_HEADERS, timeout=10)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["limits"] == limits
    return body["id"], body["key"]


def hammer(replicas, key, total=240, clients=9):
    """`total` /v1/chat calls from `clients` concurrent clients, client i on replica i % 3.
    Returns [(status, retry_after, id)] in completion order."""
    remaining = [total]
    lock = threading.Lock()
    results = []

    def client(index):
        session = requests.Session()
        service = replicas[index % len(replicas)]
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            response = session.post(f"{service.url}/v1/chat", json={"userId": f"c{index}", "prompt": PROMPT},
                                    headers={"Authorization": f"Bearer {key}"}, timeout=30)
            body = response.json()
            with lock:
                results.append((response.status_code, response.headers.get("Retry-After"), body.get("id"),
                                body))

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return results


def check_refusals(results):
    for status, retry_after, _, body in results:
        assert status in (200, 429), body
        if status == 429:
            assert retry_after is not None and int(retry_after) >= 1
            assert body["error"]["code"] == "rate_limit_exceeded"


def test_accounts_with_the_openai_sdk(replicas, database):
    service = replicas[0]
    registered = requests.post(f"{service.url}/register", json={"username": "ana", "password": PASSWORD}, timeout=10)
    assert registered.status_code == 201, registered.text
    assert registered.json()["username"] == "ana"
    duplicate = requests.post(f"{replicas[1].url}/register", json={"username": "ana", "password": PASSWORD}, timeout=10)
    assert duplicate.status_code == 409
    weak = requests.post(f"{service.url}/register", json={"username": "bia", "password": "short"}, timeout=10)
    assert weak.status_code == 400 and "short" not in weak.text

    login = requests.post(f"{replicas[2].url}/login", json={"username": "ana", "password": PASSWORD}, timeout=10)
    assert login.status_code == 200
    key = login.json()["api_key"]
    assert key != registered.json()["api_key"]
    sdk = openai.OpenAI(base_url=f"{replicas[1].url}/v1", api_key=key, max_retries=0)
    answer = sdk.chat.completions.create(model="llama3.2", messages=[{"role": "user", "content": PROMPT}])
    assert answer.choices[0].message.content
    old_key_sdk = openai.OpenAI(base_url=f"{service.url}/v1", api_key=registered.json()["api_key"], max_retries=0)
    old_key_sdk.chat.completions.create(model="llama3.2", messages=[{"role": "user", "content": "again"}])

    usage = requests.get(f"{service.url}/user/usage", headers={"Authorization": f"Bearer {key}"}, timeout=10).json()
    assert usage["username"] == "ana" and usage["requests"] == 2
    assert usage["tokens_used"] == answer.usage.total_tokens + database.interactions.find_one(
        {"prompt": "again"})["usage"]["totalTokens"]
    assert usage["cost"] > 0

    # Brute force: one message for a missing user and a wrong password; the 11th try is 429, on any replica.
    wrong = requests.post(f"{service.url}/login", json={"username": "ana", "password": "wrong-password"}, timeout=10)
    missing = requests.post(f"{service.url}/login", json={"username": "nobody", "password": "wrong-password"},
                            timeout=10)
    assert wrong.status_code == missing.status_code == 401 and wrong.json() == missing.json()
    for attempt in range(9):
        guess = requests.post(f"{replicas[attempt % 3].url}/login",
                              json={"username": "ana", "password": f"guess-{attempt}-xx"}, timeout=10)
        assert guess.status_code == 401
    throttled = requests.post(f"{replicas[1].url}/login", json={"username": "ana", "password": PASSWORD}, timeout=10)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{service.url}/v1", api_key=ADMIN, max_retries=0).models.list()

    # The password is in no collection and no replica's log (debug level).
    for name in database.list_collection_names():
        for document in database[name].find():
            text = json.dumps(document, default=str)
            assert PASSWORD not in text and "wrong-password" not in text and "guess-0-xx" not in text, name
    for replica in replicas:
        log = replica.output()
        assert PASSWORD not in log and "wrong-password" not in log and "guess-0-xx" not in log


def test_requests_per_minute_hold_across_three_replicas(replicas, database):
    key_id, key = create_key(replicas[0], {"requestsPerMinute": 100})
    started = time.monotonic()
    results = hammer(replicas, key)
    elapsed = time.monotonic() - started
    assert elapsed < WINDOW - 2, f"the 240 calls took {elapsed:.1f} s, longer than one window: inconclusive"
    admitted = [r for r in results if r[0] == 200]
    print(f"requestsPerMinute=100, 240 calls over 3 replicas: admitted {len(admitted)} in {elapsed:.1f} s")
    assert 100 <= len(admitted) <= 101
    check_refusals(results)
    stored = database.interactions.count_documents({"apiKeyId": key_id})
    assert stored == len(admitted)
    listing = requests.get(f"{replicas[2].url}/admin/keys", headers=ADMIN_HEADERS, timeout=10).json()["keys"]
    window = next(k for k in listing if k["id"] == key_id)["window"]
    assert window["requests"] == len(admitted)
    metrics = requests.get(f"{replicas[0].url}/metrics", timeout=10).text
    assert 'chat_rate_limited_total{limit="requestsPerMinute"}' in metrics


def test_tokens_per_minute_hold_across_three_replicas(replicas, database):
    probe_id, probe_key = create_key(replicas[0], {"requestsPerMinute": 1000})
    probe = replicas[0].chat({"userId": "probe", "prompt": PROMPT}, headers={"Authorization": f"Bearer {probe_key}"})
    per_call = probe.json()["usage"]["totalTokens"]
    key_id, key = create_key(replicas[1], {"tokensPerMinute": 100 * per_call})
    started = time.monotonic()
    results = hammer(replicas, key)
    elapsed = time.monotonic() - started
    assert elapsed < WINDOW - 2, f"the 240 calls took {elapsed:.1f} s, longer than one window: inconclusive"
    admitted = [r for r in results if r[0] == 200]
    tokens = sum(d["usage"]["totalTokens"] for d in database.interactions.find({"apiKeyId": key_id}))
    window = next(k for k in requests.get(f"{replicas[0].url}/admin/keys", headers=ADMIN_HEADERS, timeout=10)
                  .json()["keys"] if k["id"] == key_id)["window"]
    print(f"tokensPerMinute={100 * per_call} ({per_call} a call), 240 calls: admitted {len(admitted)}, "
          f"{tokens} tokens stored, window {window}")
    assert 100 <= len(admitted) <= 101
    check_refusals(results)
    assert database.interactions.count_documents({"apiKeyId": key_id}) == len(admitted)
    assert tokens <= 100 * per_call * 1.01 + per_call


def test_budget_stops_spending_and_a_patch_lets_calls_through(replicas, database):
    key_id, key = create_key(replicas[0], {"budgetPerDay": 0.0001})
    auth = {"Authorization": f"Bearer {key}"}
    statuses = []
    for index in range(12):
        statuses.append(replicas[index % 3].chat({"userId": "b", "prompt": PROMPT}, headers=auth).status_code)
    assert 429 in statuses and statuses[0] == 200
    first_refusal = statuses.index(429)
    assert all(s == 429 for s in statuses[first_refusal:]), statuses
    spent = sum(d["cost"]["total"] for d in database.interactions.find({"apiKeyId": key_id}))
    assert spent >= 0.0001
    refused = replicas[1].chat({"userId": "b", "prompt": PROMPT}, headers=auth)
    assert refused.status_code == 429 and "budgetPerDay" in refused.json()["error"]["message"]

    patched = requests.patch(f"{replicas[2].url}/admin/keys/{key_id}", json={"limits": {"budgetPerDay": 10}},
                             headers=ADMIN_HEADERS, timeout=10)
    assert patched.status_code == 200
    deadline = time.monotonic() + 6  # the key cache lives 5 s
    through = set()
    while len(through) < 3 and time.monotonic() < deadline:
        for index, replica in enumerate(replicas):
            if index not in through and replica.chat({"userId": "b", "prompt": PROMPT}, headers=auth).status_code == 200:
                through.add(index)
        time.sleep(0.2)
    assert through == {0, 1, 2}, "a raised budget lets calls through on every replica within the cache lifetime"


def test_a_replica_killed_mid_window_lowers_the_limit_for_that_window_only(replicas, database):
    key_id, key = create_key(replicas[0], {"requestsPerMinute": 30})
    created = time.monotonic()
    victim = replicas[2]
    auth = {"Authorization": f"Bearer {key}"}
    statuses = []

    def call(replica):
        try:
            return requests.post(f"{replica.url}/v1/chat", json={"userId": "k", "prompt": PROMPT}, headers=auth,
                                 timeout=10).status_code
        except requests.RequestException:
            return "dropped"

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(call, replicas[i % 3]) for i in range(12)]
        time.sleep(0.05)
        os.kill(victim.proc.pid, signal.SIGKILL)
        statuses = [f.result() for f in futures]
    victim.proc.wait()
    survivors = replicas[:2]
    first = [call(survivors[i % 2]) for i in range(40)]
    counted_first = 30 - first.count(200)
    # Whatever the killed replica had counted stays counted in this window, and only in it.
    assert first.count(200) + statuses.count(200) <= 30
    wait = WINDOW - (time.monotonic() - created) + 0.5
    assert wait > 0, "the first window ended before the test could look at it"
    time.sleep(wait)
    second = [call(survivors[i % 2]) for i in range(40)]
    print(f"kill -9 mid-window: first window admitted {30 - counted_first} on the survivors, next window {second.count(200)}")
    assert second.count(200) == 30, second


def test_a_replica_gives_back_what_it_reserved_and_did_not_use(replicas, database):
    """Far from the limit a replica reserves more than the calls in hand (a slice); what it does not
    use goes back to the window after a second idle, and at once when it stops (SIGTERM)."""
    key_id, key = create_key(replicas[0], {"requestsPerMinute": 100000})
    auth = {"Authorization": f"Bearer {key}"}
    session = requests.Session()
    for _ in range(30):
        assert session.post(f"{replicas[0].url}/v1/chat", json={"userId": "g", "prompt": PROMPT}, headers=auth,
                            timeout=10).status_code == 200

    def counted():
        return database.limits.find_one({"keyId": key_id})["requests"]

    reserved = counted()
    print(f"after 30 calls the window counts {reserved} requests (the rest is the replica's unused slice)")
    assert reserved > 30, "far from the limit the replica reserved ahead"
    deadline = time.monotonic() + 5
    while counted() != 30 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert counted() == 30, "an unused slice goes back after a second idle"

    for _ in range(30):
        assert session.post(f"{replicas[0].url}/v1/chat", json={"userId": "g", "prompt": PROMPT}, headers=auth,
                            timeout=10).status_code == 200
    assert counted() > 60
    replicas[0].proc.send_signal(signal.SIGTERM)
    replicas[0].proc.wait(timeout=30)
    assert counted() == 60, "a replica that stops gives its slice back"
