import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import Providers
import TestSupport
import Testing

@Suite("Streamed tool calls: delta.tool_calls as OpenAI streams them, from every provider kind")
struct ToolCallStreamingTests {
    /// One call put back together from its deltas, as an SDK does.
    struct Reassembled: Equatable {
        var id: String
        var name: String
        var arguments: String
    }

    /// Reassembles `delta.tool_calls` by `index`, checking OpenAI's order on the way: a call's
    /// first delta carries its id, `type: function`, its name and empty arguments; the later
    /// ones carry only argument text (no id, no name).
    static func reassemble(_ deltas: [[String: Any]]) throws -> [Reassembled] {
        var calls: [Int: Reassembled] = [:]
        for piece in deltas.flatMap({ ($0["tool_calls"] as? [[String: Any]]) ?? [] }) {
            let index = try #require(piece["index"] as? Int)
            let function = try #require(piece["function"] as? [String: Any])
            if var call = calls[index] {
                #expect(piece["id"] == nil, "only a call's first delta has its id")
                #expect(function["name"] == nil, "only a call's first delta has its name")
                call.arguments += try #require(function["arguments"] as? String)
                calls[index] = call
            } else {
                #expect(piece["type"] as? String == "function")
                #expect(function["arguments"] as? String == "", "the first delta's arguments are empty")
                calls[index] = Reassembled(
                    id: try #require(piece["id"] as? String), name: try #require(function["name"] as? String),
                    arguments: "")
            }
        }
        #expect(calls.keys.sorted() == Array(0..<calls.count), "indexes count from 0 without gaps")
        return calls.keys.sorted().compactMap { calls[$0] }
    }

    static func stream(_ body: [String: Any]) -> [String: Any] {
        var body = body
        body["stream"] = true
        body["stream_options"] = ["include_usage": true]
        return body
    }

    @Test(
        "a streamed tool call sends index, id and name first, then the arguments; the second turn streams the text answer",
        arguments: FeatureRoutes.kinds)
    func streamedLoop(kind: ProviderName) async throws {
        try await FeatureRoutes.run(kind) { harness, client in
            let first = try await FeatureRoutes.post(client, Self.stream(FeatureRoutes.firstTurn(kind)))
            #expect(first.status == .ok)
            #expect(first.headers[.contentType] == "text/event-stream")
            let chunks = try FeatureRoutes.streamChunks(first)
            let deltas = FeatureRoutes.deltas(chunks)
            #expect(deltas.first?["role"] as? String == "assistant")
            let calls = try Self.reassemble(deltas)
            try #require(calls.count == 1)
            #expect(calls[0].name == "get_weather")
            #expect(!calls[0].id.isEmpty)
            #expect(
                try FeatureRoutes.object(calls[0].arguments) as? [String: String] == FeatureRoutes.questionArguments)
            #expect(deltas.compactMap { $0["content"] as? String }.joined().isEmpty, "no text beside the call")
            #expect(FeatureRoutes.finishReasons(chunks) == ["tool_calls"])
            let usage = try #require(chunks.last?["usage"] as? [String: Any])
            #expect((usage["completion_tokens"] as? Int ?? 0) > 0)

            let document = try await FeatureRoutes.document(harness, completionID: chunks.first?["id"])
            #expect(document["stream"] as? Bool == true)
            let stored = try #require(document["toolCalls"] as? [[String: Any]])
            #expect(stored.map { $0["id"] as? String } == [calls[0].id], "the same id in the stream and the document")
            #expect(stored.first?["arguments"] as? String == calls[0].arguments)

            let echoed: [[String: Any]] = [
                [
                    "id": calls[0].id, "type": "function",
                    "function": ["name": calls[0].name, "arguments": calls[0].arguments],
                ]
            ]
            let second = try await FeatureRoutes.post(
                client, Self.stream(FeatureRoutes.secondTurn(kind, calls: echoed)))
            #expect(second.status == .ok)
            let answerChunks = try FeatureRoutes.streamChunks(second)
            let answerDeltas = FeatureRoutes.deltas(answerChunks)
            #expect(answerDeltas.compactMap { $0["content"] as? String }.joined() == FeatureRoutes.toolAnswer)
            #expect(answerDeltas.allSatisfy { $0["tool_calls"] == nil })
            #expect(FeatureRoutes.finishReasons(answerChunks) == ["stop"])
        }
    }

    @Test("several streamed calls each have their own index, id and name", arguments: FeatureRoutes.kinds)
    func streamedParallelCalls(kind: ProviderName) async throws {
        try await FeatureRoutes.run(kind) { _, client in
            let response = try await FeatureRoutes.post(
                client,
                Self.stream([
                    "model": FeatureRoutes.model(kind), "tools": [FeatureRoutes.weatherTool, FeatureRoutes.timeTool],
                    "messages": [["role": "user", "content": "Weather and time, in parallel please"]],
                ]))
            #expect(response.status == .ok)
            let chunks = try FeatureRoutes.streamChunks(response)
            let calls = try Self.reassemble(FeatureRoutes.deltas(chunks))
            #expect(calls.map(\.name) == ["get_weather", "get_time"])
            #expect(Set(calls.map(\.id)).count == 2)
            #expect(try FeatureRoutes.object(calls[1].arguments)["zone"] is String)
            #expect(FeatureRoutes.finishReasons(chunks) == ["tool_calls"])
        }
    }

    @Test(
        "a streamed answer with parallel_tool_calls false streams only the first call", arguments: FeatureRoutes.kinds)
    func streamedFirstCallOnly(kind: ProviderName) async throws {
        try await FeatureRoutes.run(kind) { harness, client in
            let response = try await FeatureRoutes.post(
                client,
                Self.stream([
                    "model": FeatureRoutes.model(kind), "tools": [FeatureRoutes.weatherTool, FeatureRoutes.timeTool],
                    "parallel_tool_calls": false,
                    "messages": [["role": "user", "content": "Weather and time, in parallel please"]],
                ]))
            #expect(response.status == .ok)
            let chunks = try FeatureRoutes.streamChunks(response)
            let calls = try Self.reassemble(FeatureRoutes.deltas(chunks))
            #expect(calls.map(\.name) == ["get_weather"])
            let document = try await FeatureRoutes.document(harness, completionID: chunks.first?["id"])
            #expect((document["toolCalls"] as? [[String: Any]])?.map { $0["name"] as? String } == ["get_weather"])
        }
    }
}
