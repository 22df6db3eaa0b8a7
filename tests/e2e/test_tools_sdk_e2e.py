"""Issue 15 end to end: the official `openai` SDK against the built chat-service, with the
`provider-double` executable as each upstream kind (Gemini, Ollama, OpenAI-compatible). An agent's
two-turn tool loop, the same streamed and reassembled by the SDK's stream helper,
`chat.completions.parse` with a pydantic model, and image inputs; then the official `ollama` client's
tool loop on the native /api/chat. Every document is read back with pymongo."""

import base64
import hashlib
import json

import ollama
import openai
import pydantic
import pytest

KINDS = ["gemini", "ollama", "openai"]
MODELS = {"gemini": "gemini-2.0-flash", "ollama": "llama3.2", "openai": "gpt-4o-mini"}
DOUBLE_ROUTE = {"gemini": "gemini", "ollama": "ollama", "openai": "openai"}

TOOLS = [{"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"], "additionalProperties": False}}}]
QUESTION = "What is the weather in Paris?"

# The provider-double's 1x1 PNG (ProviderDouble.samplePNG), also served at /_double/image.png.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082")
PNG_B64 = base64.b64encode(PNG).decode()


def kind_env(kind, double, **extra):
    if kind == "gemini":
        env = {"PROVIDERS": "gemini", "GEMINI_API_KEY": "k", "GEMINI_BASE_URL": double.url}
    elif kind == "openai":
        env = {"PROVIDERS": "openai", "OPENAI_BASE_URL": f"{double.url}/v1", "OPENAI_API_KEY": "sk-double",
               "OPENAI_MODEL": "gpt-4o-mini"}
    else:
        env = {"PROVIDERS": "ollama", "OLLAMA_BASE_URL": double.url}
    env.update(extra)
    return env


def sdk(service):
    return openai.OpenAI(base_url=f"{service.url}/v1", api_key="unused-while-keys-are-off", max_retries=0)


def stored(database, completion_id):
    assert completion_id.startswith("chatcmpl-"), completion_id
    doc = database.interactions.find_one({"_id": completion_id[len("chatcmpl-"):]})
    assert doc is not None, completion_id
    return doc


def get_weather(city):
    return {"temperature": 21}


def tool_result(result):
    """A tool's result as the agent sends it back: compact JSON (the double answers "Result: " + it)."""
    return json.dumps(result, separators=(",", ":"))


def sent_bodies(double, kind):
    return [json.loads(r["body"]) for r in double.requests(DOUBLE_ROUTE[kind])]


@pytest.mark.parametrize("kind", KINDS)
def test_two_turn_tool_loop_through_each_provider_kind(kind, start_service, double, database):
    client = sdk(start_service(**kind_env(kind, double)))
    messages = [{"role": "user", "content": QUESTION}]
    first = client.chat.completions.create(model=MODELS[kind], messages=messages, tools=TOOLS)
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    [call] = choice.message.tool_calls
    assert call.type == "function" and call.function.name == "get_weather" and call.id
    assert json.loads(call.function.arguments) == {"city": QUESTION}
    assert first.usage.completion_tokens > 0

    messages.append(choice.message.model_dump(exclude_none=True))
    result = get_weather(**json.loads(call.function.arguments))
    messages.append({"role": "tool", "tool_call_id": call.id, "content": tool_result(result)})
    final = client.chat.completions.create(model=MODELS[kind], messages=messages, tools=TOOLS)
    assert final.choices[0].finish_reason == "stop"
    assert final.choices[0].message.tool_calls is None
    assert final.choices[0].message.content == 'Result: {"temperature":21}'

    # What the upstream got was its own dialect.
    replayed = sent_bodies(double, kind)[-1]
    if kind == "gemini":
        parts = [part for content in replayed["contents"] for part in content["parts"]]
        assert any(p.get("functionCall", {}).get("args") == {"city": QUESTION} for p in parts)
        assert any(p.get("functionResponse", {}).get("name") == "get_weather" for p in parts)
    elif kind == "ollama":
        assert replayed["messages"][1]["tool_calls"][0]["function"]["arguments"] == {"city": QUESTION}
        assert replayed["messages"][2]["tool_name"] == "get_weather"
    else:
        assert replayed["messages"][1]["tool_calls"][0]["function"]["arguments"] == call.function.arguments
        assert replayed["messages"][2]["tool_call_id"] == call.id

    first_doc = stored(database, first.id)
    assert first_doc["toolCalls"] == [{"id": call.id, "name": "get_weather", "arguments": call.function.arguments}]
    assert first_doc["features"]["tools"] == ["get_weather"]
    assert first_doc["usage"]["completionTokens"] == first.usage.completion_tokens
    final_doc = stored(database, final.id)
    assert "toolCalls" not in final_doc
    assert [m["role"] for m in final_doc["messages"]] == ["user", "assistant", "tool"]
    assert final_doc["messages"][1]["toolCalls"][0]["id"] == call.id
    assert final_doc["messages"][2]["toolCallId"] == call.id
    assert final_doc["response"] == final.choices[0].message.content


