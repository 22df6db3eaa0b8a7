"""POST /v1/chat from outside the process: the built binary, a real HTTP client, pymongo."""

import concurrent.futures
import datetime
import subprocess
import time

from bson.int64 import Int64

INT32_FIELDS = ["latencyMs"]


def assert_int32(value):
    # pymongo decodes BSON int32 as int and int64 as bson.int64.Int64
    assert type(value) is int and not isinstance(value, Int64), f"{value!r} is not an int32"


def test_chat_is_answered_and_the_document_is_in_mongodb(start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    response = service.chat({"userId": "12345", "prompt": "What is SSE?"}, headers={"X-Request-Id": "e2e-1"})
    assert response.status_code == 200, response.text
    assert response.headers["X-Request-Id"] == "e2e-1"
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["response"] == "Echo: What is SSE?"
    assert body["provider"] == "ollama" and body["model"] == "llama3.2"
    assert body["attempts"] == 1 and body["fallback"] is False
    assert len(body["id"]) == 24
    assert body["timestamp"].endswith("Z") and len(body["timestamp"]) == 24

    doc = database.interactions.find_one({"_id": body["id"]})
    assert doc is not None
    assert doc["userId"] == "12345" and doc["route"] == "/v1/chat" and doc["prompt"] == "What is SSE?"
    assert doc["response"] == body["response"] and doc["status"] == "ok" and "error" not in doc
    assert doc["provider"] == "ollama" and doc["model"] == "llama3.2"
    assert isinstance(doc["requestedAt"], datetime.datetime) and isinstance(doc["timestamp"], datetime.datetime)
    assert doc["requestedAt"] <= doc["timestamp"]
    stamp = datetime.datetime.strptime(body["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert doc["timestamp"] == stamp
    assert_int32(doc["latencyMs"])
    assert doc["latencyMs"] == body["latencyMs"]
    assert len(doc["attempts"]) == 1
    attempt = doc["attempts"][0]
    assert attempt["provider"] == "ollama" and attempt["status"] == 200
    assert_int32(attempt["status"]), assert_int32(attempt["latencyMs"])
    assert doc["fallback"] is False and doc["stream"] is False
    for key in ("promptTokens", "completionTokens", "totalTokens"):
        assert_int32(doc["usage"][key])
        assert doc["usage"][key] == body["usage"][key]
    assert doc["requestId"] == "e2e-1"
    assert "messages" not in doc and "apiKeyId" not in doc
    # The analyst's query from the README uses the {userId: 1, timestamp: -1} index.
    names = {ix["name"] for ix in database.interactions.list_indexes()}
    assert {"userId_1_timestamp_-1", "timestamp_-1", "model_1_timestamp_-1", "status_1_timestamp_-1"} <= names


def test_fallback_and_failure_are_visible_to_the_caller_and_the_analyst(start_service, double, database):
    service = start_service(PROVIDERS="gemini,ollama", GEMINI_API_KEY="k", GEMINI_BASE_URL=double.url,
                            OLLAMA_BASE_URL=double.url, RETRY_BASE_DELAY_MS=10)
    double.script([{"kind": "error", "route": "gemini", "status": 403}])
    ok = service.chat({"userId": "fb", "prompt": "hi"})
    assert ok.status_code == 200 and ok.json()["fallback"] is True and ok.json()["provider"] == "ollama"

    double.script([{"kind": "error", "route": "gemini", "status": 503}] * 3
                  + [{"kind": "error", "route": "ollama", "status": 500}] * 3)
    failed = service.chat({"userId": "fail", "prompt": "hi"})
    assert failed.status_code == 502
    error = failed.json()["error"]
    assert error["code"] == "providers_failed"
    assert [a["status"] for a in error["attempts"]] == ["503"] * 3 + ["500"] * 3
    doc = database.interactions.find_one({"userId": "fail"})
    assert doc["status"] == "error" and doc["error"]["code"] == "providers_failed" and doc["response"] == ""
    assert len(doc["attempts"]) == 6
    assert database.interactions.count_documents({"status": "error"}) == 1


def test_a_bad_configuration_value_stops_start_up_with_one_line_naming_it(binaries):
    for env, variable in [({"PORT": "eighty"}, "PORT"), ({"PROVIDERS": "ollama,claude"}, "PROVIDERS"),
                          ({"MONGODB_URI": "mongodb://"}, "MONGODB_URI"), ({"RETRY_MAX_ATTEMPTS": "x"}, "RETRY_MAX_ATTEMPTS")]:
        result = subprocess.run([str(binaries["service"])], env={"PATH": "/usr/bin:/bin", **env},
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 1, (env, result)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and variable in lines[0], (env, result.stderr)
        assert result.stdout == ""


def test_sigterm_lets_in_flight_chats_finish_and_store_before_exit_zero(start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    double.script([{"kind": "success", "route": "ollama", "text": f"slow {i}", "delayMs": 1500} for i in range(5)])
    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(service.chat, {"userId": "drain", "prompt": f"p{i}"}) for i in range(5)]
        time.sleep(0.5)  # all five are waiting on the provider
        code = service.terminate()
        responses = [f.result() for f in futures]
    assert code == 0, service.output()
    assert [r.status_code for r in responses] == [200] * 5
    assert database.interactions.count_documents({"userId": "drain"}) == 5
