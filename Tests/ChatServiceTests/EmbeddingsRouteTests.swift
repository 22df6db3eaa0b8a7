import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import Providers
import TestSupport
import Testing

@Suite("POST /v1/embeddings: every provider kind, both encodings, fallback, bad inputs and stored documents")
struct EmbeddingsRouteTests {
    static let inputs = ["The food was delicious", "and the waiter was friendly"]

    /// Points the OpenAI-compatible provider at the double too, for tests that configure it.
    static func withOpenAI(_ configuration: inout ServiceConfiguration) {
        configuration.openAI = .init(
            baseURL: configuration.ollama.baseURL + "/v1", apiKey: "sk-test", model: "gpt-4o-mini")
    }

    static func post(_ client: any TestClientProtocol, _ body: String, requestID: String) async throws -> TestResponse {
        try await OpenAIRouteTests.post(client, "/v1/embeddings", body, headers: [.requestID: requestID])
    }

    /// A JSON list of numbers, exactly as written (the gateway passes an upstream's numbers through).
    static func floats(_ value: Any?) -> [Double]? {
        (value as? [Any])?.compactMap { ($0 as? NSNumber).map { Double(truncating: $0) } }
    }

    @Test(
        "each provider kind answers the double's vectors as floats in OpenAI's shape; the stored document has count and dimensions, no vector",
        arguments: [ProviderName.ollama, .gemini, .openai])
    func everyKind(kind: ProviderName) async throws {
        try await ChatServiceHarness.run(providers: [kind], configure: Self.withOpenAI) { harness, client in
            let response = try await Self.post(
                client,
                #"{"model": "embed-model", "input": ["The food was delicious", "and the waiter was friendly"]}"#,
                requestID: "embed-\(kind)")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let body = try response.json()
            #expect(body["object"] as? String == "list")
            #expect(body["model"] as? String == "embed-model")
            let data = try #require(body["data"] as? [[String: Any]])
            #expect(data.map { $0["object"] as? String } == ["embedding", "embedding"])
            #expect(data.map { $0["index"] as? Int } == [0, 1])
            #expect(
                data.map { Self.floats($0["embedding"]) } == Self.inputs.map { ProviderDouble.embeddingVector(for: $0) }
            )
            let usage = try #require(body["usage"] as? [String: Any])
            #expect(usage["prompt_tokens"] as? Int == usage["total_tokens"] as? Int)
            #expect((usage["prompt_tokens"] as? Int ?? 0) > 0)

            let documents = try await harness.reader.findDocuments(filterJSON: #"{"requestId": "embed-\#(kind)"}"#)
            try #require(documents.count == 1)
            let document = try #require(JSONSerialization.jsonObject(with: Data(documents[0].utf8)) as? [String: Any])
            #expect(document["route"] as? String == "/v1/embeddings")
            #expect(document["status"] as? String == "ok")
            #expect(document["provider"] as? String == kind.rawValue)
            #expect(document["model"] as? String == "embed-model")
            #expect(document["prompt"] as? String == Self.inputs.joined(separator: "\n"))
            #expect(document["response"] as? String == "")
            let extra = try #require(document["extra"] as? [String: Any])
            #expect(Set(extra.keys) == ["count", "dimensions"])
            #expect(try ExtendedJSON.int32(extra["count"]) == 2)
            #expect(
                try ExtendedJSON.int32(extra["dimensions"]) == Int32(ProviderDouble.defaultEmbeddingDimensions))
            let stored = try #require(document["usage"] as? [String: Any])
            #expect(try ExtendedJSON.int32(stored["promptTokens"]) == Int32(usage["prompt_tokens"] as? Int ?? -1))
            #expect(try ExtendedJSON.int32(stored["completionTokens"]) == 0)
            // Gemini reports no counts for embeddings: the service estimates them and says so.
            #expect((stored["estimated"] as? Bool ?? false) == (kind == .gemini))
            let component = ProviderDouble.embeddingVector(for: Self.inputs[0])[3]
            #expect(!documents[0].contains("\(component)"), "a vector component reached the stored document")
        }
    }

    @Test(
        "encoding_format base64 answers little-endian float32 that decodes to the double's vectors, for one string input"
    )
    func base64() async throws {
        try await ChatServiceHarness.run(providers: [.ollama]) { harness, client in
            let response = try await Self.post(
                client,
                #"{"model": "nomic-embed-text", "input": "just one", "encoding_format": "base64", "dimensions": 5}"#,
                requestID: "embed-base64")
            #expect(response.status == .ok)
            let data = try #require(try response.json()["data"] as? [[String: Any]])
            try #require(data.count == 1)
            let encoded = try #require(data[0]["embedding"] as? String)
            let bytes = try #require(Data(base64Encoded: encoded))
            #expect(bytes.count == 5 * 4)
            let decoded = stride(from: 0, to: bytes.count, by: 4).map { offset in
                Double(
                    Float(
                        bitPattern: bytes[offset..<offset + 4].enumerated().reduce(UInt32(0)) {
                            $0 | UInt32($1.element) << (8 * UInt32($1.offset))
                        }))
            }
            #expect(decoded == ProviderDouble.embeddingVector(for: "just one", dimensions: 5))
            let sent = try #require(harness.double.requests(for: .ollama).first)
            #expect(sent.path == "/api/embed")
            #expect(sent.body.contains("\"dimensions\":5"))
        }
    }

    @Test(
        "a provider that fails is retried, then the next provider is asked for the same model, and the document says so"
    )
    func fallback() async throws {
        try await ChatServiceHarness.run(providers: [.ollama, .openai], configure: Self.withOpenAI) { harness, client in
            harness.double.script(Array(repeating: .error(status: 503), count: 3), for: .ollama)
            let response = try await Self.post(
                client, #"{"model": "shared-embedder", "input": ["a", "b", "c"]}"#, requestID: "embed-fallback")
            #expect(response.status == .ok)
            #expect((try response.json()["data"] as? [Any])?.count == 3)
            let documents = try await harness.reader.findDocuments(filterJSON: #"{"requestId": "embed-fallback"}"#)
            let stored = try #require(documents.first)
            let document = try #require(
                JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: Any])
            #expect(document["provider"] as? String == "openai")
            #expect(document["fallback"] as? Bool == true)
            let attempts = try #require(document["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["provider"] as? String } == ["ollama", "ollama", "ollama", "openai"])
            #expect(attempts.allSatisfy { $0["model"] as? String == "shared-embedder" })
            #expect(harness.double.requests(for: .openai).first?.body.contains("\"model\":\"shared-embedder\"") == true)
        }
    }

    @Test("when every provider fails the caller gets 502 in OpenAI's shape and the failure is stored")
    func allFail() async throws {
        try await ChatServiceHarness.run(providers: [.ollama]) { harness, client in
            harness.double.script(Array(repeating: .error(status: 500), count: 3), for: .ollama)
            let response = try await Self.post(client, #"{"model": "m", "input": "x"}"#, requestID: "embed-502")
            #expect(response.status == .badGateway)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["type"] as? String == "server_error")
            let documents = try await harness.reader.findDocuments(filterJSON: #"{"requestId": "embed-502"}"#)
            let stored = try #require(documents.first)
            let document = try #require(
                JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: Any])
            #expect(document["status"] as? String == "error")
            #expect(document["route"] as? String == "/v1/embeddings")
            #expect(document["extra"] == nil)
        }
    }

    static let tenThousandInputs =
        #"{"model": "m", "input": ["#
        + Array(repeating: #""a""#, count: 10_000).joined(separator: ",") + "]}"

    @Test(
        "bad inputs get 400 in OpenAI's shape naming the parameter; nothing is stored and no provider is called",
        arguments: [
            (#"{"model": "m", "input": []}"#, "input"),
            (#"{"model": "m", "input": ""}"#, "input"),
            (#"{"model": "m", "input": ["fine", ""]}"#, "input"),
            (Self.tenThousandInputs, "input"),
            (#"{"model": "m", "input": [1, 2, 3]}"#, "input"),
            (#"{"model": "m", "input": [[1, 2], [3]]}"#, "input"),
            (#"{"model": "m", "input": 5}"#, "input"),
            (#"{"model": "m", "input": ["a", 3]}"#, "input"),
            (#"{"model": "m"}"#, "input"),
            (#"{"input": "x"}"#, "model"),
            (#"{"model": 7, "input": "x"}"#, "model"),
            (#"{"model": "m", "input": "x", "encoding_format": "int8"}"#, "encoding_format"),
            (#"{"model": "m", "input": "x", "dimensions": 0}"#, "dimensions"),
            (#"{"model": "m", "input": "x", "dimensions": "8"}"#, "dimensions"),
            ("not json", ""),
        ])
    func badInputs(body: String, param: String) async throws {
        try await ChatServiceHarness.run(providers: [.ollama]) { harness, client in
            let response = try await Self.post(client, body, requestID: "embed-bad")
            #expect(response.status == .badRequest)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(!(error["message"] as? String ?? "").isEmpty)
            #expect((error["param"] as? String ?? "") == param)
            #expect(error.keys.contains("code"))
            #expect(try await harness.storedCount() == 0)
            #expect(harness.double.requests.filter { $0.path == "/api/embed" }.isEmpty)
        }
    }
}