@pytest.mark.parametrize("kind", KINDS)
def test_streamed_tool_loop_reassembled_by_the_sdk_stream_helper(kind, start_service, double, database):
    client = sdk(start_service(**kind_env(kind, double)))
    messages = [{"role": "user", "content": QUESTION}]
    with client.chat.completions.stream(model=MODELS[kind], messages=messages, tools=TOOLS) as stream:
        events = list(stream)
        first = stream.get_final_completion()
    done = [e for e in events if e.type == "tool_calls.function.arguments.done"]
    assert [(e.name, e.index) for e in done] == [("get_weather", 0)]
    assert any(e.type == "tool_calls.function.arguments.delta" for e in events)
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    [call] = choice.message.tool_calls
    assert call.function.name == "get_weather" and call.id
    assert json.loads(call.function.arguments) == {"city": QUESTION}
    assert stored(database, first.id)["toolCalls"][0]["id"] == call.id

    # The raw stream, as an agent iterating `stream=True` sees it: id and name first.
    raw = list(client.chat.completions.create(model=MODELS[kind], messages=messages, tools=TOOLS, stream=True))
    pieces = [tc for chunk in raw if chunk.choices for tc in (chunk.choices[0].delta.tool_calls or [])]
    assert pieces[0].index == 0 and pieces[0].id and pieces[0].function.name == "get_weather"
    assert all(p.id is None and p.function.name is None for p in pieces[1:])
    assert json.loads("".join(p.function.arguments or "" for p in pieces)) == {"city": QUESTION}

    messages.append({"role": "assistant", "tool_calls": [
        {"id": call.id, "type": "function",
         "function": {"name": call.function.name, "arguments": call.function.arguments}}]})
    messages.append({"role": "tool", "tool_call_id": call.id, "content": tool_result(get_weather("Paris"))})
    with client.chat.completions.stream(model=MODELS[kind], messages=messages, tools=TOOLS) as stream:
        text = "".join(e.delta for e in stream if e.type == "content.delta")
        final = stream.get_final_completion()
    assert text == 'Result: {"temperature":21}'
    assert final.choices[0].finish_reason == "stop" and final.choices[0].message.content == text
    doc = stored(database, final.id)
    assert doc["stream"] is True and doc["response"] == text
    assert doc["messages"][2]["toolCallId"] == call.id


class Person(pydantic.BaseModel):
    name: str
    age: int


@pytest.mark.parametrize("kind", KINDS)
def test_parse_with_a_pydantic_model_through_each_provider_kind(kind, start_service, double, database):
    client = sdk(start_service(**kind_env(kind, double)))
    completion = client.chat.completions.parse(
        model=MODELS[kind], messages=[{"role": "user", "content": "Describe Ada Lovelace"}], response_format=Person)
    parsed = completion.choices[0].message.parsed
    assert parsed == Person(name="Describe Ada Lovelace", age=3)

    sent = sent_bodies(double, kind)[-1]
    if kind == "gemini":
        assert sent["generationConfig"]["responseMimeType"] == "application/json"
        assert sent["generationConfig"]["responseSchema"]["propertyOrdering"] == ["name", "age"]
    elif kind == "ollama":
        assert sent["format"]["required"] == ["name", "age"]
    else:
        assert sent["response_format"]["json_schema"]["name"] == "Person"
        assert sent["response_format"]["json_schema"]["strict"] is True

    doc = stored(database, completion.id)
    assert doc["features"]["responseFormat"]["type"] == "json_schema"
    assert doc["features"]["responseFormat"]["name"] == "Person"
    assert json.loads(doc["features"]["responseFormat"]["schema"])["required"] == ["name", "age"]
    assert json.loads(doc["response"]) == {"name": "Describe Ada Lovelace", "age": 3}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("source", ["data", "http"])
