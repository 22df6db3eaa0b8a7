"""POST /v1/embeddings and POST /v1/images/generations through the official `openai` SDK against the
built chat-service, with the provider-double as every upstream kind, each stored document read back
with pymongo. The SDK asks for base64 embeddings by default (protocols.md §3.6) and decodes them as
little-endian float32: the vectors it hands back must be exactly the double's."""

import json

import openai
import pytest
import requests
from bson.int64 import Int64

ONE_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def double_vector(text, dimensions=8):
    """The provider-double's embedding of `text` (ProviderDouble.embeddingVector): FNV-1a 32 of the
    UTF-8 bytes, then ((hash + i * 2654435761) mod 2^32 mod 2049) / 1024 - 1, exact in float32."""
    h = 2166136261
    for byte in text.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return [((h + i * 2654435761) & 0xFFFFFFFF) % 2049 / 1024 - 1 for i in range(dimensions)]


def assert_int32(value):
    assert type(value) is int and not isinstance(value, Int64), f"{value!r} is not an int32"


def kind_env(kind, double):
    if kind == "gemini":
        return {"PROVIDERS": "gemini", "GEMINI_API_KEY": "k", "GEMINI_BASE_URL": double.url}
    if kind == "openai":
        return {"PROVIDERS": "openai", "OPENAI_BASE_URL": f"{double.url}/v1", "OPENAI_API_KEY": "sk-double",
                "OPENAI_MODEL": "gpt-4o-mini"}
    return {"PROVIDERS": "ollama", "OLLAMA_BASE_URL": double.url}


def sdk(service):
    return openai.OpenAI(base_url=f"{service.url}/v1", api_key="unused-while-keys-are-off", max_retries=0)


TEXTS = ["The food was delicious", "and the waiter was friendly", "ünïcödé too"]


@pytest.mark.parametrize("kind", ["ollama", "gemini", "openai"])
def test_sdk_embeddings_default_base64_through_each_provider_kind(kind, start_service, double, database):
    service = start_service(**kind_env(kind, double))
    result = sdk(service).embeddings.create(model="text-embedding-3-small", input=TEXTS,
                                            extra_headers={"X-Request-Id": f"e2e-embed-{kind}"})
    assert [d.embedding for d in result.data] == [double_vector(t) for t in TEXTS]
    assert [d.index for d in result.data] == [0, 1, 2]
    assert result.model == "text-embedding-3-small"
    assert result.usage.prompt_tokens == result.usage.total_tokens > 0

    # The SDK really took the base64 path: it sent encoding_format=base64 and got strings back.
    raw = requests.post(f"{service.url}/v1/embeddings", timeout=10,
                        json={"model": "text-embedding-3-small", "input": TEXTS[0], "encoding_format": "base64"})
    assert isinstance(raw.json()["data"][0]["embedding"], str)

    doc = database.interactions.find_one({"requestId": f"e2e-embed-{kind}"})
    assert doc is not None
    assert doc["route"] == "/v1/embeddings" and doc["status"] == "ok" and doc["provider"] == kind
    assert doc["prompt"] == "\n".join(TEXTS) and doc["response"] == ""
    assert set(doc["extra"]) == {"count", "dimensions"}
    assert doc["extra"]["count"] == 3 and doc["extra"]["dimensions"] == 8
    assert_int32(doc["extra"]["count"])
    assert_int32(doc["extra"]["dimensions"])
    assert doc["usage"]["promptTokens"] == result.usage.prompt_tokens
    assert doc["usage"].get("estimated", False) == (kind == "gemini")
    longest = max(double_vector(TEXTS[0]), key=lambda value: len(str(value)))
    assert str(longest) not in json.dumps(doc, default=str)


def test_sdk_embeddings_as_floats_with_dimensions(start_service, double, database):
    service = start_service(**kind_env("openai", double))
    result = sdk(service).embeddings.create(model="text-embedding-3-small", input="just one text",
                                            encoding_format="float", dimensions=4)
    assert [d.embedding for d in result.data] == [double_vector("just one text", 4)]
    sent = [r for r in double.requests("openai") if r["path"] == "/v1/embeddings"]
    assert json.loads(sent[-1]["body"])["dimensions"] == 4
    doc = database.interactions.find_one({"route": "/v1/embeddings"})
    assert doc["extra"] == {"count": 1, "dimensions": 4}


def test_embeddings_fall_back_to_the_next_provider_with_the_same_model(start_service, double, database):
    service = start_service(PROVIDERS="ollama,openai", OLLAMA_BASE_URL=double.url,
                            OPENAI_BASE_URL=f"{double.url}/v1", OPENAI_MODEL="gpt-4o-mini",
                            RETRY_MAX_ATTEMPTS=2, RETRY_BASE_DELAY_MS=5)
    double.script([{"kind": "error", "route": "ollama", "status": 503}] * 2)
    result = sdk(service).embeddings.create(model="shared-embedder", input=["fallback"],
                                            extra_headers={"X-Request-Id": "e2e-embed-fallback"})
    assert result.data[0].embedding == double_vector("fallback")
    doc = database.interactions.find_one({"requestId": "e2e-embed-fallback"})
    assert doc["provider"] == "openai" and doc["fallback"] is True
    assert [(a["provider"], a["status"]) for a in doc["attempts"]] == [("ollama", 503), ("ollama", 503), ("openai", 200)]


