import Providers

// `tools`, `tool_choice`, `parallel_tool_calls` and `response_format` (protocols.md §3.1), read
// from the body with member order kept (schemas keep their `properties` order). Every rejection
// is a 400 naming the parameter.
extension OpenAIChatRequest {
    /// The requested features, checked against each other as OpenAI does.
    struct Features: Sendable, Equatable {
        var tools: [ToolDefinition] = []
        var toolChoice: ToolChoice?
        var parallelToolCalls: Bool?
        var responseFormat: ResponseFormat?
    }

    static func features(from json: JSONValue) throws(APIError) -> Features {
        var features = Features()
        for legacy in ["functions", "function_call"] where json[legacy] != nil && json[legacy] != .null {
            throw .invalidRequest("\(legacy) is not supported; use tools and tool_choice", param: legacy)
        }
        if let raw = json["tools"], raw != .null {
            guard let tools = raw.arrayValue else { throw .invalidRequest("tools must be an array", param: "tools") }
            for (index, tool) in tools.enumerated() {
                features.tools.append(try toolDefinition(tool, param: "tools[\(index)]"))
            }
            let names = features.tools.map(\.name)
            if Set(names).count != names.count {
                throw .invalidRequest("tools: function names must be unique", param: "tools")
            }
        }
        if let raw = json["tool_choice"], raw != .null {
            features.toolChoice = try toolChoice(raw, tools: features.tools)
        }
        if let raw = json["parallel_tool_calls"], raw != .null {
            guard let value = raw.boolValue else {
                throw .invalidRequest("parallel_tool_calls must be a boolean", param: "parallel_tool_calls")
            }
            features.parallelToolCalls = value
        }
        if let raw = json["response_format"], raw != .null {
            features.responseFormat = try responseFormat(raw)
        }
        return features
    }

    private static func toolDefinition(_ tool: JSONValue, param: String) throws(APIError) -> ToolDefinition {
        guard tool["type"]?.stringValue == "function" else {
            throw .invalidRequest("\(param).type must be \"function\"", param: "\(param).type")
        }
        guard let function = tool["function"], function.objectMembers != nil else {
            throw .invalidRequest("\(param).function is required", param: "\(param).function")
        }
        guard let name = function["name"]?.stringValue, isValidFunctionName(name) else {
            throw .invalidRequest(
                "\(param).function.name must be 1-64 letters, digits, underscores or dashes",
                param: "\(param).function.name")
        }
        var parameters: JSONValue?
        if let raw = function["parameters"], raw != .null {
            guard raw.objectMembers != nil else {
                throw .invalidRequest(
                    "\(param).function.parameters must be a JSON Schema object", param: "\(param).function.parameters")
            }
            parameters = raw
        }
        return ToolDefinition(
            name: name, description: function["description"]?.stringValue, parameters: parameters,
            strict: function["strict"]?.boolValue)
    }

    /// OpenAI's rule for function names: `^[a-zA-Z0-9_-]{1,64}$`.
    static func isValidFunctionName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
            }
    }

    private static func toolChoice(_ raw: JSONValue, tools: [ToolDefinition]) throws(APIError) -> ToolChoice {
        guard !tools.isEmpty else {
            throw .invalidRequest("tool_choice is only allowed when tools are specified", param: "tool_choice")
        }
        switch raw {
        case .string("auto"): return .auto
        case .string("none"): return .none
        case .string("required"): return .required
        case .object:
            guard raw["type"]?.stringValue == "function", let name = raw["function"]?["name"]?.stringValue else {
                throw .invalidRequest(
                    "tool_choice must be \"auto\", \"none\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}",
                    param: "tool_choice")
            }
            guard tools.contains(where: { $0.name == name }) else {
                throw .invalidRequest("tool_choice names \(name), which is not in tools", param: "tool_choice")
            }
            return .function(name)
        default:
            throw .invalidRequest(
                "tool_choice must be \"auto\", \"none\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}",
                param: "tool_choice")
        }
    }

    private static func responseFormat(_ raw: JSONValue) throws(APIError) -> ResponseFormat {
        switch raw["type"]?.stringValue {
        case "text":
            return .text
        case "json_object":
            return .jsonObject
        case "json_schema":
            guard let jsonSchema = raw["json_schema"], jsonSchema.objectMembers != nil else {
                throw .invalidRequest(
                    "response_format.json_schema is required for type json_schema", param: "response_format.json_schema"
                )
            }
            guard let name = jsonSchema["name"]?.stringValue, isValidFunctionName(name) else {
                throw .invalidRequest(
                    "response_format.json_schema.name must be 1-64 letters, digits, underscores or dashes",
                    param: "response_format.json_schema.name")
            }
            guard let schema = jsonSchema["schema"], schema.objectMembers != nil else {
                throw .invalidRequest(
                    "response_format.json_schema.schema must be a JSON Schema object",
                    param: "response_format.json_schema.schema")
            }
            return .jsonSchema(name: name, schema: schema, strict: jsonSchema["strict"]?.boolValue ?? false)
        default:
            throw .invalidRequest(
                "response_format.type must be text, json_object or json_schema", param: "response_format.type")
        }
    }
}
