import Foundation
import NIOCore
import Testing

@testable import Providers

@Suite("Ollama's /api/chat request written by hand")
struct OllamaRequestWritingTests {
    /// Text that needs every kind of care: quotes, backslashes, a slash (which `JSONEncoder`
    /// escapes), each control character, DEL, accents, CJK, an emoji and U+2028.
    static let awkward =
        "say \"hi\" \\ a/b \u{7F} é 漢字 😀 \u{2028}" + String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })

    static var requests: [CompletionRequest] {
        get throws {
            var all: [CompletionRequest] = [
                CompletionRequest(prompt: "What is SSE?"),
                CompletionRequest(prompt: ""),
                CompletionRequest(prompt: awkward),
                CompletionRequest(
                    messages: [ChatMessage(role: .system, content: awkward), ChatMessage(role: .user, content: "Hi")],
                    options: GenerationOptions(temperature: 0.7, topP: 1, maxTokens: 64, stop: ["\n\n", "", awkward])),
                CompletionRequest(
                    messages: [ChatMessage(role: .user, content: "x")], options: GenerationOptions(temperature: 0)),
                CompletionRequest(
                    messages: [ChatMessage(role: .user, content: "x")], options: GenerationOptions(topP: 1e-7, stop: [])
                ),
                CompletionRequest(
                    messages: [ChatMessage(role: .user, content: "x")],
                    options: GenerationOptions(temperature: 1e20, maxTokens: -1)),
                CompletionRequest(
                    messages: [ChatMessage(role: .user, content: "x")],
                    options: GenerationOptions(temperature: 0.30000000000000004)),
            ]
            var tools = CompletionRequest(messages: ToolFixtures.secondTurn(callID: "call_1"))
            tools.tools = [
                try ToolFixtures.weather, ToolDefinition(name: "no_parameters"),
                ToolDefinition(
                    name: "odd", description: awkward,
                    parameters: .object([
                        .init("a/b", .string(awkward)), .init("n", .number(1.5)), .init("big", .number(1e17)),
                        .init("i", .integer(-9_223_372_036_854_775_808)), .init("z", .null),
                        .init("nested", .array([.bool(true), .array([]), .object([]), .number(-0.0)])),
                        .init("dup", .integer(1)), .init("dup", .integer(2)), .init(awkward, .bool(false)),
                    ])),
            ]
            tools.responseFormat = .jsonSchema(name: "out", schema: try ToolFixtures.weatherSchema, strict: true)
            all.append(tools)
            var images = CompletionRequest(prompt: "What is in these?")
            images.messages[0].images = [
                ImageInput(mimeType: "image/png", data: Data([0xFB, 0xFF, 0xBF, 1, 2])),
                ImageInput(mimeType: "image/jpeg", data: Data()),
            ]
            images.responseFormat = .jsonObject
            all.append(images)
            var none = tools
            none.toolChoice = ToolChoice.none
            none.responseFormat = .text
            all.append(none)
            var calls = CompletionRequest(messages: [ChatMessage(role: .assistant, content: awkward)])
            calls.messages[0].toolCalls = [
                ToolCall(id: "call_a", name: awkward, arguments: #"{"q":"\u00e9\n","n":[1,2.5,{"k":null}]}"#),
                ToolCall(id: "call_b", name: "broken", arguments: "not json"),
            ]
            calls.messages.append(ChatMessage(role: .tool, content: "result"))
            calls.messages[1].toolCallId = "call_a"
            calls.messages.append(ChatMessage(role: .tool, content: "orphan"))
            calls.messages[2].toolCallId = "call_unknown"
            all.append(calls)
            return all
        }
    }

    @Test("every request means the same JSON as JSONEncoder's, field for field")
    func sameAsJSONEncoder() throws {
        for request in try Self.requests {
            for stream in [false, true] {
                var body = OllamaProvider.requestBody(for: request, model: "llama3.2:latest")
                body.stream = stream
                let written = try body.encoded(for: .ollama)
                let encoded = try JSONEncoder().encode(body)
                #expect(try JSONCanonicalForm.of(written.readableBytesView) == JSONCanonicalForm.of(encoded))
            }
        }
    }

    @Test("the members come in the declared order with nothing for absent optionals")
    func exactText() throws {
        var request = CompletionRequest(prompt: "Hi \"you\"\n")
        request.options = GenerationOptions(temperature: 0.5, maxTokens: 8)
        let written = try OllamaProvider.requestBody(for: request, model: "m").encoded(for: .ollama)
        #expect(
            String(buffer: written)
                == #"{"model":"m","messages":[{"role":"user","content":"Hi \"you\"\n"}],"stream":false,"options":{"temperature":0.5,"num_predict":8}}"#
        )
    }

    @Test("a number JSON cannot hold fails the attempt with JSONEncoder's own error")
    func nonFiniteNumber() throws {
        for number in [Double.infinity, -Double.infinity, Double.nan] {
            var request = CompletionRequest(prompt: "x")
            request.tools = [ToolDefinition(name: "f", parameters: .object([.init("max", .number(number))]))]
            let body = OllamaProvider.requestBody(for: request, model: "m")
            let expected = #expect(throws: ProviderError.self) { try WireJSON.encode(body, for: .ollama) }
            let actual = #expect(throws: ProviderError.self) { try body.encoded(for: .ollama) }
            #expect(actual == expected)
            #expect(actual?.kind == .invalidResponse)
        }
    }

    @Test("JSONValue.serialized writes the text it always wrote")
    func serializedUnchanged() throws {
        let value = JSONValue.object([
            .init("s", .string("a\"b\\c/d\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}é😀")), .init("i", .integer(-3)),
            .init("d", .number(2.5)), .init("w", .number(3.0)), .init("e", .number(1e20)),
            .init("inf", .number(.infinity)),
            .init("a", .array([.null, .bool(true), .bool(false), .object([])])), .init("a", .array([])),
        ])
        #expect(
            value.serialized
                == #"{"s":"a\"b\\c/d\n\r\t\u0008\u000c\u0001\u001f"# + "\u{7F}é😀"
                + #"","i":-3,"d":2.5,"w":3,"e":1e+20,"inf":null,"a":[null,true,false,{}],"a":[]}"#)
    }
}