@pytest.mark.parametrize("body,param", [
    ({"model": "m", "input": []}, "input"),
    ({"model": "m", "input": ""}, "input"),
    ({"model": "m", "input": ["a"] * 10_000}, "input"),
    ({"model": "m", "input": [1, 2, 3]}, "input"),
    ({"model": "m", "input": {"text": "x"}}, "input"),
    ({"model": "m", "input": "x", "encoding_format": "int8"}, "encoding_format"),
    ({"input": "x"}, "model"),
])
def test_bad_embedding_requests_are_400_in_openai_shape_and_not_stored(body, param, start_service, double, database):
    service = start_service(**kind_env("ollama", double))
    response = requests.post(f"{service.url}/v1/embeddings", json=body, timeout=10)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error" and error["param"] == param and error["message"]
    assert database.interactions.count_documents({}) == 0
    assert [r for r in double.requests() if r["path"] == "/api/embed"] == []


def test_sdk_raises_bad_request_for_an_empty_input_list(start_service, double, database):
    service = start_service(**kind_env("ollama", double))
    with pytest.raises(openai.BadRequestError) as raised:
        sdk(service).embeddings.create(model="m", input=[])
    assert raised.value.param == "input"
    assert database.interactions.count_documents({}) == 0


def test_sdk_images_generate_urls_and_the_document_keeps_no_image(start_service, double, database):
    service = start_service(**kind_env("openai", double))
    result = sdk(service).images.generate(model="dall-e-3", prompt="a lighthouse at dusk", size="1792x1024",
                                          quality="hd", user="painter",
                                          extra_headers={"X-Request-Id": "e2e-image-url"})
    assert len(result.data) == 1 and result.data[0].url.startswith("https://")
    assert result.data[0].revised_prompt == "A detailed rendering of: a lighthouse at dusk"
    doc = database.interactions.find_one({"requestId": "e2e-image-url"})
    assert doc["route"] == "/v1/images/generations" and doc["status"] == "ok"
    assert doc["userId"] == "painter" and doc["prompt"] == "a lighthouse at dusk" and doc["response"] == ""
    assert doc["model"] == "dall-e-3" and doc["provider"] == "openai"
    assert doc["extra"] == {"n": 1, "size": "1792x1024", "quality": "hd"}
    assert_int32(doc["extra"]["n"])


def test_sdk_images_generate_base64_which_is_never_stored(start_service, double, database):
    service = start_service(**kind_env("openai", double))
    result = sdk(service).images.generate(model="dall-e-2", prompt="two dots", n=2, size="256x256",
                                          response_format="b64_json",
                                          extra_headers={"X-Request-Id": "e2e-image-b64"})
    assert [d.b64_json for d in result.data] == [ONE_PIXEL_PNG, ONE_PIXEL_PNG]
    doc = database.interactions.find_one({"requestId": "e2e-image-b64"})
    assert doc["extra"] == {"n": 2, "size": "256x256", "quality": "standard"}
    assert ONE_PIXEL_PNG[:24] not in json.dumps(doc, default=str)


def test_images_with_only_ollama_configured_are_a_400_naming_it(start_service, double, database):
    service = start_service(**kind_env("ollama", double))
    with pytest.raises(openai.BadRequestError) as raised:
        sdk(service).images.generate(model="dall-e-2", prompt="a cat")
    assert "ollama" in raised.value.message and "generate images" in raised.value.message
    assert database.interactions.count_documents({}) == 0


@pytest.mark.parametrize("body,param", [
    ({"model": "dall-e-2", "prompt": "x", "size": "999x999"}, "size"),
    ({"model": "dall-e-3", "prompt": "x", "n": 2}, "n"),
    ({"model": "dall-e-2", "prompt": "x", "n": "2"}, "n"),
    ({"model": "dall-e-3", "prompt": "x", "quality": "ultra"}, "quality"),
    ({"model": "dall-e-2", "prompt": "x", "response_format": "png"}, "response_format"),
    ({"model": "dall-e-2"}, "prompt"),
])
def test_bad_image_requests_are_400_in_openai_shape_and_not_stored(body, param, start_service, double, database):
    service = start_service(**kind_env("openai", double))
    response = requests.post(f"{service.url}/v1/images/generations", json=body, timeout=10)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param
    assert database.interactions.count_documents({}) == 0
    assert [r for r in double.requests() if r["path"].endswith("/images/generations")] == []
