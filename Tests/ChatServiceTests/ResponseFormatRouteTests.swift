import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import Providers
import TestSupport
import Testing

@Suite("response_format on /v1/chat/completions: JSON output in each provider's dialect, and what Gemini rejects")
struct ResponseFormatRouteTests {
    static var personSchema: [String: Any] {
        [
            "type": "object",
            "properties": ["name": ["type": "string"], "age": ["type": "integer"]],
            "required": ["name", "age"], "additionalProperties": false,
        ]
    }

    static func body(_ kind: ProviderName, format: [String: Any], stream: Bool = false) -> [String: Any] {
        [
            "model": FeatureRoutes.model(kind), "response_format": format, "stream": stream,
            "messages": [["role": "user", "content": "Describe Ada Lovelace"]],
        ]
    }

    static var personFormat: [String: Any] {
        ["type": "json_schema", "json_schema": ["name": "person", "strict": true, "schema": personSchema]]
    }

    @Test(
        "json_schema becomes Gemini's responseMimeType and responseSchema, Ollama's format, and passes through to OpenAI; the answer is JSON of that schema",
        arguments: FeatureRoutes.kinds)
    func jsonSchema(kind: ProviderName) async throws {
        try await FeatureRoutes.run(kind) { harness, client in
            // Written out, not serialized from a dictionary: the properties' order ("name" before
            // "age", not alphabetical) is part of what is checked.
            let response = try await OpenAIRouteTests.post(
                client, "/v1/chat/completions",
                """
                {"model": "\(FeatureRoutes.model(kind))", "messages": [{"role": "user", "content": "Describe Ada Lovelace"}],
                 "response_format": {"type": "json_schema", "json_schema": {"name": "person", "strict": true, "schema":
                   {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                    "required": ["name", "age"], "additionalProperties": false}}}}
                """)
            #expect(response.status == .ok)
            let message = try #require(try FeatureRoutes.choice(response)["message"] as? [String: Any])
            let answer = try FeatureRoutes.object(message["content"])
            #expect(answer["name"] as? String == "Describe Ada Lovelace")
            #expect(answer["age"] as? Int == 3)
            #expect(answer.count == 2)

            let sent = try FeatureRoutes.sent(harness, kind)
            switch kind {
            case .gemini:
                let config = try #require(sent["generationConfig"] as? [String: Any])
                #expect(config["responseMimeType"] as? String == "application/json")
                let schema = try #require(config["responseSchema"] as? [String: Any])
                #expect(schema["type"] as? String == "OBJECT")
                #expect(schema["propertyOrdering"] as? [String] == ["name", "age"], "the caller's order is kept")
                #expect(schema["additionalProperties"] == nil)
                #expect(
                    ((schema["properties"] as? [String: Any])?["age"] as? [String: Any])?["type"] as? String
                        == "INTEGER")
            case .ollama:
                let format = try #require(sent["format"] as? [String: Any])
                #expect(format["type"] as? String == "object")
                #expect(format["required"] as? [String] == ["name", "age"])
                #expect((format["properties"] as? [String: Any])?.keys.sorted() == ["age", "name"])
            case .openai:
                let format = try #require(sent["response_format"] as? [String: Any])
                #expect(format["type"] as? String == "json_schema")
                let jsonSchema = try #require(format["json_schema"] as? [String: Any])
                #expect(jsonSchema["name"] as? String == "person")
                #expect(jsonSchema["strict"] as? Bool == true)
                #expect((jsonSchema["schema"] as? [String: Any])?["additionalProperties"] as? Bool == false)
            default:
                Issue.record("no expectation for provider \(kind)")
            }

            let document = try await FeatureRoutes.document(harness, completionID: try response.json()["id"])
            let features = try #require(document["features"] as? [String: Any])
            let format = try #require(features["responseFormat"] as? [String: Any])
            #expect(format["type"] as? String == "json_schema")
            #expect(format["name"] as? String == "person")
            #expect(format["strict"] as? Bool == true)
            let storedSchema = try FeatureRoutes.object(format["schema"])
            #expect(storedSchema["required"] as? [String] == ["name", "age"])
            #expect(document["response"] as? String == message["content"] as? String)
        }
    }

    @Test(
        "json_object becomes Gemini's responseMimeType alone, Ollama's format json, and passes through to OpenAI",
        arguments: FeatureRoutes.kinds)
    func jsonObject(kind: ProviderName) async throws {
        try await FeatureRoutes.run(kind) { harness, client in
            let response = try await FeatureRoutes.post(client, Self.body(kind, format: ["type": "json_object"]))
            #expect(response.status == .ok)
            let message = try #require(try FeatureRoutes.choice(response)["message"] as? [String: Any])
            #expect(
                try FeatureRoutes.object(message["content"]) as? [String: String] == ["echo": "Describe Ada Lovelace"])
            let sent = try FeatureRoutes.sent(harness, kind)
            switch kind {
            case .gemini:
                let config = try #require(sent["generationConfig"] as? [String: Any])
                #expect(config["responseMimeType"] as? String == "application/json")
                #expect(config["responseSchema"] == nil)
            case .ollama:
                #expect(sent["format"] as? String == "json")
            case .openai:
                #expect((sent["response_format"] as? [String: Any])?["type"] as? String == "json_object")
            default:
                Issue.record("no expectation for provider \(kind)")
            }
            let document = try await FeatureRoutes.document(harness, completionID: try response.json()["id"])
            let format = (document["features"] as? [String: Any])?["responseFormat"] as? [String: Any]
            #expect(format?["type"] as? String == "json_object")
            #expect(format?["schema"] == nil)
        }
    }

    @Test(
        "a streamed json_schema answer arrives as text deltas that join into the JSON", arguments: FeatureRoutes.kinds)
    func streamedJSON(kind: ProviderName) async throws {
        try await FeatureRoutes.run(kind) { _, client in
            let response = try await FeatureRoutes.post(
                client, Self.body(kind, format: Self.personFormat, stream: true))
            #expect(response.status == .ok)
            let chunks = try FeatureRoutes.streamChunks(response)
            let text = FeatureRoutes.deltas(chunks).compactMap { $0["content"] as? String }.joined()
            #expect(try FeatureRoutes.object(text)["age"] as? Int == 3)
            #expect(FeatureRoutes.finishReasons(chunks) == ["stop"])
        }
    }

    @Test(
        "a schema keyword Gemini cannot express is a 400 unsupported_feature naming its path and the provider; nothing is sent or stored",
        arguments: [
            (
                #"{"type": "object", "properties": {"name": {"type": "string", "not": {"const": "x"}}}}"#,
                "response_format.json_schema.schema.properties.name.not"
            ),
            (
                #"{"type": "object", "additionalProperties": {"type": "string"}}"#,
                "response_format.json_schema.schema.additionalProperties"
            ),
            (
                ##"{"$ref": "#/$defs/node", "$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}}}"##,
                "response_format.json_schema.schema.properties.next.$ref"
            ),
        ])
    func geminiRejects(schema: String, param: String) async throws {
        try await FeatureRoutes.run(.gemini) { harness, client in
            let parsed = try FeatureRoutes.object(schema)
            let format: [String: Any] = ["type": "json_schema", "json_schema": ["name": "x", "schema": parsed]]
            let response = try await FeatureRoutes.post(client, Self.body(.gemini, format: format))
            #expect(response.status == .badRequest)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["code"] as? String == "unsupported_feature")
            #expect(error["param"] as? String == param)
            let text = try #require(error["message"] as? String)
            #expect(text.contains("gemini") && text.contains("gemini-2.0-flash") && text.contains(param))
            #expect(harness.double.requests(for: .gemini).isEmpty)
            #expect(try await harness.storedCount() == 0)
        }
    }

    @Test(
        "a tool whose parameters Gemini cannot express is a 400 naming the tool's keyword; Ollama takes the same tool")
    func geminiRejectsToolParameters() async throws {
        try await FeatureRoutes.run(.gemini, providers: [.gemini, .ollama]) { harness, client in
            let tool: [String: Any] = [
                "type": "function",
                "function": [
                    "name": "pick",
                    "parameters": ["type": "object", "properties": ["n": ["type": "integer", "multipleOf": 2]]],
                ],
            ]
            let messages = [["role": "user", "content": "pick one"]]
            let rejected = try await FeatureRoutes.post(
                client, ["model": "gemini-2.0-flash", "tools": [tool], "messages": messages])
            #expect(rejected.status == .badRequest)
            let error = try #require(try rejected.json()["error"] as? [String: Any])
            #expect(error["param"] as? String == "tools[0].function.parameters.properties.n.multipleOf")
            #expect(harness.double.requests(for: .gemini).isEmpty)
            #expect(try await harness.storedCount() == 0)

            let accepted = try await FeatureRoutes.post(
                client, ["model": "llama3.2", "tools": [tool], "messages": messages])
            #expect(accepted.status == .ok)
            #expect(try FeatureRoutes.toolCalls(accepted).first?["id"] is String)
        }
    }
}
