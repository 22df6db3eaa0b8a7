import Testing

@testable import Providers

@Suite("JSON Schema to Gemini's responseSchema")
struct GeminiSchemaTests {
    private func translate(_ text: String) throws -> JSONValue {
        try GeminiSchema.translate(try JSONValue(parsing: text), at: "schema")
    }

    @Test("local $ref to $defs is inlined, oneOf becomes anyOf and a string const becomes a one-value enum")
    func referencesAndCombinators() throws {
        let translated = try translate(
            ##"{"$defs":{"Step":{"type":"object","properties":{"kind":{"const":"move"}},"required":["kind"]}},"type":"object","properties":{"steps":{"type":"array","items":{"$ref":"#/$defs/Step"}},"answer":{"oneOf":[{"type":"string"},{"type":"integer"}]}}}"##
        )
        #expect(translated["$defs"] == nil)
        let items = try #require(translated["properties"]?["steps"]?["items"])
        #expect(items["type"] == .string("OBJECT"))
        #expect(items["properties"]?["kind"]?["enum"] == .array([.string("move")]))
        #expect(items["properties"]?["kind"]?["type"] == .string("STRING"))
        #expect(translated["properties"]?["answer"]?["anyOf"]?.arrayValue?.count == 2)
        #expect(translated["propertyOrdering"] == .array([.string("steps"), .string("answer")]))
    }

    @Test("keywords Gemini cannot express are rejected with their path")
    func rejections() throws {
        let cases: [(String, String)] = [
            (#"{"type":"object","properties":{"a":{"type":"string","not":{"const":"x"}}}}"#, "schema.properties.a.not"),
            (#"{"type":"object","additionalProperties":{"type":"string"}}"#, "schema.additionalProperties"),
            (
                ##"{"$defs":{"N":{"type":"object","properties":{"next":{"$ref":"#/$defs/N"}}}},"$ref":"#/$defs/N"}"##,
                "schema.properties.next.$ref"
            ),
            (#"{"type":"integer","enum":[1,2]}"#, "schema.enum"),
            (#"{"type":"array","prefixItems":[{"type":"string"}]}"#, "schema.prefixItems"),
            (#"{"type":"string","$ref":"https://example.com/s.json"}"#, "schema.$ref"),
        ]
        for (schema, path) in cases {
            let error = #expect(throws: GeminiSchema.Rejection.self) { try translate(schema) }
            #expect(error?.path == path, "\(schema)")
        }
    }

    @Test("several non-null types become anyOf, and a lone null type only marks the schema nullable")
    func typeLists() throws {
        let translated = try translate(#"{"type":["string","integer","null"]}"#)
        #expect(translated["nullable"] == .bool(true))
        #expect(translated["anyOf"]?.arrayValue?.compactMap { $0["type"]?.stringValue } == ["STRING", "INTEGER"])
    }
}
