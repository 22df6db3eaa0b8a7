"""Through a REAL language model: SmolLM2-135M-Instruct served by llama-cpp-python's OpenAI-compatible
server (scripts/local-model.sh, which installs it into .venv if it is missing: minutes the first
time, seconds from pip's cache), with chat-service's provider `openai` pointed at it exactly as
scripts/run.sh does when no provider is configured. It is the only real LLM reachable in CI.
The last tests check run.sh's decision itself: configured provider, else Ollama, else the local model.
"""

import json
import os
import subprocess
import time

import pytest
import requests
from bson.int64 import Int64

from conftest import ROOT, free_port

MODEL = "smollm2"


def assert_int32(value):
    assert type(value) is int and not isinstance(value, Int64), f"{value!r} is not an int32"


@pytest.fixture(scope="module")
def local_model():
    """Base URL (with /v1, as OPENAI_BASE_URL wants it) of a freshly started local model server."""
    port = free_port()
    script = str(ROOT / "scripts" / "local-model.sh")
    started = subprocess.run([script, "start", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert started.returncode == 0, f"local-model.sh start failed:\n{started.stdout}\n{started.stderr}"
    assert f"ready: model {MODEL} at http://127.0.0.1:{port}/v1" in started.stdout, started.stdout
    yield f"http://127.0.0.1:{port}/v1"
    subprocess.run([script, "stop", str(port)], cwd=ROOT, capture_output=True, timeout=60)
    (ROOT / "data" / f"local-model-{port}.log").unlink(missing_ok=True)


SHORT = {"model": MODEL, "max_tokens": 32, "temperature": 0,
         "messages": [{"role": "user", "content": "Name one colour of the rainbow."}]}


def test_the_local_model_server_answers_chat_completions(local_model):
    models = requests.get(f"{local_model}/models", timeout=10).json()
    assert MODEL in [m["id"] for m in models["data"]]

    response = requests.post(f"{local_model}/chat/completions", json=SHORT, timeout=120)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["choices"][0]["message"]["content"].strip()
    usage = body["usage"]
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_the_local_model_server_streams_server_sent_events(local_model):
    with requests.post(f"{local_model}/chat/completions", json={**SHORT, "stream": True},
                       stream=True, timeout=120) as response:
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/event-stream")
        data = [line[len("data: "):] for line in response.iter_lines(decode_unicode=True)
                if line and line.startswith("data: ")]
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text.strip()


def test_a_chat_is_answered_by_the_real_local_model_and_stored_with_its_usage(start_service, database, local_model):
    service = start_service(PROVIDERS="openai", OPENAI_BASE_URL=local_model, OPENAI_MODEL=MODEL,
                            PROVIDER_TIMEOUT_MS=120000, REQUEST_TIMEOUT_MS=180000)
    prompt = "In one short sentence: what is the capital of France?"
    response = requests.post(f"{service.url}/v1/chat", json={"userId": "local-model-e2e", "prompt": prompt},
                             headers={"X-Request-Id": "e2e-local-model"}, timeout=200)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["provider"] == "openai" and body["model"] == MODEL
    assert body["response"].strip() and body["response"] != prompt
    assert body["attempts"] == 1 and body["fallback"] is False
    usage = body["usage"]
    assert usage["promptTokens"] > 0 and usage["completionTokens"] > 0
    assert usage["totalTokens"] == usage["promptTokens"] + usage["completionTokens"]

    doc = database.interactions.find_one({"_id": body["id"]})
    assert doc is not None, "the interaction was not stored"
    assert doc["status"] == "ok" and doc["route"] == "/v1/chat" and doc["userId"] == "local-model-e2e"
    assert doc["provider"] == "openai" and doc["model"] == MODEL
    assert doc["prompt"] == prompt and doc["response"] == body["response"]
    assert doc["requestId"] == "e2e-local-model"
    for key in ("promptTokens", "completionTokens", "totalTokens"):
        assert_int32(doc["usage"][key])
        assert doc["usage"][key] == usage[key] and doc["usage"][key] > 0
    assert [(a["provider"], a["status"]) for a in doc["attempts"]] == [("openai", 200)]


def test_the_real_local_model_answers_embeddings_through_the_service_with_the_openai_sdk(
        start_service, database, local_model):
    """scripts/local-model.sh serves embeddings from the same SmolLM2 (mean-pooled, 576 floats), so the
    offline default answers `client.embeddings.create` for real: the SDK's default base64 path."""
    import math
    from array import array

    import openai

    service = start_service(PROVIDERS="openai", OPENAI_BASE_URL=local_model, OPENAI_MODEL=MODEL,
                            PROVIDER_TIMEOUT_MS=120000, REQUEST_TIMEOUT_MS=180000)
    client = openai.OpenAI(base_url=f"{service.url}/v1", api_key="unused", max_retries=0)
    texts = ["The sky is blue.", "Seven plus five is twelve."]
    result = client.embeddings.create(model=MODEL, input=texts,
                                      extra_headers={"X-Request-Id": "e2e-local-embeddings"})
    vectors = [item.embedding for item in result.data]
    assert len(vectors) == 2 and all(len(v) == 576 for v in vectors)
    assert all(math.isfinite(x) for v in vectors for x in v) and vectors[0] != vectors[1]
    assert result.usage.prompt_tokens > 0

    # The same texts straight from the model server: the gateway passed the vectors on unchanged
    # (as float32, which is what the SDK decodes). A second inference may differ from the first in
    # the last bit of a float32 (llama.cpp batches differently), hence the 1e-6 relative tolerance.
    direct = requests.post(f"{local_model}/embeddings", json={"model": MODEL, "input": texts}, timeout=120)
    assert direct.status_code == 200, direct.text
    for got, item in zip(vectors, direct.json()["data"]):
        assert got == pytest.approx(list(array("f", item["embedding"])), rel=1e-6, abs=1e-7)

    doc = database.interactions.find_one({"requestId": "e2e-local-embeddings"})
    assert doc is not None and doc["status"] == "ok" and doc["route"] == "/v1/embeddings"
    assert doc["provider"] == "openai" and doc["model"] == MODEL
    assert doc["extra"] == {"count": 2, "dimensions": 576}
    assert doc["usage"]["promptTokens"] == result.usage.prompt_tokens
    assert doc["prompt"] == "\n".join(texts) and doc["response"] == ""


# scripts/run.sh decides which model answers before it builds anything. These run it with a `swift`
# that fails at once (so it stops right after the decision) and MONGODB_URI set (no database).

FAKE_OLLAMA = """
import http.server, json, sys
class Tags(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"models": [{"name": "llama3.2:latest"}]}).encode()
        self.send_response(200); self.send_header("content-length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Tags).serve_forever()
"""


def run_sh_decision(tmp_path, **env):
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "swift").write_text("#!/bin/sh\nexit 1\n")
    (fake / "swift").chmod(0o755)
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("GEMINI_", "OLLAMA_", "OPENAI_", "PROVIDERS", "LOCAL_MODEL"))}
    base.update({"PATH": f"{fake}:{os.environ['PATH']}", "MONGODB_URI": "mongodb://127.0.0.1:1"}, **env)
    result = subprocess.run([str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=base, capture_output=True,
                            text=True, timeout=300)
    return result.stdout + result.stderr


def test_run_sh_uses_a_reachable_ollama_and_starts_no_local_model(tmp_path):
    port = free_port()
    ollama = subprocess.Popen(["python3", "-c", FAKE_OLLAMA, str(port)])
    try:
        for _ in range(50):
            try:
                requests.get(f"http://127.0.0.1:{port}/api/tags", timeout=0.5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        out = run_sh_decision(tmp_path, OLLAMA_BASE_URL=f"http://127.0.0.1:{port}")
    finally:
        ollama.terminate()
        ollama.wait()
    assert f"Ollama answers at http://127.0.0.1:{port}" in out, out
    assert "[local-model]" not in out and "warning" not in out, out


def test_run_sh_with_a_configured_provider_starts_no_local_model(tmp_path):
    out = run_sh_decision(tmp_path, GEMINI_API_KEY="k", OLLAMA_BASE_URL="http://127.0.0.1:1")
    assert "providers: as configured" in out and "[local-model]" not in out, out


def test_run_sh_without_providers_or_ollama_starts_the_local_model_and_stops_it_on_exit(tmp_path):
    port = free_port()
    out = run_sh_decision(tmp_path, OLLAMA_BASE_URL="http://127.0.0.1:1", LOCAL_MODEL_PORT=str(port))
    assert f"ready: model {MODEL} at http://127.0.0.1:{port}/v1" in out, out
    assert f"PROVIDERS=openai OPENAI_BASE_URL=http://127.0.0.1:{port}/v1 OPENAI_MODEL={MODEL}" in out, out
    assert f"stopped the model server on port {port}" in out, out
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/v1/models", timeout=2)
    (ROOT / "data" / f"local-model-{port}.log").unlink(missing_ok=True)
