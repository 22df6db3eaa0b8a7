/// Translates a JSON Schema (a tool's `parameters`, a `json_schema` response format) into the
/// OpenAPI-style `Schema` Gemini's `responseSchema` and `functionDeclarations[].parameters`
/// accept, because Gemini rejects whole requests over keywords it does not know.
///
/// Translated: `type: [T, "null"]` → `type` + `nullable: true` (several non-null types → `anyOf`);
/// local `$ref`s (`#/$defs/…`, `#/definitions/…`) are inlined; `const` (a string) → a one-value
/// `enum`; `oneOf` → `anyOf`; an `allOf` of one schema is merged in; `properties` get a
/// `propertyOrdering` in the caller's order (Gemini otherwise orders them alphabetically); type
/// names are upper-cased. Dropped: `additionalProperties: false` (Gemini never adds properties),
/// `$schema`, `$id`, `$comment`, `$defs`/`definitions`, `examples`, `strict`, `readOnly`,
/// `writeOnly`, `deprecated`. Rejected (a 400 naming the keyword): recursive or non-local `$ref`,
/// `additionalProperties` other than `false`, an `allOf` of several schemas, a non-string `enum`
/// or `const`, and every other keyword (`not`, `if`/`then`/`else`, `patternProperties`,
/// `prefixItems`, `uniqueItems`, `multipleOf`, `exclusiveMinimum`, …).
enum GeminiSchema {
    /// Why a schema cannot be sent to Gemini: the keyword's path and what is wrong with it.
    struct Rejection: Error, Equatable, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): \(reason) (Gemini's responseSchema cannot express it)" }
    }

    /// Keywords Gemini's `Schema` has, copied as they are (after translating their sub-schemas).
    static let copied: Set<String> = [
        "format", "title", "description", "nullable", "minItems", "maxItems", "minimum", "maximum", "minLength",
        "maxLength", "pattern", "minProperties", "maxProperties", "default", "example", "propertyOrdering",
        "required",
    ]
    /// Annotations with no effect on the output, left out.
    static let dropped: Set<String> = [
        "$schema", "$id", "$comment", "$defs", "definitions", "examples", "strict", "readOnly", "writeOnly",
        "deprecated",
    ]

    static func translate(_ schema: JSONValue, at path: String) throws(Rejection) -> JSONValue {
        var definitions: [String: JSONValue] = [:]
        for key in ["$defs", "definitions"] {
            for member in schema[key]?.objectMembers ?? [] { definitions["#/\(key)/\(member.key)"] = member.value }
        }
        return try translate(schema, at: path, definitions: definitions, resolving: [])
    }

    private static func translate(
        _ schema: JSONValue, at path: String, definitions: [String: JSONValue], resolving: [String]
    ) throws(Rejection) -> JSONValue {
        guard let members = schema.objectMembers else {
            if case .bool(true) = schema { return .object([]) }
            throw Rejection(path: path, reason: "a schema must be an object, got \(schema.typeName)")
        }
        if let reference = schema["$ref"]?.stringValue {
            guard let target = definitions[reference] else {
                throw Rejection(path: path + ".$ref", reason: "only local $ref to $defs or definitions is supported")
            }
            guard !resolving.contains(reference) else {
                throw Rejection(path: path + ".$ref", reason: "recursive $ref \(reference)")
            }
            // Keywords beside the `$ref` (a description, say) win over the definition's.
            let siblings = members.filter { $0.key != "$ref" }
            let merged =
                (target.objectMembers ?? []).filter { member in !siblings.contains { $0.key == member.key } }
                + siblings
            return try translate(
                .object(merged), at: path, definitions: definitions, resolving: resolving + [reference])
        }
        var output: [JSONValue.Member] = []
        func sub(_ value: JSONValue, _ suffix: String) throws(Rejection) -> JSONValue {
            try translate(value, at: path + suffix, definitions: definitions, resolving: resolving)
        }
        for member in members {
            let key = member.key
            let value = member.value
            switch key {
            case _ where dropped.contains(key):
                continue
            case "type":
                output += try typeMembers(value, at: path + ".type")
            case "properties":
                guard let properties = value.objectMembers else {
                    throw Rejection(path: path + ".properties", reason: "must be an object")
                }
                var translated: [JSONValue.Member] = []
                for property in properties {
                    translated.append(.init(property.key, try sub(property.value, ".properties.\(property.key)")))
                }
                output.append(.init("properties", .object(translated)))
                if schema["propertyOrdering"] == nil, !properties.isEmpty {
                    output.append(.init("propertyOrdering", .array(properties.map { .string($0.key) })))
                }
            case "items":
                output.append(.init("items", try sub(value, ".items")))
            case "anyOf", "oneOf":
                guard let options = value.arrayValue else {
                    throw Rejection(path: path + ".\(key)", reason: "must be an array")
                }
                var translated: [JSONValue] = []
                for (index, option) in options.enumerated() { translated.append(try sub(option, ".\(key)[\(index)]")) }
                output.append(.init("anyOf", .array(translated)))
            case "allOf":
                guard let options = value.arrayValue, options.count == 1 else {
                    throw Rejection(path: path + ".allOf", reason: "allOf of several schemas is not supported")
                }
                output += try sub(options[0], ".allOf[0]").objectMembers ?? []
            case "enum":
                guard let values = value.arrayValue, values.allSatisfy({ $0.stringValue != nil }) else {
                    throw Rejection(path: path + ".enum", reason: "enum values must all be strings")
                }
                output.append(.init("enum", value))
                if schema["type"] == nil { output.append(.init("type", .string("STRING"))) }
            case "const":
                guard value.stringValue != nil else {
                    throw Rejection(path: path + ".const", reason: "const must be a string")
                }
                output.append(.init("enum", .array([value])))
                if schema["type"] == nil { output.append(.init("type", .string("STRING"))) }
            case "additionalProperties":
                guard case .bool(false) = value else {
                    throw Rejection(path: path + ".additionalProperties", reason: "only additionalProperties: false")
                }
            case _ where copied.contains(key):
                output.append(member)
            default:
                throw Rejection(path: path + ".\(key)", reason: "the keyword \"\(key)\" is not supported")
            }
        }
        return .object(output)
    }

    /// `"string"` → `type: STRING`; `["string", "null"]` → `type: STRING, nullable: true`;
    /// several non-null types → `anyOf` of one schema per type.
    private static func typeMembers(_ value: JSONValue, at path: String) throws(Rejection) -> [JSONValue.Member] {
        let names: [String]
        if let name = value.stringValue {
            names = [name]
        } else if let values = value.arrayValue, values.allSatisfy({ $0.stringValue != nil }) {
            names = values.compactMap(\.stringValue)
        } else {
            throw Rejection(path: path, reason: "type must be a string or a list of strings")
        }
        let known: Set<String> = ["string", "number", "integer", "boolean", "array", "object", "null"]
        for name in names where !known.contains(name) {
            throw Rejection(path: path, reason: "unknown type \"\(name)\"")
        }
        let nonNull = names.filter { $0 != "null" }
        var members: [JSONValue.Member] = []
        if nonNull.count == 1 {
            members.append(.init("type", .string(nonNull[0].uppercased())))
        } else if nonNull.count > 1 {
            members.append(.init("anyOf", .array(nonNull.map { .object([.init("type", .string($0.uppercased()))]) })))
        }
        if names.contains("null") { members.append(.init("nullable", .bool(true))) }
        return members
    }
}
