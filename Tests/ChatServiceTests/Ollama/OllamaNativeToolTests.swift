import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import Providers
import TestSupport
import Testing

@Suite("Tools on Ollama's own /api/chat: passed through both ways, the calls kept in the document")
struct OllamaNativeToolTests {
    static let body = """
        {"model": "llama3.2", "stream": STREAM,
         "tools": [{"type": "function", "function": {"name": "get_weather",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
         "messages": [{"role": "user", "content": "Paris"}]}
        """

    @Test(
        "a tool call from /api/chat reaches the client as Ollama sent it and the document keeps it, streamed or not",
        arguments: [false, true])
    func toolCallPassedThroughAndStored(stream: Bool) async throws {
        try await ChatServiceHarness.run { harness, client in
            let response = try await client.postOllama(
                "/api/chat", Self.body.replacingOccurrences(of: "STREAM", with: "\(stream)"))
            #expect(response.status == .ok)
            let lines = stream ? try response.ndjsonLines() : [try response.json()]
            let calls = lines.flatMap { (($0["message"] as? [String: Any])?["tool_calls"] as? [[String: Any]]) ?? [] }
            try #require(calls.count == 1)
            let function = try #require(calls[0]["function"] as? [String: Any])
            #expect(function["name"] as? String == "get_weather")
            #expect(function["arguments"] as? [String: String] == ["city": "Paris"], "object arguments, untouched")
            let sent = try #require(harness.double.requests(for: .ollama).first?.jsonBody)
            #expect(
                ((sent["tools"] as? [[String: Any]])?.first?["function"] as? [String: Any])?["name"] as? String
                    == "get_weather")

            let stored = try await OllamaNativeRouteTests.onlyStored(harness)
            #expect(stored["route"] as? String == "/api/chat")
            let toolCalls = try #require(stored["toolCalls"] as? [[String: Any]], "the answer's calls are stored")
            #expect(toolCalls.map { $0["name"] as? String } == ["get_weather"])
            #expect(try FeatureRoutes.object(toolCalls.first?["arguments"]) as? [String: String] == ["city": "Paris"])
            #expect((toolCalls.first?["id"] as? String)?.isEmpty == false)
        }
    }

    @Test("the history's assistant calls are stored with their messages")
    func historyCallsStored() async throws {
        try await ChatServiceHarness.run { harness, client in
            let response = try await client.postOllama(
                "/api/chat",
                """
                {"model": "llama3.2", "stream": false,
                 "messages": [{"role": "user", "content": "Paris"},
                              {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
                              {"role": "tool", "tool_name": "get_weather", "content": "21 degrees"}]}
                """)
            #expect(response.status == .ok)
            let stored = try await OllamaNativeRouteTests.onlyStored(harness)
            #expect(stored["toolCalls"] == nil, "a text answer has none")
            let messages = try #require(stored["messages"] as? [[String: Any]])
            #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "tool"])
            let history = try #require(messages[1]["toolCalls"] as? [[String: Any]])
            #expect(history.map { $0["name"] as? String } == ["get_weather"])
            #expect(try FeatureRoutes.object(history.first?["arguments"]) as? [String: String] == ["city": "Paris"])
            #expect(messages[2]["content"] as? String == "21 degrees")
        }
    }
}
