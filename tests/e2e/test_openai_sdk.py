"""The official `openai` Python SDK against the built chat-service (provider-double upstream),
each test reading the stored document back with pymongo."""

import time

import openai
import pytest
import requests


def doc_for(database, completion_id, prefix):
    assert completion_id.startswith(prefix), completion_id
    return database.interactions.find_one({"_id": completion_id[len(prefix):]})


@pytest.fixture
def service(start_service, double):
    return start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url, RETRY_BASE_DELAY_MS=10)


@pytest.fixture
def client(service):
    return openai.OpenAI(base_url=f"{service.url}/v1", api_key="unused-while-keys-are-off", max_retries=0)


def test_chat_completion_plain(client, database):
    completion = client.chat.completions.create(
        model="llama3.2", user="sdk-user",
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is SSE?"}])
    assert completion.object == "chat.completion"
    assert completion.choices[0].message.content == "Echo: What is SSE?"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens > 0
    assert completion._request_id  # x-request-id
    doc = doc_for(database, completion.id, "chatcmpl-")
    assert doc["route"] == "/v1/chat/completions" and doc["userId"] == "sdk-user" and doc["stream"] is False
    assert doc["prompt"] == "What is SSE?" and doc["response"] == "Echo: What is SSE?"
    assert [m["role"] for m in doc["messages"]] == ["system", "user"]
    assert doc["usage"]["totalTokens"] == completion.usage.total_tokens
    assert doc["requestId"] == completion._request_id


def test_chat_completion_stream_with_usage(client, double, database):
    double.script([{"kind": "success", "route": "ollama", "chunks": ["Streams ", "arrive ", "in ", "pieces."],
                    "promptTokens": 6, "completionTokens": 4, "chunkDelayMs": 20}])
    stream = client.chat.completions.create(
        model="llama3.2", messages=[{"role": "user", "content": "stream please"}],
        stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Streams arrive in pieces."
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    usage_chunk = chunks[-1]
    assert usage_chunk.choices == [] and usage_chunk.usage.completion_tokens == 4 and usage_chunk.usage.prompt_tokens == 6
    doc = doc_for(database, chunks[0].id, "chatcmpl-")
    assert doc["stream"] is True and doc["status"] == "ok" and doc["response"] == text
    assert doc["usage"] == {"promptTokens": 6, "completionTokens": 4, "totalTokens": 10}


def test_chat_completion_stream_without_usage_option(client, database):
    chunks = list(client.chat.completions.create(
        model="llama3.2", messages=[{"role": "user", "content": "hi there"}], stream=True))
    assert all(c.usage is None for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Echo: hi there"
    assert doc_for(database, chunks[0].id, "chatcmpl-")["stream"] is True


def test_legacy_completion(client, database):
    completion = client.completions.create(model="llama3.2", prompt="Say hello")
    assert completion.object == "text_completion"
    assert completion.choices[0].text == "Echo: Say hello"
    doc = doc_for(database, completion.id, "cmpl-")
    assert doc["route"] == "/v1/completions" and doc["userId"] == "anonymous" and "messages" not in doc


def test_models_list(client):
    ids = {m.id for m in client.models.list()}
    assert "llama3.2" in ids


def test_unknown_model_raises_not_found(client, database):
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="gpt-99", messages=[{"role": "user", "content": "hi"}])
    assert raised.value.code == "model_not_found"
    assert database.interactions.count_documents({}) == 0


def test_rate_limited_upstream_raises_rate_limit_error(start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url, RETRY_MAX_ATTEMPTS=1)
    client = openai.OpenAI(base_url=f"{service.url}/v1", api_key="x", max_retries=0)
    double.script([{"kind": "error", "route": "ollama", "status": 429, "retryAfter": "2"}])
    with pytest.raises(openai.RateLimitError) as raised:
        client.chat.completions.create(model="llama3.2", messages=[{"role": "user", "content": "hi"}])
    assert raised.value.response.headers["retry-after"] == "2"
    assert database.interactions.find_one({"status": "error"})["error"]["code"] == "providers_failed"


def test_missing_or_revoked_key_raises_authentication_error(start_service, double, database):
    admin = "e2e-admin-key-0123456789abcdef"
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url, ADMIN_API_KEY=admin)
    with pytest.raises(openai.AuthenticationError) as raised:
        openai.OpenAI(base_url=f"{service.url}/v1", api_key="csk_wrong", max_retries=0).models.list()
    assert raised.value.code == "invalid_api_key"
    # The admin key opens admin routes only (SPEC §3.3): the SDK sees a 401 with it too.
    with pytest.raises(openai.AuthenticationError) as raised:
        openai.OpenAI(base_url=f"{service.url}/v1", api_key=admin, max_retries=0).models.list()
    assert "admin routes only" in raised.value.message

    created = requests.post(f"{service.url}/admin/keys", json={"name": "sdk"},
                            headers={"Authorization": f"Bearer {admin}"}, timeout=10).json()
    client = openai.OpenAI(base_url=f"{service.url}/v1", api_key=created["key"], max_retries=0)
    completion = client.chat.completions.create(model="llama3.2", messages=[{"role": "user", "content": "hi"}])
    doc = doc_for(database, completion.id, "chatcmpl-")
    assert doc["apiKeyId"] == created["id"] and doc["userId"] == "sdk"
    assert database.api_keys.find_one({"_id": created["id"]})["keyHash"] != created["key"]

    requests.delete(f"{service.url}/admin/keys/{created['id']}", headers={"Authorization": f"Bearer {admin}"}, timeout=10)
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model="llama3.2", messages=[{"role": "user", "content": "hi"}])


def test_stream_closed_early_is_stored_as_client_disconnected_and_upstream_is_cancelled(client, double, database):
    double.script([{"kind": "success", "route": "ollama", "chunks": [f"piece{i} " for i in range(30)],
                    "chunkDelayMs": 100}])
    stream = client.chat.completions.create(
        model="llama3.2", messages=[{"role": "user", "content": "long answer"}], stream=True)
    received = []
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            received.append(chunk.choices[0].delta.content)
        if len(received) == 3:
            break
    stream.close()
    completion_id = chunk.id
    deadline = time.monotonic() + 10
    doc = None
    while time.monotonic() < deadline:
        doc = doc_for(database, completion_id, "chatcmpl-")
        if doc:
            break
        time.sleep(0.1)
    assert doc is not None, "the partial stream was not stored"
    assert doc["status"] == "error" and doc["error"]["code"] == "client_disconnected" and doc["stream"] is True
    assert doc["response"].startswith("".join(received)) and len(doc["response"]) < len("".join(f"piece{i} " for i in range(30)))
    exchanges = requests.get(f"{double.url}/_double/exchanges", timeout=5).json()
    assert exchanges[-1]["closedByClient"] is True and exchanges[-1]["chunksWritten"] < 30
