import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import Providers
import TestSupport
import Testing

/// Shared pieces of the issue 15 route tests (tools, JSON output, images on
/// `POST /v1/chat/completions`): one service per provider kind, all pointed at the double, the
/// requests and the answers' parts.
enum FeatureRoutes {
    static let kinds: [ProviderName] = [.gemini, .ollama, .openai]

    /// The model each kind serves in the harness (the double lists them).
    static func model(_ kind: ProviderName) -> String {
        switch kind {
        case .gemini: "gemini-2.0-flash"
        case .ollama: "llama3.2"
        case .openai: "gpt-4o-mini"
        default:
            preconditionFailure("these tests have no \(kind) provider")
        }
    }

    /// The double's route for a provider kind.
    static func route(_ kind: ProviderName) -> ProviderDoubleRoute {
        switch kind {
        case .gemini: .gemini
        case .ollama: .ollama
        case .openai: .openai
        default:
            preconditionFailure("these tests have no \(kind) provider")
        }
    }

    /// A service whose only provider is `kind` (the OpenAI-compatible one pointed at the double too).
    static func run(
        _ kind: ProviderName, providers: [ProviderName]? = nil,
        configure: @escaping (inout ServiceConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (ChatServiceHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await ChatServiceHarness.run(
            providers: providers ?? [kind],
            configure: {
                EmbeddingsRouteTests.withOpenAI(&$0)
                configure(&$0)
            }, body)
    }

    static var weatherTool: [String: Any] {
        [
            "type": "function",
            "function": [
                "name": "get_weather", "description": "Current weather in a city",
                "parameters": [
                    "type": "object", "properties": ["city": ["type": "string"]], "required": ["city"],
                    "additionalProperties": false,
                ],
            ],
        ]
    }

    static var timeTool: [String: Any] {
        [
            "type": "function",
            "function": [
                "name": "get_time",
                "parameters": ["type": "object", "properties": ["zone": ["type": "string"]], "required": ["zone"]],
            ],
        ]
    }

    static let question = "What is the weather in Paris?"
    /// What the double's tool call for `question` carries as arguments.
    static let questionArguments: [String: String] = ["city": question]
    /// The tool's result in the second turn, and the double's answer to it on every provider.
    static let toolResult = #"{"temperature":21}"#
    static let toolAnswer = #"Result: {"temperature":21}"#

    /// POSTs `body` (serialized, keys sorted: a test of member order writes its body out) to
    /// `/v1/chat/completions`.
    static func post(_ client: any TestClientProtocol, _ body: [String: Any]) async throws -> TestResponse {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return try await OpenAIRouteTests.post(
            client, "/v1/chat/completions", String(decoding: data, as: UTF8.self))
    }

    /// The first turn of the weather loop for `kind`, with `extra` members added.
    static func firstTurn(_ kind: ProviderName, extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = [
            "model": model(kind), "tools": [weatherTool],
            "messages": [["role": "user", "content": question]],
        ]
        body.merge(extra) { _, new in new }
        return body
    }

    /// The second turn: the question, the assistant's `calls` as the answer carried them, and
    /// one tool result per call.
    static func secondTurn(_ kind: ProviderName, calls: [[String: Any]], extra: [String: Any] = [:]) -> [String: Any] {
        var messages: [[String: Any]] = [
            ["role": "user", "content": question], ["role": "assistant", "content": NSNull(), "tool_calls": calls],
        ]
        for call in calls {
            messages.append(["role": "tool", "tool_call_id": call["id"] ?? "", "content": toolResult])
        }
        var body: [String: Any] = ["model": model(kind), "tools": [weatherTool], "messages": messages]
        body.merge(extra) { _, new in new }
        return body
    }

    /// `choices[0]` of a chat completion.
    static func choice(_ response: TestResponse) throws -> [String: Any] {
        let choices = try #require(try response.json()["choices"] as? [[String: Any]])
        return try #require(choices.first)
    }

    /// `choices[0].message.tool_calls` of a chat completion.
    static func toolCalls(_ response: TestResponse) throws -> [[String: Any]] {
        let message = try #require(try choice(response)["message"] as? [String: Any])
        return try #require(message["tool_calls"] as? [[String: Any]])
    }

    /// A JSON text parsed to an object.
    static func object(_ text: Any?) throws -> [String: Any] {
        let string = try #require(text as? String)
        return try #require(JSONSerialization.jsonObject(with: Data(string.utf8)) as? [String: Any])
    }

    /// The stored interaction behind a completion id (`chatcmpl-<id>`).
    static func document(
        _ harness: ChatServiceHarness, completionID: Any?
    ) async throws -> [String: Any] {
        let id = try #require(completionID as? String)
        #expect(id.hasPrefix("chatcmpl-"))
        return try await harness.storedDocument(id: String(id.dropFirst("chatcmpl-".count)))
    }

    /// The request the double received from the service for `kind`, the `index`th one.
    static func sent(
        _ harness: ChatServiceHarness, _ kind: ProviderName, _ index: Int = 0
    ) throws -> [String: Any] {
        let requests = harness.double.requests(for: route(kind))
        try #require(requests.count > index, "the double got \(requests.count) \(kind) requests")
        return try #require(requests[index].jsonBody)
    }

    /// The data payloads of an SSE body, `[DONE]` left out, parsed.
    static func streamChunks(_ response: TestResponse) throws -> [[String: Any]] {
        let events = OpenAIRouteTests.events(response)
        #expect(events.last == "[DONE]")
        return try events.filter { $0 != "[DONE]" }.map(OpenAIRouteTests.object)
    }

    /// `choices[0].delta` of every chunk that has one.
    static func deltas(_ chunks: [[String: Any]]) -> [[String: Any]] {
        chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
    }

    /// `choices[0].finish_reason` of every chunk that has one.
    static func finishReasons(_ chunks: [[String: Any]]) -> [String] {
        chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
    }
}
