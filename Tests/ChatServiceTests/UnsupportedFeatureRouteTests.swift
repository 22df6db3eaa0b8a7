import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import Providers
import TestSupport
import Testing

@Suite("What a provider cannot do: a 400 in OpenAI's shape naming the field and the provider; fallback skips it")
struct UnsupportedFeatureRouteTests {
    /// The error of a 400 `unsupported_feature`, checked for OpenAI's shape.
    static func unsupported(
        _ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (param: String?, message: String) {
        #expect(response.status == .badRequest, sourceLocation: sourceLocation)
        let error = try #require(try response.json()["error"] as? [String: Any], sourceLocation: sourceLocation)
        #expect(error.keys.sorted() == ["code", "message", "param", "type"], sourceLocation: sourceLocation)
        #expect(error["type"] as? String == "invalid_request_error", sourceLocation: sourceLocation)
        #expect(error["code"] as? String == "unsupported_feature", sourceLocation: sourceLocation)
        return (error["param"] as? String, try #require(error["message"] as? String, sourceLocation: sourceLocation))
    }

    @Test(
        "tools against an Ollama model whose capabilities lack tools: 400 naming tools, provider and model; nothing sent or stored"
    )
    func ollamaModelWithoutTools() async throws {
        try await FeatureRoutes.run(.ollama) { harness, client in
            let response = try await FeatureRoutes.post(
                client,
                [
                    "model": "ollama/gemma-notools", "tools": [FeatureRoutes.weatherTool],
                    "messages": [["role": "user", "content": FeatureRoutes.question]],
                ])
            let (param, message) = try Self.unsupported(response)
            #expect(param == "tools")
            #expect(message.contains("provider ollama") && message.contains("gemma-notools"))
            #expect(message.contains("capabilities (completion)"))
            let shown = harness.double.requests.filter { $0.path == "/api/show" }
            #expect(shown.compactMap { $0.jsonBody?["model"] as? String } == ["gemma-notools"], "asked, once")
            #expect(harness.double.requests(for: .ollama).isEmpty, "no chat request was sent")
            #expect(try await harness.storedCount() == 0)
        }
    }

    @Test("an image for an Ollama model without vision: 400 naming the message's content")
    func ollamaModelWithoutVision() async throws {
        try await FeatureRoutes.run(.ollama) { harness, client in
            let pngURL = "data:image/png;base64,\(ImageInputRouteTests.pngBase64)"
            let response = try await FeatureRoutes.post(
                client,
                [
                    "model": "ollama/gemma-notools",
                    "messages": [
                        ["role": "system", "content": "Look closely."],
                        [
                            "role": "user",
                            "content": [
                                ["type": "text", "text": "what?"], ["type": "image_url", "image_url": ["url": pngURL]],
                            ],
                        ],
                    ],
                ])
            let (param, message) = try Self.unsupported(response)
            #expect(param == "messages[1].content")
            #expect(message.contains("vision") && message.contains("ollama"))
            #expect(harness.double.requests(for: .ollama).isEmpty)
            #expect(try await harness.storedCount() == 0)
        }
    }

    @Test(
        "Ollama cannot force a call: tool_choice required or a named function is a 400 naming tool_choice",
        arguments: [#""required""#, #"{"type": "function", "function": {"name": "get_weather"}}"#])
    func ollamaForcedChoice(choice: String) async throws {
        try await FeatureRoutes.run(.ollama) { harness, client in
            let parsed = try JSONSerialization.jsonObject(with: Data(choice.utf8), options: [.fragmentsAllowed])
            let response = try await FeatureRoutes.post(
                client, FeatureRoutes.firstTurn(.ollama, extra: ["tool_choice": parsed]))
            let (param, message) = try Self.unsupported(response)
            #expect(param == "tool_choice")
            #expect(message.contains("ollama") && message.contains("llama3.2"))
            #expect(harness.double.requests(for: .ollama).isEmpty)
            #expect(try await harness.storedCount() == 0)
        }
    }

    @Test("tool_choice none on Ollama sends no tools and answers with text, even for a model without tools")
    func ollamaChoiceNone() async throws {
        try await FeatureRoutes.run(.ollama) { harness, client in
            var body = FeatureRoutes.firstTurn(.ollama, extra: ["tool_choice": "none"])
            body["model"] = "ollama/gemma-notools"
            let response = try await FeatureRoutes.post(client, body)
            #expect(response.status == .ok)
            let choice = try FeatureRoutes.choice(response)
            #expect(choice["finish_reason"] as? String == "stop")
            #expect((choice["message"] as? [String: Any])?["content"] as? String == "Echo: \(FeatureRoutes.question)")
            #expect(try FeatureRoutes.sent(harness, .ollama)["tools"] == nil)
        }
    }

    @Test("fallback skips a provider that cannot serve the tools and the next one answers with the call")
    func fallbackSkipsIncapable() async throws {
        try await FeatureRoutes.run(
            .gemini, providers: [.gemini, .ollama, .openai],
            configure: {
                $0.ollama.model = "gemma-notools"
                $0.retry.maxAttempts = 1
            }
        ) { harness, client in
            harness.double.script([.error(status: 503)], for: .gemini)
            let response = try await FeatureRoutes.post(client, FeatureRoutes.firstTurn(.gemini))
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["model"] as? String == "gpt-4o-mini")
            let calls = try FeatureRoutes.toolCalls(response)
            #expect(calls.map { ($0["function"] as? [String: Any])?["name"] as? String } == ["get_weather"])
            #expect(harness.double.requests(for: .gemini).count == 1)
            #expect(harness.double.requests(for: .ollama).isEmpty, "Ollama's model cannot call tools: skipped")
            #expect(harness.double.requests(for: .openai).count == 1)

            let document = try await FeatureRoutes.document(harness, completionID: body["id"])
            #expect(document["provider"] as? String == "openai")
            #expect(document["fallback"] as? Bool == true)
            let attempts = try #require(document["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["provider"] as? String } == ["gemini", "ollama", "openai"])
            let skipped = try #require(attempts.first { $0["provider"] as? String == "ollama" })
            #expect(try ExtendedJSON.int32(skipped["status"]) == 400)
            #expect((skipped["error"] as? String)?.contains("tools is not supported by provider ollama") == true)
            #expect((document["toolCalls"] as? [[String: Any]])?.count == 1)
        }
    }
}
