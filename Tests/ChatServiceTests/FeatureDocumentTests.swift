import Foundation
import HTTPTypes
import HummingbirdTesting
import Persistence
import Providers
import TestSupport
import Testing

@testable import ChatService

@Suite(
    "The stored document of an agent trace: tool calls, tool results, features; tool-call tokens are completion tokens")
struct FeatureDocumentTests {
    /// The double counts a call's completion as the words of its serialized arguments plus one:
    /// `{"city":"What is the weather in Paris?"}` is 6 words.
    static let callCompletionTokens = 7

    @Test(
        "both turns of a tool loop are stored: the answer's toolCalls, the history's calls and tool results, the offered tools",
        arguments: FeatureRoutes.kinds)
    func toolLoopDocuments(kind: ProviderName) async throws {
        try await FeatureRoutes.run(kind) { harness, client in
            let first = try await FeatureRoutes.post(
                client, FeatureRoutes.firstTurn(kind, extra: ["tool_choice": "auto", "user": "agent-7"]))
            #expect(first.status == .ok)
            let firstBody = try first.json()
            let calls = try FeatureRoutes.toolCalls(first)
            let call = try #require(calls.first)
            let id = try #require(call["id"] as? String)
            let arguments = try #require((call["function"] as? [String: Any])?["arguments"] as? String)

            let firstDocument = try await FeatureRoutes.document(harness, completionID: firstBody["id"])
            #expect(firstDocument["status"] as? String == "ok")
            #expect(firstDocument["userId"] as? String == "agent-7")
            #expect(firstDocument["response"] as? String == "", "an answer that is only calls has no text")
            let stored = try #require(firstDocument["toolCalls"] as? [[String: Any]])
            try #require(stored.count == 1)
            #expect(stored[0]["id"] as? String == id)
            #expect(stored[0]["name"] as? String == "get_weather")
            #expect(stored[0]["arguments"] as? String == arguments, "arguments stored as the JSON string answered")
            #expect(stored[0].keys.sorted() == ["arguments", "id", "name"])
            let features = try #require(firstDocument["features"] as? [String: Any])
            #expect(features["tools"] as? [String] == ["get_weather"])
            #expect(features["toolChoice"] as? String == "auto")
            #expect(features["responseFormat"] == nil)

            // Tool-call tokens are completion tokens: the provider's count, answered and stored.
            let usage = try #require(firstBody["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == Self.callCompletionTokens)
            let storedUsage = try #require(firstDocument["usage"] as? [String: Any])
            #expect(try ExtendedJSON.int32(storedUsage["completionTokens"]) == Int32(Self.callCompletionTokens))
            #expect(
                try ExtendedJSON.int32(storedUsage["totalTokens"])
                    == Int32(try #require(usage["total_tokens"] as? Int)))
            if kind != .ollama {
                // Priced models: the calls' tokens are billed at the output price.
                let cost = try #require(try CostTests.storedCost(firstDocument))
                let outputPrice = kind == .gemini ? 0.40 : 0.60
                #expect(abs(cost.output - Double(Self.callCompletionTokens) * outputPrice / 1_000_000) < 1e-15)
            }

            let second = try await FeatureRoutes.post(client, FeatureRoutes.secondTurn(kind, calls: calls))
            #expect(second.status == .ok)
            let secondDocument = try await FeatureRoutes.document(harness, completionID: try second.json()["id"])
            #expect(secondDocument["response"] as? String == FeatureRoutes.toolAnswer)
            #expect(secondDocument["toolCalls"] == nil, "a text answer has no toolCalls")
            #expect(secondDocument["prompt"] as? String == FeatureRoutes.question)
            let messages = try #require(secondDocument["messages"] as? [[String: Any]])
            #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "tool"])
            let historyCalls = try #require(messages[1]["toolCalls"] as? [[String: Any]])
            #expect(historyCalls.map { $0["id"] as? String } == [id])
            #expect(historyCalls.first?["name"] as? String == "get_weather")
            #expect(historyCalls.first?["arguments"] as? String == arguments)
            #expect(messages[2]["toolCallId"] as? String == id)
            #expect(messages[2]["content"] as? String == FeatureRoutes.toolResult)
            #expect(messages[0]["toolCallId"] == nil && messages[0]["toolCalls"] == nil)
        }
    }

    @Test("analysts can find an agent trace by the called function's name")
    func queryableByCallName() async throws {
        try await FeatureRoutes.run(.ollama) { harness, client in
            let traced = try await FeatureRoutes.post(client, FeatureRoutes.firstTurn(.ollama))
            let plain = try await FeatureRoutes.post(
                client, ["model": "llama3.2", "messages": [["role": "user", "content": "no tools here"]]])
            #expect(traced.status == .ok && plain.status == .ok)
            let found = try await harness.reader.findDocuments(filterJSON: #"{"toolCalls.name": "get_weather"}"#)
            #expect(found.count == 1)
            let id = String(try #require(try traced.json()["id"] as? String).dropFirst("chatcmpl-".count))
            let foundDocument = try FeatureRoutes.object(found.first)
            #expect(foundDocument["_id"] as? String == id)
            #expect(try await harness.storedCount() == 2)
        }
    }

    @Test("parallel_tool_calls, tool_choice by name and a response format are stored in features")
    func featuresStored() async throws {
        try await FeatureRoutes.run(.openai) { harness, client in
            let response = try await FeatureRoutes.post(
                client,
                FeatureRoutes.firstTurn(
                    .openai,
                    extra: [
                        "parallel_tool_calls": false,
                        "tool_choice": ["type": "function", "function": ["name": "get_weather"]],
                        "response_format": ["type": "json_object"],
                    ]))
            #expect(response.status == .ok)
            let document = try await FeatureRoutes.document(harness, completionID: try response.json()["id"])
            let features = try #require(document["features"] as? [String: Any])
            #expect(features["parallelToolCalls"] as? Bool == false)
            #expect(features["toolChoice"] as? String == "function:get_weather")
            #expect((features["responseFormat"] as? [String: Any])?["type"] as? String == "json_object")
        }
    }

    @Test("a locally estimated usage counts the calls' names and arguments as completion tokens, only the kept calls")
    func estimatedUsageCountsCalls() throws {
        let call = CallRecord(
            id: "trace-1", route: "/v1/chat/completions", userId: "u", prompt: "hi",
            messages: [ChatMessage(role: .user, content: "hi")], requestedAt: Date(), started: .now,
            requestID: "r", apiKeyId: nil, stream: false, firstProvider: .openai, firstModel: "local",
            features: InteractionFeatures(tools: ["get_weather", "get_time"], parallelToolCalls: false))
        var completion = Completion(text: "", model: "local", finishReason: .toolCalls, usage: nil)
        completion.toolCalls = [
            ToolCall(id: "call_a", name: "get_weather", arguments: #"{"city":"Paris"}"#),
            ToolCall(id: "call_b", name: "get_time", arguments: #"{"zone":"CET"}"#),
        ]
        let success = ChainSuccess(
            completion: completion, provider: .openai, model: "local", attempts: [], fallback: false)
        var document = Interaction(
            call: call, result: .success(success), promptMessages: call.messages ?? [], answeredAt: Date())
        let before = document.usage
        #expect(before.estimated && before.completionTokens == 0)
        document.addFeatures(of: call, completion: completion)
        // "get_weather" + {"city":"Paris"}: 27 characters, 7 tokens; the second call is not kept.
        #expect(document.usage.completionTokens == 7)
        #expect(document.usage.totalTokens == before.totalTokens + 7)
        #expect(document.toolCalls?.map(\.id) == ["call_a"])
    }
}
