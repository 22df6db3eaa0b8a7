import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Providers
import TestSupport
import Testing

extension TestClientProtocol {
    /// POSTs `body` to an Ollama-native route (`/api/chat`, `/api/generate`, `/preload`).
    func postOllama(_ uri: String, _ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}

extension TestResponse {
    /// The NDJSON body's lines, each parsed as a JSON object.
    func ndjsonLines() throws -> [[String: Any]] {
        try String(buffer: body).split(separator: "\n").map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }
}

@Suite("Ollama's own API: /api/chat, /api/generate, /api/tags, /api/ps")
struct OllamaNativeRouteTests {
    /// The stored interaction of the only call so far.
    static func onlyStored(_ harness: ChatServiceHarness) async throws -> [String: Any] {
        let documents = try await harness.reader.findDocuments(filterJSON: "{}")
        try #require(documents.count == 1, "expected one stored interaction, found \(documents.count)")
        return try #require(JSONSerialization.jsonObject(with: Data(documents[0].utf8)) as? [String: Any])
    }

    @Test("/api/chat with stream false: every field reaches Ollama, its answer comes back as sent, stored with usage")
    func chatNotStreamed() async throws {
        try await ChatServiceHarness.run(configure: { $0.modelResidency.keepAlive = .string("10m") }) {
            harness, client in
            harness.double.script([.success(text: "Hello there", promptTokens: 12, completionTokens: 3)], for: .ollama)
            let response = try await client.postOllama(
                "/api/chat",
                #"{"model":"llama3.2","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}],"stream":false,"options":{"temperature":0.2,"num_ctx":4096},"format":"json","think":false}"#,
                headers: [HTTPField.Name("X-User-Id")!: "u-7"])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let body = try response.json()
            #expect((body["message"] as? [String: Any])?["content"] as? String == "Hello there")
            #expect(body["done"] as? Bool == true)
            #expect(body["done_reason"] as? String == "stop")
            #expect(body["prompt_eval_count"] as? Int == 12)
            #expect(body["eval_duration"] as? Int == 60_000_000)

            let sent = try #require(harness.double.requests(for: .ollama).last?.jsonBody)
            #expect(sent["format"] as? String == "json")
            #expect(sent["think"] as? Bool == false)
            #expect((sent["options"] as? [String: Any])?["num_ctx"] as? Int == 4096)
            #expect((sent["options"] as? [String: Any])?["temperature"] as? Double == 0.2)
            #expect(sent["keep_alive"] as? String == "10m")
            #expect((sent["messages"] as? [[String: Any]])?.count == 2)

            let stored = try await Self.onlyStored(harness)
            #expect(stored["route"] as? String == "/api/chat")
            #expect(stored["userId"] as? String == "u-7")
            #expect(stored["prompt"] as? String == "hi")
            #expect(stored["response"] as? String == "Hello there")
            #expect(stored["model"] as? String == "llama3.2")
            #expect(stored["status"] as? String == "ok")
            #expect(stored["stream"] as? Bool == false)
            let messages = try #require(stored["messages"] as? [[String: Any]])
            #expect(messages.map { $0["role"] as? String } == ["system", "user"])
            let usage = try #require(stored["usage"] as? [String: Any])
            #expect(try ExtendedJSON.int32(usage["promptTokens"]) == 12)
            #expect(try ExtendedJSON.int32(usage["completionTokens"]) == 3)
            #expect(try ExtendedJSON.int32(usage["totalTokens"]) == 15)
            #expect(usage["estimated"] == nil)
            #expect(try ExtendedJSON.int32(stored["latencyMs"]) >= 0)
        }
    }

