import Foundation
import NIOCore
import Testing

@testable import Providers

/// A weather tool with the schema an OpenAI SDK sends for strict functions.
enum ToolFixtures {
    static var weatherSchema: JSONValue {
        get throws {
            try JSONValue(
                parsing:
                    #"{"type":"object","properties":{"city":{"type":"string","description":"City name"},"unit":{"type":["string","null"],"enum":["c","f"]}},"required":["city","unit"],"additionalProperties":false}"#
            )
        }
    }
    static var weather: ToolDefinition {
        get throws {
            ToolDefinition(
                name: "get_weather", description: "Weather in a city", parameters: try weatherSchema, strict: true)
        }
    }

    /// user → assistant call → tool result: the second turn of a tool loop.
    static func secondTurn(callID: String) -> [ChatMessage] {
        var call = ChatMessage(role: .assistant, content: "")
        call.toolCalls = [ToolCall(id: callID, name: "get_weather", arguments: #"{"city":"Paris","unit":"c"}"#)]
        var result = ChatMessage(role: .tool, content: #"{"temperature":21}"#)
        result.toolCallId = callID
        return [ChatMessage(role: .user, content: "Weather in Paris?"), call, result]
    }

    static func json(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

@Suite("Tools, JSON output and images in each wire format")
struct ToolWireFormatTests {
    @Test(
        "Gemini gets functionDeclarations with a translated schema, toolConfig ANY for a named function, and responseSchema"
    )
    func geminiRequestTools() throws {
        var request = CompletionRequest(messages: [ChatMessage(role: .user, content: "Weather in Paris?")])
        request.tools = [try ToolFixtures.weather]
        request.toolChoice = .function("get_weather")
        let body = try ToolFixtures.json(GeminiProvider.requestBody(for: request))
        let declaration = try #require(
            ((body["tools"] as? [[String: Any]])?.first?["functionDeclarations"] as? [[String: Any]])?.first)
        #expect(declaration["name"] as? String == "get_weather")
        let parameters = try #require(declaration["parameters"] as? [String: Any])
        #expect(parameters["type"] as? String == "OBJECT")
        #expect(parameters["additionalProperties"] == nil)
        #expect(parameters["propertyOrdering"] as? [String] == ["city", "unit"])
        let unit = try #require((parameters["properties"] as? [String: Any])?["unit"] as? [String: Any])
        #expect(unit["type"] as? String == "STRING")
        #expect(unit["nullable"] as? Bool == true)
        let config = try #require((body["toolConfig"] as? [String: Any])?["functionCallingConfig"] as? [String: Any])
        #expect(config["mode"] as? String == "ANY")
        #expect(config["allowedFunctionNames"] as? [String] == ["get_weather"])
    }

    @Test(
        "Gemini replays a call as a functionCall part with its thought signature and answers it with a named functionResponse"
    )
    func geminiRequestHistory() throws {
        let request = CompletionRequest(messages: ToolFixtures.secondTurn(callID: "call_abc__thought__U0lH"))
        let contents = try #require(
            try ToolFixtures.json(GeminiProvider.requestBody(for: request))["contents"] as? [[String: Any]])
        #expect(contents.map { $0["role"] as? String } == ["user", "model", "user"])
        let callPart = try #require((contents[1]["parts"] as? [[String: Any]])?.first)
        #expect(callPart["thoughtSignature"] as? String == "U0lH")
        let functionCall = try #require(callPart["functionCall"] as? [String: Any])
        #expect(functionCall["name"] as? String == "get_weather")
        #expect(functionCall["id"] == nil)
        #expect((functionCall["args"] as? [String: Any])?["city"] as? String == "Paris")
        let response = try #require(
            (contents[2]["parts"] as? [[String: Any]])?.first?["functionResponse"] as? [String: Any])
        #expect(response["name"] as? String == "get_weather")
        #expect((response["response"] as? [String: Any])?["temperature"] as? Int == 21)
    }

    @Test("Gemini images become inlineData parts and json_schema becomes responseMimeType and responseSchema")
    func geminiImagesAndJSON() throws {
        var message = ChatMessage(role: .user, content: "What is this?")
        message.images = [ImageInput(mimeType: "image/png", data: Data([0x89, 0x50, 0x4E, 0x47]))]
        var request = CompletionRequest(messages: [message])
        request.responseFormat = .jsonSchema(name: "answer", schema: try ToolFixtures.weatherSchema, strict: true)
        let body = try ToolFixtures.json(GeminiProvider.requestBody(for: request))
        let parts = try #require((body["contents"] as? [[String: Any]])?.first?["parts"] as? [[String: Any]])
        #expect(parts.first?["text"] as? String == "What is this?")
        let inline = try #require(parts.last?["inlineData"] as? [String: Any])
        #expect(inline["mimeType"] as? String == "image/png")
        #expect(inline["data"] as? String == "iVBORw==")
        let config = try #require(body["generationConfig"] as? [String: Any])
        #expect(config["responseMimeType"] as? String == "application/json")
        #expect((config["responseSchema"] as? [String: Any])?["type"] as? String == "OBJECT")
    }

    @Test("Gemini's functionCall parts become tool calls with ids carrying the thought signature and finish tool_calls")
    func geminiResponseToolCalls() throws {
        let body = ByteBuffer(
            string:
                #"{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"U0lH"},{"functionCall":{"name":"get_time","args":{}}}]},"finishReason":"STOP"}],"modelVersion":"gemini-2.5-flash"}"#
        )
        let completion = try GeminiProvider.completion(from: body, requestedModel: "gemini-2.5-flash")
        #expect(completion.finishReason == .toolCalls)
        #expect(completion.toolCalls.map(\.name) == ["get_weather", "get_time"])
        #expect(completion.toolCalls[0].arguments == #"{"city":"Paris"}"#)
        #expect(completion.toolCalls[0].id.hasPrefix("call_"))
        #expect(completion.toolCalls[0].id.hasSuffix("__thought__U0lH"))
        #expect(completion.toolCalls[1].arguments == "{}")
        #expect(Set(completion.toolCalls.map(\.id)).count == 2)
    }

    @Test("Gemini stream events number their calls after the earlier events' ones")
    func geminiStreamIndexes() throws {
        var decoder = GeminiStreamDecoder(requestedModel: "m")
        let first = try decoder.chunk(
            for: ServerSentEvent(
                data: #"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"a","args":{}}}]}}]}"#))
        let second = try decoder.chunk(
            for: ServerSentEvent(
                data:
                    #"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"b","args":{"x":1}}}]},"finishReason":"STOP"}]}"#
            ))
        #expect(first?.toolCalls.map(\.index) == [0])
        #expect(second?.toolCalls.map(\.index) == [1])
        #expect(second?.toolCalls.first?.arguments == #"{"x":1}"#)
        #expect(second?.finishReason == .toolCalls)
    }

    @Test("Ollama gets tools, format and images, replays calls with object arguments and names each tool result")
    func ollamaRequest() throws {
        var messages = ToolFixtures.secondTurn(callID: "call_1")
        messages[0].images = [ImageInput(mimeType: "image/png", data: Data([1, 2, 3]))]
        var request = CompletionRequest(messages: messages)
        request.tools = [try ToolFixtures.weather]
        request.responseFormat = .jsonObject
        let body = try ToolFixtures.json(OllamaProvider.requestBody(for: request, model: "llama3.2"))
        let tool = try #require((body["tools"] as? [[String: Any]])?.first)
        #expect(tool["type"] as? String == "function")
        #expect((tool["function"] as? [String: Any])?["name"] as? String == "get_weather")
        #expect(body["format"] as? String == "json")
        let sent = try #require(body["messages"] as? [[String: Any]])
        #expect(sent[0]["images"] as? [String] == ["AQID"])
        let call = try #require((sent[1]["tool_calls"] as? [[String: Any]])?.first?["function"] as? [String: Any])
        #expect((call["arguments"] as? [String: Any])?["city"] as? String == "Paris")
        #expect(sent[2]["role"] as? String == "tool")
        #expect(sent[2]["tool_name"] as? String == "get_weather")
    }

    @Test("Ollama's object arguments become the JSON string OpenAI clients expect")
    func ollamaResponseToolCalls() throws {
        let body = ByteBuffer(
            string:
                #"{"model":"llama3.2","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},"done":true,"done_reason":"stop","prompt_eval_count":5,"eval_count":7}"#
        )
        let completion = try OllamaProvider.completion(from: body, requestedModel: "llama3.2")
        #expect(completion.finishReason == .toolCalls)
        #expect(completion.toolCalls.count == 1)
        #expect(completion.toolCalls[0].arguments == #"{"city":"Paris"}"#)
        #expect(completion.toolCalls[0].id.hasPrefix("call_"))
        #expect(completion.usage?.completionTokens == 7)
    }

    @Test(
        "OpenAI-compatible upstreams get tools, tool_choice, parallel_tool_calls, response_format and data: URL images as OpenAI's shape"
    )
    func openAIRequest() throws {
        var messages = ToolFixtures.secondTurn(callID: "call_1")
        messages[0].images = [ImageInput(mimeType: "image/png", data: Data([1, 2, 3]), detail: "low")]
        var request = CompletionRequest(messages: messages)
        request.tools = [try ToolFixtures.weather]
        request.toolChoice = .function("get_weather")
        request.parallelToolCalls = false
        request.responseFormat = .jsonSchema(name: "answer", schema: try ToolFixtures.weatherSchema, strict: true)
        let body = try ToolFixtures.json(OpenAIProvider.requestBody(for: request, model: "gpt-4o-mini", stream: false))
        let function = try #require((body["tools"] as? [[String: Any]])?.first?["function"] as? [String: Any])
        #expect(function["strict"] as? Bool == true)
        #expect((function["parameters"] as? [String: Any])?["additionalProperties"] as? Bool == false)
        #expect(
            ((body["tool_choice"] as? [String: Any])?["function"] as? [String: Any])?["name"] as? String
                == "get_weather")
        #expect(body["parallel_tool_calls"] as? Bool == false)
        let format = try #require(body["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema")
        #expect((format["json_schema"] as? [String: Any])?["strict"] as? Bool == true)
        let sent = try #require(body["messages"] as? [[String: Any]])
        let image = try #require((sent[0]["content"] as? [[String: Any]])?.last?["image_url"] as? [String: Any])
        #expect(image["url"] as? String == "data:image/png;base64,AQID")
        #expect(image["detail"] as? String == "low")
        #expect(sent[1]["content"] is NSNull)
        let call = try #require((sent[1]["tool_calls"] as? [[String: Any]])?.first)
        #expect((call["function"] as? [String: Any])?["arguments"] as? String == #"{"city":"Paris","unit":"c"}"#)
        #expect(sent[2]["tool_call_id"] as? String == "call_1")
    }

    @Test("OpenAI-style streamed tool-call pieces are passed through and the accumulator joins them")
    func openAIStreamPieces() throws {
        var decoder = OpenAIStreamDecoder(requestedModel: "m")
        var accumulator = CompletionAccumulator()
        let events = [
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_x","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        ]
        for event in events {
            if let chunk = try decoder.chunk(for: ServerSentEvent(data: event)) { accumulator.add(chunk) }
        }
        let completion = accumulator.completion(requestedModel: "m")
        #expect(completion.finishReason == .toolCalls)
        #expect(completion.toolCalls == [ToolCall(id: "call_x", name: "get_weather", arguments: #"{"city":"Paris"}"#)])
    }

    @Test("JSONValue keeps member order, round-trips escapes and rejects trailing garbage")
    func jsonValueParsing() throws {
        let text = #"{"zeta":1,"alpha":[true,null,2.5,"a\"b\u00e9\n"],"mid":{}}"#
        let value = try JSONValue(parsing: text)
        #expect(value.objectMembers?.map(\.key) == ["zeta", "alpha", "mid"])
        #expect(value.serialized == #"{"zeta":1,"alpha":[true,null,2.5,"a\"bé\n"],"mid":{}}"#)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: "{} x") }
        #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: #"{"a":}"#) }
    }
}
