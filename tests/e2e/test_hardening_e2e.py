"""Issue 14: what a hostile or unlucky client does to the built binary — clients that reset or
close before the answer, idle and half-sent connections — each checked against what MongoDB ends
up holding."""

import concurrent.futures
import json
import socket
import struct
import subprocess
import time

import pymongo
import pytest
import requests
import requests.adapters

import secantus
from conftest import Service, free_port


def wait_for_document(database, query, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = database.interactions.find_one(query)
        if doc is not None:
            return doc
        time.sleep(0.1)
    return None


def raw_post(port, path, body):
    """Sends one HTTP/1.1 POST on a fresh socket and returns the socket without reading."""
    data = json.dumps(body).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n".encode() + data)
    return sock


def reset(sock):
    """Closes with SO_LINGER 0: the kernel sends RST, as a crashed or impatient client does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def test_a_stream_whose_client_resets_before_the_first_byte_is_stored_as_client_disconnected(
        start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    double.script([{"kind": "success", "route": "ollama", "delayMs": 2000} for _ in range(3)])
    sockets = [raw_post(service.port, "/v1/chat/completions", {
        "model": "llama3.2", "stream": True, "user": f"reset-{i}",
        "messages": [{"role": "user", "content": f"stream {i}"}]}) for i in range(3)]
    time.sleep(0.5)
    for sock in sockets:
        reset(sock)
    for i in range(3):
        doc = wait_for_document(database, {"userId": f"reset-{i}"})
        assert doc is not None, f"stream {i} left no document:\n{service.output()}"
        assert doc["status"] == "error" and doc["error"]["code"] == "client_disconnected", doc
        assert doc["stream"] is True and doc["route"] == "/v1/chat/completions"
        # The upstream call was cancelled when the client left, not run to its end.
        assert doc["latencyMs"] < 1800, doc["latencyMs"]
    assert database.interactions.count_documents({}) == 3


def test_a_plain_call_whose_client_closes_is_cancelled_and_stored_as_client_disconnected(
        start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    double.script([{"kind": "success", "route": "ollama", "delayMs": 2000},
                   {"kind": "success", "route": "ollama", "delayMs": 2000}])
    native = raw_post(service.port, "/v1/chat", {"userId": "closer-native", "prompt": "slow"})
    openai_route = raw_post(service.port, "/v1/chat/completions", {
        "model": "llama3.2", "user": "closer-openai", "messages": [{"role": "user", "content": "slow"}]})
    time.sleep(0.5)
    native.close()  # an orderly close (FIN), as a client that gave up does
    reset(openai_route)
    for user, route in (("closer-native", "/v1/chat"), ("closer-openai", "/v1/chat/completions")):
        doc = wait_for_document(database, {"userId": user})
        assert doc is not None, f"{route}: no document:\n{service.output()}"
        assert doc["route"] == route
        assert doc["status"] == "error" and doc["error"]["code"] == "client_disconnected", doc
        assert doc["latencyMs"] < 1800, f"{route}: the upstream call ran on ({doc['latencyMs']} ms)"
    assert database.interactions.count_documents({}) == 2
    # The service still answers the next caller normally.
    answered = service.chat({"userId": "after", "prompt": "hi"})
    assert answered.status_code == 200, answered.text


def closed_within(sock, seconds):
    sock.settimeout(seconds)
    try:
        while True:
            got = sock.recv(4096)
            if not got:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def test_idle_and_half_sent_connections_are_closed_after_the_idle_timeout_but_a_waiting_call_is_not(
        start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url, IDLE_TIMEOUT_MS=1000)
    silent = socket.create_connection(("127.0.0.1", service.port))
    partial_head = socket.create_connection(("127.0.0.1", service.port))
    partial_head.sendall(b"POST /v1/chat HTTP/1.1\r\nHost: x\r\nContent-Le")
    partial_body = socket.create_connection(("127.0.0.1", service.port))
    partial_body.sendall(b"POST /v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n{\"userId\": ")
    double.script([{"kind": "success", "route": "ollama", "delayMs": 2500}])
    started = time.monotonic()
    slow = service.chat({"userId": "patient", "prompt": "take your time"})
    assert slow.status_code == 200, slow.text  # 2.5 s waiting for the provider is not idle
    assert time.monotonic() - started >= 2.4
    for name, sock in (("silent", silent), ("partial head", partial_head), ("partial body", partial_body)):
        assert closed_within(sock, 3), f"the {name} connection is still open"
    assert database.interactions.count_documents({}) == 1


def concurrent_slow_calls(service, double, calls, delay_ms):
    double.script([{"kind": "success", "route": "ollama", "delayMs": delay_ms} for _ in range(calls)])
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=calls))
    with concurrent.futures.ThreadPoolExecutor(max_workers=calls) as pool:
        futures = [pool.submit(session.post, f"{service.url}/v1/chat",
                               json={"userId": f"crowd-{i}", "prompt": f"call {i}"}, timeout=60)
                   for i in range(calls)]
        return [f.result() for f in futures]


def test_many_concurrent_slow_calls_to_one_provider_are_all_answered(start_service, double, database):
    # Each call may wait 4.5 s for its one attempt: 64 two-second calls over AsyncHTTPClient's
    # default 8 connections per host need 16 s, so most timed out waiting for a connection.
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url, PROVIDER_TIMEOUT_MS=4500,
                            RETRY_MAX_ATTEMPTS=1)
    answers = concurrent_slow_calls(service, double, 64, 2000)
    statuses = [a.status_code for a in answers]
    assert statuses.count(200) == 64, {s: statuses.count(s) for s in set(statuses)}
    assert database.interactions.count_documents({"status": "ok"}) == 64


def test_waiting_for_a_busy_provider_connection_is_not_a_failed_attempt(start_service, double, database):
    # Two connections, six 1.2 s calls: the second pair waits 1.2 s and the third 2.4 s for a
    # connection, longer than the 2 s attempt timeout. That wait counts against REQUEST_TIMEOUT_MS
    # only: no call may time out waiting, be retried or fall back because of it.
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url, PROVIDER_MAX_CONNECTIONS=2,
                            PROVIDER_TIMEOUT_MS=2000, REQUEST_TIMEOUT_MS=20000, RETRY_MAX_ATTEMPTS=3,
                            LOG_LEVEL="info")
    answers = concurrent_slow_calls(service, double, 6, 1200)
    statuses = [a.status_code for a in answers]
    assert statuses == [200] * 6, [a.text[:300] for a in answers]
    assert [a.json()["attempts"] for a in answers] == [1] * 6, [a.json()["attempts"] for a in answers]
    documents = list(database.interactions.find({}))
    assert len(documents) == 6
    assert all(len(doc["attempts"]) == 1 and doc["attempts"][0]["status"] == 200 for doc in documents), \
        [doc["attempts"] for doc in documents]
    assert len(double.requests("ollama")) == 6
    assert "retrying provider" not in service.output()


def test_a_newline_or_nul_in_a_logged_value_cannot_forge_a_log_line(start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url, LOG_LEVEL="info")
    forged = "2026-12-01T00:00:00+0000 critical chat-service: FORGED"
    answered = service.chat({"userId": "forger", "prompt": "hi", "model": f"llama3.2\n{forged}\u0000x"})
    assert answered.status_code == 200, answered.text
    time.sleep(0.3)
    lines = service.output().splitlines()
    assert not any(line.startswith(forged) for line in lines), service.output()
    assert "\x00" not in service.output()
    logged = [line for line in lines if "FORGED" in line]
    assert logged and all("llama3.2\\n2026" in line and "\\u{0}x" in line for line in logged), logged


def test_a_blank_admin_api_key_stops_start_up_instead_of_turning_keys_off(binaries, mongo_uri, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "MONGODB_URI": mongo_uri, "SPOOL_DIR": str(tmp_path / "spool"),
           "OLLAMA_BASE_URL": "http://127.0.0.1:9", "PORT": str(free_port()), "ADMIN_API_KEY": " " * 16}
    result = subprocess.run([str(binaries["service"])], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "ADMIN_API_KEY" in lines[0], result.stderr


def test_model_names_in_metrics_are_bounded_in_length_and_number(start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    huge = "m" * 100_000
    assert service.chat({"userId": "u", "prompt": "hi", "model": huge}).status_code == 200
    for i in range(70):
        assert service.chat({"userId": "u", "prompt": "hi", "model": f"model-{i}"}).status_code == 200
    metrics = requests.get(f"{service.url}/metrics", timeout=5).text
    assert huge not in metrics and "m" * 200 not in metrics
    token_lines = [line for line in metrics.splitlines() if line.startswith("chat_tokens_total{")]
    models = {line.split('model="', 1)[1].split('"', 1)[0] for line in token_lines}
    assert len(models) <= 65 and "other" in models, sorted(models)


def test_the_openai_user_field_is_validated_like_user_id(start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    for user in ("   ", "u" * 900_000, "u" * 257):
        response = requests.post(f"{service.url}/v1/chat/completions", timeout=30, json={
            "model": "llama3.2", "user": user, "messages": [{"role": "user", "content": "hi"}]})
        assert response.status_code == 400, response.text[:300]
        error = response.json()["error"]
        assert error["param"] == "user" and "user" in error["message"], error
    assert database.interactions.count_documents({}) == 0
    ok = requests.post(f"{service.url}/v1/chat/completions", timeout=30, json={
        "model": "llama3.2", "user": "u" * 256, "messages": [{"role": "user", "content": "hi"}]})
    assert ok.status_code == 200, ok.text


@pytest.fixture
def auth_mongo(tmp_path):
    """A SecantusDB that requires SCRAM authentication, with one user `svc` (password `right-pw`):
    provisioned without auth, then restarted with --auth, as its own help says."""
    data, port = tmp_path / "authdb", free_port()
    data.mkdir()
    command = [secantus.executable(), "--host", "127.0.0.1", "--port", str(port), "--storage-path", str(data),
               "--standalone", "--log-level", "WARNING"]
    log = open(tmp_path / "authdb.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    secantus.wait(port, process=server)
    pymongo.MongoClient(f"mongodb://127.0.0.1:{port}").admin.command(
        "createUser", "svc", pwd="right-pw", roles=[{"role": "root", "db": "admin"}])
    server.terminate()
    server.wait(timeout=10)
    server = subprocess.Popen(command + ["--auth"], stdout=log, stderr=subprocess.STDOUT)
    secantus.wait(port, process=server)
    yield port
    server.terminate()
    server.wait(timeout=10)


def test_mongodb_refusing_the_credentials_at_start_up_stops_it_with_one_line(binaries, auth_mongo, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "MONGODB_URI": f"mongodb://svc:Wr0ngS3cret@127.0.0.1:{auth_mongo}/",
           "SPOOL_DIR": str(tmp_path / "spool"), "OLLAMA_BASE_URL": "http://127.0.0.1:9", "PORT": str(free_port())}
    result = subprocess.run([str(binaries["service"])], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "MONGODB_URI" in lines[0] and "refused" in lines[0], result.stderr
    assert "Wr0ngS3cret" not in result.stderr + result.stdout


def test_mongodb_refusing_writes_later_is_reported_and_nothing_is_lost(binaries, auth_mongo, double, tmp_path):
    # No credentials: MongoDB answers ping (start-up passes) but refuses every insert (Unauthorized).
    base = {"PROVIDERS": "ollama", "OLLAMA_BASE_URL": double.url, "DURABILITY": "disk", "LOG_LEVEL": "warning",
            "MONGODB_DATABASE": "refusal", "SPOOL_DIR": str(tmp_path / "spool")}
    service = Service(binaries["service"], base | {"MONGODB_URI": f"mongodb://127.0.0.1:{auth_mongo}/"})
    try:
        answers = [service.chat({"userId": "kept", "prompt": f"call {i}"}) for i in range(5)]
        assert [a.status_code for a in answers] == [200] * 5, [a.text for a in answers]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ready = requests.get(f"{service.url}/ready", timeout=5)
            if ready.status_code == 503:
                break
            time.sleep(0.2)
        assert ready.status_code == 503, ready.text
        assert ready.json()["mongo"] == "refusing_writes" and ready.json()["lag"]["records"] == 5, ready.text
        refused = [line for line in service.output().splitlines() if "refuses the service's writes" in line]
        assert len(refused) == 1, service.output()
    finally:
        assert service.terminate() == 0
    # The operator fixes the credentials: the log ships, every answered call exactly once.
    fixed = Service(binaries["service"], base | {"MONGODB_URI": f"mongodb://svc:right-pw@127.0.0.1:{auth_mongo}/"})
    try:
        stored = pymongo.MongoClient(f"mongodb://svc:right-pw@127.0.0.1:{auth_mongo}/").refusal.interactions
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and stored.count_documents({}) < 5:
            time.sleep(0.2)
        ids = sorted(doc["_id"] for doc in stored.find())
        assert ids == sorted(a.json()["id"] for a in answers)
        assert requests.get(f"{fixed.url}/ready", timeout=5).status_code == 200
    finally:
        fixed.terminate()


def post_raw_body(service, path, body: bytes):
    return requests.post(f"{service.url}{path}", data=body, headers={"Content-Type": "application/json"}, timeout=30)


def test_every_route_parses_json_by_the_same_strict_rules(start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    openai_body = '{"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}], %s}'
    cases = {
        "an infinite number": ('{"userId": "u", "prompt": "hi", "n": 1e999}', openai_body % '"temperature": 1e999'),
        "an unused infinite number": ('{"userId": "u", "prompt": "hi", "x": [1e999]}', openai_body % '"x": 1e999'),
        "a duplicate key": ('{"userId": "u", "prompt": "hi", "prompt": "again"}',
                            openai_body % '"model": "other"'),
    }
    for name, (native, openai_shaped) in cases.items():
        got = post_raw_body(service, "/v1/chat", native.encode())
        assert got.status_code == 400, (name, got.status_code, got.text)
        assert got.json()["error"]["code"] == "invalid_request" and got.json()["error"]["message"], (name, got.text)
        got = post_raw_body(service, "/v1/chat/completions", openai_shaped.encode())
        assert got.status_code == 400, (name, got.status_code, got.text)
        assert got.json()["error"]["message"], (name, got.text)
    invalid_utf8 = b'{"userId": "u", "prompt": "caf\xc3"}'
    got = post_raw_body(service, "/v1/chat", invalid_utf8)
    assert got.status_code == 400 and "JSON" in got.json()["error"]["message"], got.text
    got = post_raw_body(service, "/v1/chat/completions",
                        b'{"model": "llama3.2", "messages": [{"role": "user", "content": "\xff"}]}')
    assert got.status_code == 400 and "JSON" in got.json()["error"]["message"], got.text
    assert database.interactions.count_documents({}) == 0


def test_head_health_answers_like_get_without_a_body(start_service, double):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    head = requests.head(f"{service.url}/health", timeout=5)
    assert head.status_code == 200 and head.content == b"", head
    assert head.headers["Content-Type"].startswith("application/json")


def test_an_impossible_date_and_an_unknown_path_are_answered_with_a_body(start_service, double):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    for bad in ("2026-02-30", "2025-02-29", "2026-04-31", "2026-06-15T24:00:00Z", "2026-13-01"):
        got = requests.get(f"{service.url}/v1/usage", params={"from": bad}, timeout=10)
        assert got.status_code == 400 and "from" in got.json()["error"]["message"], (bad, got.text)
    assert requests.get(f"{service.url}/v1/usage", params={"from": "2024-02-29"}, timeout=10).status_code == 200
    native = requests.get(f"{service.url}/no/such/path", timeout=5)
    assert native.status_code == 404 and native.json()["error"]["code"] == "not_found", native.text
    openai_shaped = requests.get(f"{service.url}/v1/no-such-route", timeout=5)
    assert openai_shaped.status_code == 404 and openai_shaped.json()["error"]["type"] == "invalid_request_error"
    ollama_shaped = requests.post(f"{service.url}/api/no-such-route", timeout=5)
    assert ollama_shaped.status_code == 404 and isinstance(ollama_shaped.json()["error"], str), ollama_shaped.text


def read_until_closed(sock, seconds=5):
    """Everything the server sends until it closes the connection; `None` if it stays open."""
    sock.settimeout(seconds)
    received = b""
    try:
        while True:
            got = sock.recv(65536)
            if not got:
                return received
            received += got
    except (ConnectionResetError, BrokenPipeError):
        return received
    except socket.timeout:
        return None


def split_responses(received):
    """The HTTP/1.1 responses in `received`, in order, as (status, lower-cased headers, body); each
    must carry a Content-Length and nothing may follow the last one."""
    responses = []
    while received:
        head, separator, rest = received.partition(b"\r\n\r\n")
        assert separator, received
        lines = head.decode().split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers["content-length"])
        assert len(rest) >= length, received
        responses.append((int(lines[0].split(" ")[1]), headers, rest[:length]))
        received = rest[length:]
    return responses


def test_a_request_the_http_parser_rejects_gets_a_json_400_and_the_connection_is_closed(start_service, double):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    malformed = {
        "a header line without a colon": b"GET /health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        "a space in a header name": b"POST /v1/chat HTTP/1.1\r\nHost: x\r\nContent Length: 2\r\n\r\n{}",
        "a request line with no version": b"GET /health\r\nHost: x\r\n\r\n",
        "a control character in the path": b"GET /he\x01alth HTTP/1.1\r\nHost: x\r\n\r\n",
        "a second request that is malformed": b"GET /health HTTP/1.1\r\nHost: x\r\n\r\nBROKEN\x00\r\n\r\n",
    }
    for name, raw in malformed.items():
        sock = socket.create_connection(("127.0.0.1", service.port), timeout=10)
        sock.sendall(raw)
        received = read_until_closed(sock)
        sock.close()
        assert received is not None, f"{name}: the connection was left open"
        responses = split_responses(received)
        # The pipelined case answers its well-formed first request first.
        assert [status for status, _, _ in responses] == ([200, 400] if "second" in name else [400]), (name, received)
        _, headers, body = responses[-1]
        assert headers.get("connection") == "close", (name, headers)
        assert headers.get("content-type", "").startswith("application/json"), (name, headers)
        error = json.loads(body)["error"]
        assert error["message"] and error["type"] == "invalid_request_error", (name, error)
        assert error["code"] == "invalid_request", (name, error)
    # The service is unharmed.
    assert requests.get(f"{service.url}/health", timeout=5).status_code == 200


def test_a_body_the_http_parser_rejects_part_way_is_a_json_400_not_a_500_and_nothing_is_stored(
        start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    chunked = b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    malformed = {
        # route: (request, the error shape's check)
        "/v1/chat": (b"POST /v1/chat HTTP/1.1\r\nHost: x\r\n" + chunked + b"ZZ\r\n{}\r\n0\r\n\r\n",
                     lambda error: error["code"] == "invalid_request"),
        "/v1/chat/completions": (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + chunked
                                 + b"5\r\n{\"a\":1}garbage\r\n0\r\n\r\n",
                                 lambda error: error["type"] == "invalid_request_error"),
    }
    for route, (raw, shaped) in malformed.items():
        sock = socket.create_connection(("127.0.0.1", service.port), timeout=10)
        sock.sendall(raw)
        received = read_until_closed(sock)
        sock.close()
        assert received is not None, f"{route}: the connection was left open"
        status, headers, body = split_responses(received)[-1]
        assert status == 400, (route, received)
        error = json.loads(body)["error"]
        assert "not valid HTTP/1.1" in error["message"] and shaped(error), (route, error)
    assert database.interactions.count_documents({}) == 0
    assert not double.requests(), "no provider was called"
    assert requests.get(f"{service.url}/health", timeout=5).status_code == 200