    @Test("/api/chat streams NDJSON by default, line by line, and is stored when the stream ends")
    func chatStreamed() async throws {
        try await ChatServiceHarness.run { harness, client in
            harness.double.script(
                [.streamed(["Hel", "lo", " you"], promptTokens: 5, completionTokens: 3)], for: .ollama)
            let response = try await client.postOllama(
                "/api/chat", #"{"model":"llama3.2","messages":[{"role":"user","content":"hey"}],"keep_alive":"1m"}"#)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/x-ndjson")
            let lines = try response.ndjsonLines()
            #expect(lines.count == 4)
            let text = lines.compactMap { ($0["message"] as? [String: Any])?["content"] as? String }.joined()
            #expect(text == "Hello you")
            #expect(lines.dropLast().allSatisfy { $0["done"] as? Bool == false })
            #expect(lines.last?["done"] as? Bool == true)
            #expect(lines.last?["eval_count"] as? Int == 3)
            #expect(harness.double.requests(for: .ollama).last?.jsonBody?["keep_alive"] as? String == "1m")

            let stored = try await Self.onlyStored(harness)
            #expect(stored["stream"] as? Bool == true)
            #expect(stored["response"] as? String == "Hello you")
            #expect(stored["status"] as? String == "ok")
            let usage = try #require(stored["usage"] as? [String: Any])
            #expect(try ExtendedJSON.int32(usage["promptTokens"]) == 5)
            #expect(try ExtendedJSON.int32(usage["completionTokens"]) == 3)
        }
    }

    @Test("/api/generate answers in generate's shape, streamed and not, stored with the prompt")
    func generate() async throws {
        try await ChatServiceHarness.run { harness, client in
            let plain = try await client.postOllama(
                "/api/generate", #"{"model":"llama3.2","prompt":"why is the sky blue","stream":false,"raw":true}"#)
            #expect(plain.status == .ok)
            let body = try plain.json()
            #expect(body["response"] as? String == "Echo: why is the sky blue")
            #expect(body["message"] == nil)
            #expect(harness.double.requests(for: .ollama).last?.jsonBody?["raw"] as? Bool == true)

            let streamed = try await client.postOllama("/api/generate", #"{"model":"llama3.2","prompt":"one two"}"#)
            #expect(streamed.headers[.contentType] == "application/x-ndjson")
            let lines = try streamed.ndjsonLines()
            #expect(lines.compactMap { $0["response"] as? String }.joined() == "Echo: one two")
            #expect(lines.last?["done"] as? Bool == true)

            let documents = try await harness.reader.findDocuments(filterJSON: #"{"route": "/api/generate"}"#)
            #expect(documents.count == 2)
            let stored = try #require(JSONSerialization.jsonObject(with: Data(documents[1].utf8)) as? [String: Any])
            #expect(stored["prompt"] as? String == "one two")
            #expect(stored["response"] as? String == "Echo: one two")
            #expect(stored["messages"] == nil)
        }
    }

    @Test("with keys on, /api/* answers 401 in Ollama's shape without a client key and serves one with it")
    func authentication() async throws {
        try await ChatServiceHarness.runWithKeys { harness, client in
            let denied = try await client.postOllama(
                "/api/chat", #"{"model":"llama3.2","messages":[{"role":"user","content":"hi"}],"stream":false}"#)
            #expect(denied.status == .unauthorized)
            let error = try denied.json()
            #expect(error["error"] is String)
            #expect(try await client.execute(uri: "/api/tags", method: .get).status == .unauthorized)
            #expect(try await client.postOllama("/preload", #"{"model":"llama3.2"}"#).status == .unauthorized)

            let key = try await ChatServiceHarness.createClientKey(client, name: "ollama-user")
            let allowed = try await client.postOllama(
                "/api/chat", #"{"model":"llama3.2","messages":[{"role":"user","content":"hi"}],"stream":false}"#,
                headers: ChatServiceHarness.bearer(key.key))
            #expect(allowed.status == .ok)
            let stored = try await Self.onlyStored(harness)
            #expect(stored["apiKeyId"] as? String == key.id)
            #expect(stored["userId"] as? String == "ollama-user")
            #expect(
                try await client.execute(
                    uri: "/api/tags", method: .get, headers: ChatServiceHarness.bearer(key.key)
                ).status == .ok)
        }
    }

    @Test("a body Ollama would refuse gets 400 in Ollama's shape, and nothing is stored or sent upstream")
    func badBodies() async throws {
        try await ChatServiceHarness.run { harness, client in
            let cases: [(String, String, String)] = [
                ("/api/chat", "", "missing request body"),
                ("/api/chat", "{not json", "not valid JSON"),
                ("/api/chat", "[1,2]", "must be a JSON object"),
                ("/api/chat", #"{"messages":[]}"#, "model is required"),
                ("/api/generate", #"{"model":7}"#, "model must be a string"),
                ("/api/chat", #"{"model":"m","stream":"yes"}"#, "stream must be a boolean"),
                ("/api/chat", #"{"model":"m","messages":"hi"}"#, "messages must be an array"),
                ("/api/generate", #"{"model":"m","prompt":["a"]}"#, "prompt must be a string"),
                ("/preload", #"{}"#, "model is required"),
            ]
            for (uri, body, expected) in cases {
                let response = try await client.postOllama(uri, body)
                #expect(response.status == .badRequest, "\(uri) \(body)")
                let error = try response.json()
                #expect((error["error"] as? String)?.contains(expected) == true, "\(uri) \(body): \(error)")
            }
            #expect(try await harness.storedCount() == 0)
            #expect(harness.double.requests(for: .ollama).isEmpty)
        }
    }

    @Test("Ollama's 404 for an unknown model passes through; other failures are a 502 listing the attempts, stored")
    func upstreamFailures() async throws {
        try await ChatServiceHarness.run { harness, client in
            harness.double.script([.error(status: 404, message: "model 'nope' not found")], for: .ollama)
            let missing = try await client.postOllama(
                "/api/chat", #"{"model":"nope","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(missing.status == .notFound)
            #expect(try missing.json()["error"] as? String == "model 'nope' not found")

            harness.double.script(
                [.error(status: 500, message: "runner crashed"), .error(status: 503), .error(status: 500)], for: .ollama
            )
            let failed = try await client.postOllama(
                "/api/generate", #"{"model":"llama3.2","prompt":"x","stream":false}"#)
            #expect(failed.status == .badGateway)
            let message = try #require(try failed.json()["error"] as? String)
            #expect(message.contains("All providers failed"))
            #expect(message.contains("runner crashed"))
            let errors = try await harness.reader.findDocuments(filterJSON: #"{"status": "error"}"#)
            #expect(errors.count == 2)
        }
    }

    @Test("a stream that breaks after its first line ends with Ollama's error line and is stored as an error")
    func midStreamFailure() async throws {
        try await ChatServiceHarness.run { harness, client in
            harness.double.script([.failMidStream(after: ["partial"], message: "runner crashed")], for: .ollama)
            let response = try await client.postOllama(
                "/api/chat", #"{"model":"llama3.2","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(response.status == .ok)
            let lines = try response.ndjsonLines()
            #expect(lines.last?["error"] as? String == "runner crashed")
            #expect(lines.allSatisfy { $0["done"] as? Bool != true })
            let stored = try await Self.onlyStored(harness)
            #expect(stored["status"] as? String == "error")
            #expect(stored["response"] as? String == "partial")
            #expect((stored["error"] as? [String: Any])?["code"] as? String == "upstream_failed")
        }
    }

    @Test("/api/tags and /api/ps pass Ollama's listings through")
    func listings() async throws {
        try await ChatServiceHarness.run { harness, client in
            let tags = try await client.execute(uri: "/api/tags", method: .get)
            #expect(tags.status == .ok)
            let models = try #require(try tags.json()["models"] as? [[String: Any]])
            #expect(models.map { $0["name"] as? String } == ["llama3.2"])
            #expect((models.first?["details"] as? [String: Any])?["quantization_level"] as? String == "Q4_K_M")

            #expect(
                try await client.postOllama(
                    "/api/generate", #"{"model":"llama3.2","prompt":"x","stream":false}"#
                ).status == .ok)
            let ps = try await client.execute(uri: "/api/ps", method: .get)
            #expect(ps.status == .ok)
            let running = try #require(try ps.json()["models"] as? [[String: Any]])
            #expect(running.map { $0["name"] as? String } == ["llama3.2:latest"])
            #expect(running.first?["expires_at"] is String)
            #expect(try await harness.storedCount() == 1)  // listings are not interactions
        }
    }
}
