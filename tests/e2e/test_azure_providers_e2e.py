"""Named providers (SPEC §2) and the `azure` kind (protocols.md §5) against the built chat-service:
two Azure regions on the provider-double, the official `openai` SDK falling back from a 503 in the
first region to the second, documents read back with pymongo (their `provider` is the name);
GET /v1/providers in seed 004's shape; X-Correlation-Id and X-User-Id; and a start-up that stops
with one line naming the variable when a named provider is misconfigured, without its secrets."""

import subprocess

import openai
import pytest
import requests

WEST_KEY = "west-secret-key-0001"
EAST_KEY = "east-secret-key-0002"


def two_regions(double, **extra):
    env = {
        "PROVIDERS": "azure-west,azure-east,ollama",
        "AZURE_WEST_KIND": "azure", "AZURE_WEST_BASE_URL": double.url, "AZURE_WEST_API_KEY": WEST_KEY,
        "AZURE_WEST_MODEL": "gpt-4o",
        "AZURE_EAST_KIND": "azure", "AZURE_EAST_BASE_URL": double.url, "AZURE_EAST_API_KEY": EAST_KEY,
        "AZURE_EAST_MODEL": "gpt-4o-east", "AZURE_EAST_API_VERSION": "2025-01-01-preview",
        "OLLAMA_BASE_URL": double.url,
        "RETRY_MAX_ATTEMPTS": "2", "RETRY_BASE_DELAY_MS": "5", "RETRY_MAX_DELAY_MS": "20",
    }
    env.update(extra)
    return env


def sdk(service):
    return openai.OpenAI(base_url=f"{service.url}/v1", api_key="unused-while-keys-are-off", max_retries=0)


def test_sdk_falls_back_from_west_503_to_east_and_stores_provider_names(start_service, double, database):
    service = start_service(**two_regions(double))
    double.script([{"kind": "error", "route": "azure", "status": 503}] * 2)
    answer = sdk(service).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hello regions"}],
        extra_headers={"X-Request-Id": "e2e-azure-fallback"})
    assert answer.choices[0].message.content == "Echo: hello regions"

    sent = double.requests("azure")
    assert [r["path"] for r in sent] == [
        "/openai/deployments/gpt-4o/chat/completions",
        "/openai/deployments/gpt-4o/chat/completions",
        "/openai/deployments/gpt-4o-east/chat/completions",
    ]
    assert [r["uri"].split("?", 1)[1] for r in sent] == [
        "api-version=2024-10-21", "api-version=2024-10-21", "api-version=2025-01-01-preview"]
    assert [r["headers"].get("api-key") for r in sent] == [WEST_KEY, WEST_KEY, EAST_KEY]
    assert all("authorization" not in r["headers"] for r in sent)

    doc = database.interactions.find_one({"requestId": "e2e-azure-fallback"})
    assert doc["provider"] == "azure-east"
    assert doc["model"] == "gpt-4o-east"
    assert doc["fallback"] is True
    assert [a["provider"] for a in doc["attempts"]] == ["azure-west", "azure-west", "azure-east"]
    assert [str(a["status"]) for a in doc["attempts"]] == ["503", "503", "200"]


def test_sdk_streams_through_azure_despite_empty_choices_and_deltaless_events(start_service, double, database):
    service = start_service(**two_regions(double))
    double.script([{"kind": "success", "route": "azure", "chunks": ["Hel", "lo", " Azure"]}])
    stream = sdk(service).chat.completions.create(
        model="gpt-4o", stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "stream please"}], extra_headers={"X-Request-Id": "e2e-azure-stream"})
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == "Hello Azure"
    doc = database.interactions.find_one({"requestId": "e2e-azure-stream"})
    assert doc["provider"] == "azure-west"
    assert doc["response"] == "Hello Azure"
    assert doc["stream"] is True


def test_providers_lists_every_configured_provider_with_models_and_prices(start_service, double):
    service = start_service(**two_regions(double))
    response = requests.get(f"{service.url}/v1/providers", timeout=10)
    assert response.status_code == 200
    data = response.json()["data"]
    assert [(p["name"], p["kind"]) for p in data] == [("azure-west", "azure"), ("azure-east", "azure"),
                                                      ("ollama", "ollama")]
    for provider in data:
        assert provider["id"] == provider["name"]
        assert provider["label"] and provider["description"]
        assert all(m["enabled"] is True and m["id"] == f"{provider['name']}/{m['name']}" for m in provider["model"])
    west = data[0]["model"]
    assert [m["name"] for m in west] == ["gpt-4o"]
    assert west[0]["contextWindow"] == 128000
    token = west[0]["price"][0]["token"]
    assert token["inputValue"] > 0 and token["outputValue"] > 0
    assert west[0]["price"][0]["currency"] == "USD" and west[0]["price"][0]["unitOfMeasure"] == 1000000
    assert [m["name"] for m in data[1]["model"]] == ["gpt-4o-east"]
    assert data[1]["model"][0]["price"] == []
    ollama = data[2]["model"]
    assert ollama and all(m["price"][0]["token"] == {"inputValue": 0, "outputValue": 0} for m in ollama)


def test_correlation_id_is_echoed_and_user_header_sets_user_id(start_service, double, database):
    service = start_service(**two_regions(double))
    response = requests.post(f"{service.url}/v1/chat/completions", timeout=10,
                             headers={"X-Correlation-Id": "6f1c1f4e-corr", "X-User-Id": "user-from-header"},
                             json={"model": "gpt-4o", "messages": [{"role": "user", "content": "who am i"}]})
    assert response.status_code == 200
    assert response.headers["X-Correlation-Id"] == "6f1c1f4e-corr"
    assert response.headers["X-Request-Id"] == "6f1c1f4e-corr"
    doc = database.interactions.find_one({"requestId": "6f1c1f4e-corr"})
    assert doc["userId"] == "user-from-header"
    assert doc["provider"] == "azure-west"


@pytest.mark.parametrize("missing, variable", [
    ("AZURE_EAST_API_KEY", "AZURE_EAST_API_KEY"),
    ("AZURE_EAST_KIND", "AZURE_EAST_KIND"),
    ("AZURE_EAST_MODEL", "AZURE_EAST_MODEL"),
])
def test_a_misconfigured_named_provider_stops_start_up_naming_the_variable(
        missing, variable, binaries, mongo_uri, database, double):
    env = two_regions(double, MONGODB_URI=mongo_uri, MONGODB_DATABASE=database.name, HOST="127.0.0.1", PORT="1")
    del env[missing]
    result = subprocess.run([str(binaries["service"])], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    lines = [line for line in output.splitlines() if variable in line]
    assert len(lines) == 1, output
    assert WEST_KEY not in output and EAST_KEY not in output
