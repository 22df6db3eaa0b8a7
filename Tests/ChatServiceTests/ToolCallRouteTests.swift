import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import Providers
import TestSupport
import Testing

@Suite("Tool calls on /v1/chat/completions: the two-turn loop through every provider kind, in each one's dialect")
struct ToolCallRouteTests {
    @Test(
        "a tool call comes back in OpenAI's shape and the tool result is answered with text, through each provider kind",
        arguments: FeatureRoutes.kinds)
    func twoTurnLoop(kind: ProviderName) async throws {
        try await FeatureRoutes.run(kind) { harness, client in
            let first = try await FeatureRoutes.post(client, FeatureRoutes.firstTurn(kind))
            #expect(first.status == .ok)
            let choice = try FeatureRoutes.choice(first)
            #expect(choice["finish_reason"] as? String == "tool_calls")
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            #expect(message["content"] is NSNull, "an answer that is only calls has content null")
            let calls = try #require(message["tool_calls"] as? [[String: Any]])
            try #require(calls.count == 1)
            let id = try #require(calls[0]["id"] as? String)
            #expect(!id.isEmpty)
            #expect(calls[0]["type"] as? String == "function")
            let function = try #require(calls[0]["function"] as? [String: Any])
            #expect(function["name"] as? String == "get_weather")
            #expect(function["arguments"] is String, "arguments are a JSON string, as OpenAI sends them")
            let arguments = try FeatureRoutes.object(function["arguments"])
            #expect(arguments as? [String: String] == FeatureRoutes.questionArguments)

            let second = try await FeatureRoutes.post(client, FeatureRoutes.secondTurn(kind, calls: calls))
            #expect(second.status == .ok)
            let answer = try FeatureRoutes.choice(second)
            #expect(answer["finish_reason"] as? String == "stop")
            let answerMessage = try #require(answer["message"] as? [String: Any])
            #expect(answerMessage["content"] as? String == FeatureRoutes.toolAnswer)
            #expect(answerMessage["tool_calls"] == nil || answerMessage["tool_calls"] is NSNull)
            #expect(harness.double.requests(for: FeatureRoutes.route(kind)).count == 2)
        }
    }

