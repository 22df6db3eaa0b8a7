"""Seed 001's flow with the official `ollama` Python client (PyPI `ollama`) pointed at the built
binary instead of an Ollama server: chat, chat streaming, generate, generate streaming, list and
ps, with a client key; every call read back from MongoDB with pymongo. The upstream Ollama is the
`provider-double` executable, which speaks Ollama's wire format (protocols.md §2)."""

import ollama
import pytest
import requests

ADMIN_KEY = "e2e-admin-key-for-the-ollama-gateway"


@pytest.fixture
def gateway(start_service, double):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url, ADMIN_API_KEY=ADMIN_KEY,
                            OLLAMA_KEEP_ALIVE="10m")
    key = service.create_client_key(ADMIN_KEY, name="open-webui")
    client = ollama.Client(host=service.url, headers={"Authorization": f"Bearer {key}"})
    return service, client, key


def test_the_ollama_client_chats_generates_and_lists_through_the_gateway(gateway, double, database):
    service, client, _ = gateway

    answer = client.chat(model="llama3.2", messages=[{"role": "user", "content": "hello gateway"}])
    assert answer.message.content == "Echo: hello gateway"
    assert answer.done and answer.prompt_eval_count > 0 and answer.eval_count > 0

    parts = list(client.chat(model="llama3.2", messages=[{"role": "user", "content": "stream me"}], stream=True))
    assert "".join(p.message.content for p in parts) == "Echo: stream me"
    assert parts[-1].done and not any(p.done for p in parts[:-1])

    generated = client.generate(model="llama3.2", prompt="why is the sky blue")
    assert generated.response == "Echo: why is the sky blue" and generated.done

    pieces = list(client.generate(model="llama3.2", prompt="stream a story", stream=True))
    assert "".join(p.response for p in pieces) == "Echo: stream a story"

    names = [m.model for m in client.list().models]
    assert "llama3.2:latest" in names or "llama3.2" in names, names
    running = client.ps().models
    assert any(m.model.startswith("llama3.2") for m in running), running

    # The keep-alive default reached Ollama on every generation request.
    sent = [r for r in double.requests() if r["path"] in ("/api/chat", "/api/generate")]
    assert len(sent) == 4
    assert all('"keep_alive":"10m"' in r["body"].replace(" ", "") for r in sent), sent

    stored = list(database.interactions.find({}, sort=[("createdAt", 1)]))
    assert [d["route"] for d in stored] == ["/api/chat", "/api/chat", "/api/generate", "/api/generate"]
    assert [d["prompt"] for d in stored] == ["hello gateway", "stream me", "why is the sky blue", "stream a story"]
    assert [d["response"] for d in stored] == [
        "Echo: hello gateway", "Echo: stream me", "Echo: why is the sky blue", "Echo: stream a story"]
    assert [d["stream"] for d in stored] == [False, True, False, True]
    for document in stored:
        assert document["status"] == "ok"
        assert document["provider"] == "ollama" and document["model"] == "llama3.2"
        assert document["usage"]["promptTokens"] > 0 and document["usage"]["completionTokens"] > 0
        assert document["apiKeyId"], "each call is attributed to the key that made it"


def test_the_ollama_client_gets_ollama_errors_for_a_missing_key_and_a_bad_body(gateway, double, database):
    service, _, _ = gateway
    anonymous = ollama.Client(host=service.url)
    with pytest.raises(ollama.ResponseError) as missing:
        anonymous.chat(model="llama3.2", messages=[{"role": "user", "content": "hi"}])
    assert missing.value.status_code == 401
    assert missing.value.error, "the message is in Ollama's {\"error\": ...} shape"

    bad = requests.post(f"{service.url}/api/chat", data="{not json", timeout=10,
                        headers={"Authorization": f"Bearer {gateway[2]}"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"error"}

    admin = ollama.Client(host=service.url, headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    with pytest.raises(ollama.ResponseError) as refused:
        admin.list()
    assert refused.value.status_code == 401, "the admin key opens admin routes only"

    assert double.requests(route="ollama") == []
    assert database.interactions.count_documents({}) == 0


def test_the_ollama_routes_fall_back_to_a_second_ollama_server_before_the_first_byte(start_service, double, database):
    """Two named Ollama servers (SPEC §2): the first answers 503, the second serves the call; the
    client sees one normal answer, plain and streamed, and each document says who answered."""
    service = start_service(PROVIDERS="gpu-a,gpu-b", GPU_A_KIND="ollama", GPU_A_BASE_URL=double.url,
                            GPU_B_KIND="ollama", GPU_B_BASE_URL=double.url, RETRY_MAX_ATTEMPTS=1)
    client = ollama.Client(host=service.url)
    double.script([{"kind": "error", "route": "ollama", "status": 503}])
    answer = client.chat(model="llama3.2", messages=[{"role": "user", "content": "first server is down"}])
    assert answer.message.content == "Echo: first server is down"
    double.script([{"kind": "error", "route": "ollama", "status": 503}])
    parts = list(client.generate(model="llama3.2", prompt="still down", stream=True))
    assert "".join(p.response for p in parts) == "Echo: still down"
    for document in database.interactions.find({}):
        assert document["provider"] == "gpu-b" and document["fallback"] is True
        assert [(a["provider"], a["status"]) for a in document["attempts"]] == [("gpu-a", 503), ("gpu-b", 200)]
