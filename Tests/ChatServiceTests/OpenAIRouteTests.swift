import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import Providers
import TestSupport
import Testing

@Suite("OpenAI-compatible routes: mapping, streaming, errors and stored documents")
struct OpenAIRouteTests {
    static func post(
        _ client: any TestClientProtocol, _ path: String, _ body: String, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// The `data:` payloads of an SSE body, in order.
    static func events(_ response: TestResponse) -> [String] {
        String(buffer: response.body).components(separatedBy: "\n\n").compactMap { event in
            event.hasPrefix("data: ") ? String(event.dropFirst(6)) : nil
        }
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test(
        "a chat completion maps messages and options to Ollama, answers in OpenAI's shape and stores the conversation")
    func chatCompletionThroughOllama() async throws {
        try await ChatServiceHarness.run { harness, client in
            harness.double.script([.success(text: "Four.", promptTokens: 12, completionTokens: 2)], for: .ollama)
            let response = try await Self.post(
                client, "/v1/chat/completions",
                """
                {"model": "llama3.2", "user": "u-42", "temperature": 0.2, "top_p": 0.9, "max_tokens": 50, "stop": "END",
                 "messages": [{"role": "system", "content": "Answer briefly."},
                              {"role": "user", "content": "2+2?"},
                              {"role": "assistant", "content": "Let me think."},
                              {"role": "user", "content": [{"type": "text", "text": "Just the number."}]}]}
                """)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["object"] as? String == "chat.completion")
            #expect((body["id"] as? String)?.hasPrefix("chatcmpl-") == true)
            #expect(body["model"] as? String == "llama3.2")
            #expect(body["created"] is Int)
            let choice = try #require((body["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "stop")
            #expect(choice["logprobs"] is NSNull)
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            #expect(message["content"] as? String == "Four.")
            #expect(message["refusal"] is NSNull)
            let usage = try #require(body["usage"] as? [String: Any])
            #expect(
                usage["prompt_tokens"] as? Int == 12 && usage["completion_tokens"] as? Int == 2
                    && usage["total_tokens"] as? Int == 14)

            let sent = try #require(harness.double.requests(for: .ollama).first?.jsonBody)
            let sentMessages = try #require(sent["messages"] as? [[String: Any]])
            #expect(sentMessages.map { $0["role"] as? String } == ["system", "user", "assistant", "user"])
            #expect(sentMessages.last?["content"] as? String == "Just the number.")
            let options = try #require(sent["options"] as? [String: Any])
            #expect(options["temperature"] as? Double == 0.2)
            #expect(options["top_p"] as? Double == 0.9)
            #expect(options["num_predict"] as? Int == 50)
            #expect(options["stop"] as? [String] == ["END"])

            let id = String(try #require(body["id"] as? String).dropFirst("chatcmpl-".count))
            let document = try await harness.storedDocument(id: id)
            #expect(document["route"] as? String == "/v1/chat/completions")
            #expect(document["userId"] as? String == "u-42")
            #expect(document["prompt"] as? String == "Just the number.")
            #expect(document["response"] as? String == "Four.")
            #expect(document["stream"] as? Bool == false)
            let stored = try #require(document["messages"] as? [[String: Any]])
            #expect(stored.map { $0["role"] as? String } == ["system", "user", "assistant", "user"])
            #expect(stored.first?["content"] as? String == "Answer briefly.")
            let storedUsage = try #require(document["usage"] as? [String: Any])
            #expect(try ExtendedJSON.int32(storedUsage["totalTokens"]) == 14)
            #expect(storedUsage["estimated"] == nil)
            #expect(document["requestId"] as? String == response.headers[.requestID])
        }
    }

    @Test("a Gemini model gets systemInstruction, model-role turns and generationConfig; max_completion_tokens wins")
    func chatCompletionThroughGemini() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            let response = try await Self.post(
                client, "/v1/chat/completions",
                """
                {"model": "gemini-2.0-flash", "max_tokens": 10, "max_completion_tokens": 64, "stop": ["a", "b"],
                 "messages": [{"role": "developer", "content": "Be terse."}, {"role": "user", "content": "hi"},
                              {"role": "assistant", "content": "hello"}, {"role": "user", "content": "bye"}]}
                """)
            #expect(response.status == .ok)
            let sent = try #require(harness.double.requests(for: .gemini).first?.jsonBody)
            let system = try #require(sent["systemInstruction"] as? [String: Any])
            #expect(((system["parts"] as? [[String: Any]])?.first?["text"] as? String) == "Be terse.")
            let contents = try #require(sent["contents"] as? [[String: Any]])
            #expect(contents.map { $0["role"] as? String } == ["user", "model", "user"])
            let config = try #require(sent["generationConfig"] as? [String: Any])
            #expect(config["maxOutputTokens"] as? Int == 64)
            #expect(config["stopSequences"] as? [String] == ["a", "b"])
            #expect(try response.json()["model"] as? String == "gemini-2.0-flash")
            #expect(harness.double.requests(for: .ollama).isEmpty)
        }
    }

    @Test("provider/model picks the provider explicitly and the model reaches it unchanged")
    func providerPrefixedModel() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            let response = try await Self.post(
                client, "/v1/chat/completions",
                #"{"model": "ollama/qwen3:8b", "messages": [{"role": "user", "content": "hi"}]}"#)
            #expect(response.status == .ok)
            #expect(harness.double.requests(for: .ollama).first?.jsonBody?["model"] as? String == "qwen3:8b")
            #expect(harness.double.requests(for: .gemini).isEmpty)
        }
    }

    @Test("an unknown model is a 404 model_not_found in OpenAI's error shape and nothing is stored")
    func unknownModel() async throws {
        try await ChatServiceHarness.run { harness, client in
            let response = try await Self.post(
                client, "/v1/chat/completions", #"{"model": "gpt-99", "messages": [{"role": "user", "content": "hi"}]}"#
            )
            #expect(response.status == .notFound)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "model_not_found")
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["param"] as? String == "model")
            #expect((error["message"] as? String)?.contains("gpt-99") == true)
            #expect(try await harness.storedCount() == 0)
        }
    }

    @Test(
        "bad chat-completion bodies get 400 in OpenAI's shape naming the parameter",
        arguments: [
            (#"{"messages": [{"role": "user", "content": "hi"}]}"#, "model"),
            (#"{"model": "llama3.2", "messages": []}"#, "messages"),
            (#"{"model": "llama3.2", "messages": [{"role": "robot", "content": "x"}]}"#, "messages[0].role"),
            (#"{"model": "llama3.2", "messages": [{"role": "tool", "content": "x"}]}"#, "messages[0].tool_call_id"),
            (
                #"{"model": "llama3.2", "messages": [{"role": "user", "content": [{"type": "image_url"}]}]}"#,
                "messages[0].content[0].image_url.url"
            ),
            (
                #"{"model": "llama3.2", "messages": [{"role": "user", "content": [{"type": "audio"}]}]}"#,
                "messages[0].content[0].type"
            ),
            (
                #"{"model": "llama3.2", "temperature": 3, "messages": [{"role": "user", "content": "hi"}]}"#,
                "temperature"
            ),
            (#"{"model": "llama3.2", "n": 2, "messages": [{"role": "user", "content": "hi"}]}"#, "n"),
            (
                #"{"model": "llama3.2", "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "hi"}]}"#,
                "stream_options"
            ),
            (#"{"model": 5, "messages": [{"role": "user", "content": "hi"}]}"#, "model"),
        ])
    func badBodies(body: String, param: String) async throws {
        try await ChatServiceHarness.run { harness, client in
            let response = try await Self.post(client, "/v1/chat/completions", body)
            #expect(response.status == .badRequest)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["param"] as? String == param)
            #expect(error.keys.sorted() == ["code", "message", "param", "type"])
            #expect(harness.double.requests.isEmpty)
        }
    }

    @Test(
        "a streamed chat completion sends role, content deltas, finish, usage and [DONE], then stores the whole answer")
    func streamedChatCompletion() async throws {
        try await ChatServiceHarness.run { harness, client in
            harness.double.script(
                [.streamed(["Hello", " streaming", " world"], promptTokens: 5, completionTokens: 3)], for: .ollama)
            let response = try await Self.post(
                client, "/v1/chat/completions",
                """
                {"model": "llama3.2", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "greet"}]}
                """)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let events = Self.events(response)
            #expect(events.last == "[DONE]")
            let chunks = try events.dropLast().map(Self.object)
            #expect(Set(chunks.compactMap { $0["id"] as? String }).count == 1)
            #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            let deltas = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
            #expect(deltas.first?["role"] as? String == "assistant")
            #expect(deltas.compactMap { $0["content"] as? String }.joined() == "Hello streaming world")
            let finishes = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
            #expect(finishes == ["stop"])
            let usageChunk = try #require(chunks.last)
            #expect((usageChunk["choices"] as? [Any])?.isEmpty == true)
            let usage = try #require(usageChunk["usage"] as? [String: Any])
            #expect(usage["prompt_tokens"] as? Int == 5 && usage["completion_tokens"] as? Int == 3)
            #expect(chunks.dropLast().allSatisfy { $0["usage"] is NSNull })

            let id = String(try #require(chunks.first?["id"] as? String).dropFirst("chatcmpl-".count))
            let document = try await harness.storedDocument(id: id)
            #expect(document["stream"] as? Bool == true)
            #expect(document["status"] as? String == "ok")
            #expect(document["response"] as? String == "Hello streaming world")
            #expect(try ExtendedJSON.int32((document["usage"] as? [String: Any])?["completionTokens"]) == 3)
        }
    }

    @Test(
        "an upstream failure before the first byte falls back; after it, the stream ends with an error event and an error document"
    )
    func streamFailures() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            harness.double.script([.error(status: 400)], for: .gemini)
            let fellBack = try await Self.post(
                client, "/v1/chat/completions",
                """
                {"model": "gemini-2.0-flash", "stream": true, "messages": [{"role": "user", "content": "hi"}]}
                """)
            #expect(fellBack.status == .ok)
            let firstChunks = try Self.events(fellBack).dropLast().map(Self.object)
            #expect(firstChunks.first?["model"] as? String == "llama3.2")

            harness.double.script(
                [.failMidStream(after: ["partial", " answer"], message: "runner crashed")], for: .gemini)
            let broken = try await Self.post(
                client, "/v1/chat/completions",
                """
                {"model": "gemini-2.0-flash", "stream": true, "messages": [{"role": "user", "content": "again"}]}
                """)
            #expect(broken.status == .ok)
            let events = Self.events(broken)
            #expect(!events.contains("[DONE]"))
            let last = try Self.object(try #require(events.last))
            let error = try #require(last["error"] as? [String: Any])
            #expect(error["code"] as? String == "upstream_failed")
            let id = String(try #require(try Self.object(events[0])["id"] as? String).dropFirst("chatcmpl-".count))
            let document = try await harness.storedDocument(id: id)
            #expect(document["status"] as? String == "error")
            #expect((document["error"] as? [String: Any])?["code"] as? String == "upstream_failed")
            #expect(document["response"] as? String == "partial answer")
            #expect(harness.double.requests(for: .ollama).count == 1, "no retry after the first byte")
        }
    }

    @Test("the legacy completions route answers text_completion, plain and streamed, and stores route /v1/completions")
    func legacyCompletions() async throws {
        try await ChatServiceHarness.run { harness, client in
            let plain = try await Self.post(client, "/v1/completions", #"{"model": "llama3.2", "prompt": "Say hi"}"#)
            #expect(plain.status == .ok)
            let body = try plain.json()
            #expect(body["object"] as? String == "text_completion")
            let choice = try #require((body["choices"] as? [[String: Any]])?.first)
            #expect(choice["text"] as? String == "Echo: Say hi")
            #expect(
                harness.double.requests(for: .ollama).first?.jsonBody?["options"].flatMap {
                    ($0 as? [String: Any])?["num_predict"]
                } as? Int == 16)
            let id = String(try #require(body["id"] as? String).dropFirst("cmpl-".count))
            let document = try await harness.storedDocument(id: id)
            #expect(document["route"] as? String == "/v1/completions")
            #expect(document["messages"] == nil)
            #expect(document["userId"] as? String == "anonymous")

            let streamed = try await Self.post(
                client, "/v1/completions", #"{"model": "llama3.2", "prompt": "Say hi", "stream": true}"#)
            let events = Self.events(streamed)
            #expect(events.last == "[DONE]")
            let chunks = try events.dropLast().map(Self.object)
            #expect(chunks.allSatisfy { $0["object"] as? String == "text_completion" })
            let text = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["text"] as? String }.joined()
            #expect(text == "Echo: Say hi")
        }
    }

    @Test("models lists the union of every provider's models; a provider that is down is left out")
    func modelList() async throws {
        let refusing = try RefusingPort()
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            let response = try await client.execute(uri: "/v1/models", method: .get)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["object"] as? String == "list")
            let data = try #require(body["data"] as? [[String: Any]])
            let ids = Set(data.compactMap { $0["id"] as? String })
            #expect(ids.isSuperset(of: ["gemini-2.0-flash", "gemini-2.5-flash", "llama3.2"]))
            #expect(
                data.allSatisfy {
                    $0["object"] as? String == "model" && $0["created"] is Int && $0["owned_by"] is String
                })
        }
        try await ChatServiceHarness.run(
            providers: [.gemini, .ollama], configure: { $0.gemini.baseURL = refusing.httpURL }
        ) { _, client in
            let response = try await client.execute(uri: "/v1/models", method: .get)
            #expect(response.status == .ok)
            let data = try #require(try response.json()["data"] as? [[String: Any]])
            #expect(data.contains { $0["id"] as? String == "llama3.2" })
            #expect(!data.contains { $0["id"] as? String == "gemini-2.5-flash" })
        }
        withExtendedLifetime(refusing) {}
    }

    @Test("when every attempt is rate limited the SDK gets 429 with retry-after")
    func rateLimited() async throws {
        try await ChatServiceHarness.run(configure: { $0.retry.maxAttempts = 2 }) { harness, client in
            harness.double.script(
                [.error(status: 429).withRetryAfter("1"), .error(status: 429).withRetryAfter("1")], for: .ollama)
            let limited = try await Self.post(
                client, "/v1/chat/completions",
                #"{"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}]}"#)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "1")
            #expect((try limited.json()["error"] as? [String: Any])?["code"] as? String == "rate_limit_exceeded")
        }
    }
}