def test_image_input_through_each_provider_kind(kind, source, start_service, double, database):
    client = sdk(start_service(**kind_env(kind, double, IMAGE_FETCH_ALLOW_PRIVATE="true")))
    url = f"data:image/png;base64,{PNG_B64}" if source == "data" else f"{double.url}/_double/image.png"
    completion = client.chat.completions.create(model=MODELS[kind], messages=[{"role": "user", "content": [
        {"type": "text", "text": "What is in this picture?"},
        {"type": "image_url", "image_url": {"url": url}}]}])
    assert completion.choices[0].message.content == "Echo: What is in this picture? [images: image/png 70 bytes]"

    sent = sent_bodies(double, kind)[-1]
    if kind == "gemini":
        assert sent["contents"][0]["parts"][1]["inlineData"] == {"mimeType": "image/png", "data": PNG_B64}
    elif kind == "ollama":
        assert sent["messages"][0]["images"] == [PNG_B64]
    else:
        assert sent["messages"][0]["content"][1]["image_url"]["url"] == f"data:image/png;base64,{PNG_B64}"

    doc = stored(database, completion.id)
    assert doc["inputImages"] == [{"mimeType": "image/png", "bytes": 70, "sha256": hashlib.sha256(PNG).hexdigest()}]
    assert PNG_B64[:24] not in json.dumps(doc, default=str)


def test_tools_for_an_ollama_model_without_tools_are_a_400_and_nothing_is_stored(start_service, double, database):
    client = sdk(start_service(**kind_env("ollama", double)))
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="ollama/gemma-notools", tools=TOOLS,
                                       messages=[{"role": "user", "content": QUESTION}])
    error = raised.value.body
    assert error["code"] == "unsupported_feature" and error["param"] == "tools"
    assert "ollama" in error["message"] and "gemma-notools" in error["message"]
    assert double.requests("ollama") == []
    assert database.interactions.count_documents({}) == 0


@pytest.mark.parametrize("stream", [False, True])
def test_the_ollama_client_tool_loop_through_api_chat(stream, start_service, double, database):
    service = start_service(**kind_env("ollama", double))
    client = ollama.Client(host=service.url)
    messages = [{"role": "user", "content": QUESTION}]
    if stream:
        parts = list(client.chat(model="llama3.2", messages=messages, tools=TOOLS, stream=True))
        calls = [call for part in parts for call in (part.message.tool_calls or [])]
    else:
        calls = client.chat(model="llama3.2", messages=messages, tools=TOOLS).message.tool_calls
    [call] = calls
    assert call.function.name == "get_weather" and call.function.arguments == {"city": QUESTION}

    messages.append({"role": "assistant", "content": "", "tool_calls": [
        {"function": {"name": "get_weather", "arguments": call.function.arguments}}]})
    messages.append({"role": "tool", "tool_name": "get_weather", "content": tool_result(get_weather("Paris"))})
    final = client.chat(model="llama3.2", messages=messages, tools=TOOLS)
    assert final.message.content == 'Result: {"temperature":21}' and not final.message.tool_calls

    assert database.interactions.count_documents({"route": "/api/chat"}) == 2
    first = database.interactions.find_one({"route": "/api/chat", "toolCalls": {"$exists": True}})
    second = database.interactions.find_one({"route": "/api/chat", "toolCalls": {"$exists": False}})
    assert [c["name"] for c in first["toolCalls"]] == ["get_weather"]
    assert json.loads(first["toolCalls"][0]["arguments"]) == {"city": QUESTION}
    assert "toolCalls" not in second
    assert second["messages"][1]["toolCalls"][0]["name"] == "get_weather"