    @Test(
        "Gemini gets functionDeclarations and toolConfig, then the call back as a functionCall part with its thought signature and the result as a functionResponse"
    )
    func geminiDialect() async throws {
        try await FeatureRoutes.run(.gemini) { harness, client in
            let choice: [String: Any] = ["type": "function", "function": ["name": "get_weather"]]
            let first = try await FeatureRoutes.post(
                client,
                FeatureRoutes.firstTurn(
                    .gemini,
                    extra: ["tools": [FeatureRoutes.timeTool, FeatureRoutes.weatherTool], "tool_choice": choice]))
            #expect(first.status == .ok)
            let calls = try FeatureRoutes.toolCalls(first)
            #expect(calls.map { ($0["function"] as? [String: Any])?["name"] as? String } == ["get_weather"])

            let sent = try FeatureRoutes.sent(harness, .gemini)
            let tools = try #require(sent["tools"] as? [[String: Any]])
            let declarations = try #require(tools.first?["functionDeclarations"] as? [[String: Any]])
            #expect(declarations.map { $0["name"] as? String } == ["get_time", "get_weather"])
            #expect(declarations[1]["description"] as? String == "Current weather in a city")
            let parameters = try #require(declarations[1]["parameters"] as? [String: Any])
            #expect(parameters["type"] as? String == "OBJECT")
            #expect(parameters["additionalProperties"] == nil, "Gemini rejects additionalProperties; it is dropped")
            #expect(parameters["required"] as? [String] == ["city"])
            let config = try #require(
                (sent["toolConfig"] as? [String: Any])?["functionCallingConfig"] as? [String: Any])
            #expect(config["mode"] as? String == "ANY")
            #expect(config["allowedFunctionNames"] as? [String] == ["get_weather"])

            let second = try await FeatureRoutes.post(client, FeatureRoutes.secondTurn(.gemini, calls: calls))
            #expect(second.status == .ok)
            let replayed = try FeatureRoutes.sent(harness, .gemini, 1)
            let contents = try #require(replayed["contents"] as? [[String: Any]])
            #expect(contents.map { $0["role"] as? String } == ["user", "model", "user"])
            let modelPart = try #require((contents[1]["parts"] as? [[String: Any]])?.first)
            let call = try #require(modelPart["functionCall"] as? [String: Any])
            #expect(call["name"] as? String == "get_weather")
            #expect(call["args"] as? [String: String] == FeatureRoutes.questionArguments, "args is an object")
            #expect(
                modelPart["thoughtSignature"] as? String == "c2lnbmF0dXJlLW9mLXRoZS1kb3VibGU=",
                "the signature Gemini sent with the call goes back with it")
            let resultPart = try #require((contents[2]["parts"] as? [[String: Any]])?.first)
            let response = try #require(resultPart["functionResponse"] as? [String: Any])
            #expect(response["name"] as? String == "get_weather")
            #expect(response["response"] as? [String: Int] == ["temperature": 21])
        }
    }

    @Test(
        "Ollama gets the tools as sent, the call back with object arguments and the result as a tool turn named by tool_name"
    )
    func ollamaDialect() async throws {
        try await FeatureRoutes.run(.ollama) { harness, client in
            let first = try await FeatureRoutes.post(
                client, FeatureRoutes.firstTurn(.ollama, extra: ["tool_choice": "auto"]))
            #expect(first.status == .ok)
            let calls = try FeatureRoutes.toolCalls(first)
            try #require(calls.count == 1)
            #expect((calls[0]["id"] as? String)?.hasPrefix("call_") == true, "Ollama names no call: the gateway does")

            let sent = try FeatureRoutes.sent(harness, .ollama)
            let tools = try #require(sent["tools"] as? [[String: Any]])
            let function = try #require(tools.first?["function"] as? [String: Any])
            #expect(tools.first?["type"] as? String == "function")
            #expect(function["name"] as? String == "get_weather")
            let parameters = try #require(function["parameters"] as? [String: Any])
            #expect(parameters["type"] as? String == "object")
            #expect(parameters["additionalProperties"] as? Bool == false, "passed as sent")
            #expect(sent["tool_choice"] == nil, "Ollama has no tool_choice")

            let second = try await FeatureRoutes.post(client, FeatureRoutes.secondTurn(.ollama, calls: calls))
            #expect(second.status == .ok)
            let messages = try #require(try FeatureRoutes.sent(harness, .ollama, 1)["messages"] as? [[String: Any]])
            #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "tool"])
            let replayedCall = try #require((messages[1]["tool_calls"] as? [[String: Any]])?.first)
            let replayedFunction = try #require(replayedCall["function"] as? [String: Any])
            #expect(replayedFunction["name"] as? String == "get_weather")
            #expect(
                replayedFunction["arguments"] as? [String: String] == FeatureRoutes.questionArguments,
                "Ollama's arguments are an object, not a string")
            #expect(messages[2]["tool_name"] as? String == "get_weather")
            #expect(messages[2]["content"] as? String == FeatureRoutes.toolResult)
        }
    }

    @Test("an OpenAI-compatible upstream gets tools, tool_choice, parallel_tool_calls and the tool turns as sent")
    func openAIPassthrough() async throws {
        try await FeatureRoutes.run(.openai) { harness, client in
            let first = try await FeatureRoutes.post(
                client,
                FeatureRoutes.firstTurn(.openai, extra: ["tool_choice": "required", "parallel_tool_calls": false]))
            #expect(first.status == .ok)
            let calls = try FeatureRoutes.toolCalls(first)
            #expect(calls.compactMap { $0["id"] as? String } == ["call_double0"], "the upstream's id is kept")

            let sent = try FeatureRoutes.sent(harness, .openai)
            let tools = try #require(sent["tools"] as? [[String: Any]])
            #expect((tools.first?["function"] as? [String: Any])?["name"] as? String == "get_weather")
            #expect(sent["tool_choice"] as? String == "required")
            #expect(sent["parallel_tool_calls"] as? Bool == false)

            let second = try await FeatureRoutes.post(client, FeatureRoutes.secondTurn(.openai, calls: calls))
            #expect(second.status == .ok)
            let messages = try #require(try FeatureRoutes.sent(harness, .openai, 1)["messages"] as? [[String: Any]])
            #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "tool"])
            let replayedCall = try #require((messages[1]["tool_calls"] as? [[String: Any]])?.first)
            #expect(replayedCall["id"] as? String == "call_double0")
            let arguments = (replayedCall["function"] as? [String: Any])?["arguments"]
            #expect(arguments is String, "OpenAI's arguments stay a JSON string")
            #expect(try FeatureRoutes.object(arguments) as? [String: String] == FeatureRoutes.questionArguments)
            #expect(messages[2]["tool_call_id"] as? String == "call_double0")
            #expect(messages[2]["content"] as? String == FeatureRoutes.toolResult)
        }
    }

    @Test(
        "several calls in one answer each get their own id; parallel_tool_calls false keeps only the first",
        arguments: FeatureRoutes.kinds)
    func parallelCalls(kind: ProviderName) async throws {
        try await FeatureRoutes.run(kind) { harness, client in
            let tools = [FeatureRoutes.weatherTool, FeatureRoutes.timeTool]
            let messages = [["role": "user", "content": "Weather and time, in parallel please"]]
            let both = try await FeatureRoutes.post(
                client, ["model": FeatureRoutes.model(kind), "tools": tools, "messages": messages])
            #expect(both.status == .ok)
            let calls = try FeatureRoutes.toolCalls(both)
            #expect(
                calls.map { ($0["function"] as? [String: Any])?["name"] as? String } == ["get_weather", "get_time"])
            let ids = calls.compactMap { $0["id"] as? String }
            #expect(ids.count == 2 && Set(ids).count == 2)

            // Gemini and Ollama have no such switch: the gateway keeps the first of their calls.
            // OpenAI-compatible upstreams get the switch (the double ignores it, as some servers do).
            let one = try await FeatureRoutes.post(
                client,
                [
                    "model": FeatureRoutes.model(kind), "tools": tools, "messages": messages,
                    "parallel_tool_calls": false,
                ])
            #expect(one.status == .ok)
            let single = try FeatureRoutes.toolCalls(one)
            #expect(single.map { ($0["function"] as? [String: Any])?["name"] as? String } == ["get_weather"])
            if kind == .openai {
                #expect(try FeatureRoutes.sent(harness, .openai, 1)["parallel_tool_calls"] as? Bool == false)
            }
            #expect(try FeatureRoutes.choice(one)["finish_reason"] as? String == "tool_calls")
        }
    }
}
