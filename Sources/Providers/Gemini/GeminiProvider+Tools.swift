import Foundation

// Tools, tool results, images and JSON output in Gemini's dialect (protocols.md §1.2):
// `functionDeclarations`, `functionCall`/`functionResponse` parts, `toolConfig`, `inlineData`,
// `responseMimeType`/`responseSchema`.
extension GeminiProvider {
    struct InlineData: Codable, Equatable {
        var mimeType: String
        /// Base64.
        var data: String
    }

    struct FunctionCall: Codable, Equatable {
        var id: String?
        var name: String
        var args: JSONValue?
    }

    struct FunctionResponse: Codable, Equatable {
        var id: String?
        var name: String
        /// Gemini wants an object here (a protobuf `Struct`).
        var response: JSONValue
    }

    struct Tool: Encodable, Equatable {
        var functionDeclarations: [FunctionDeclaration]
    }

    struct FunctionDeclaration: Encodable, Equatable {
        var name: String
        var description: String?
        var parameters: JSONValue?
    }

    struct ToolConfig: Encodable, Equatable {
        struct FunctionCallingConfig: Encodable, Equatable {
            /// `AUTO`, `ANY` or `NONE`.
            var mode: String
            var allowedFunctionNames: [String]?
        }
        var functionCallingConfig: FunctionCallingConfig
    }

    /// Joins a call id and the `thoughtSignature` Gemini sent beside the call, so an OpenAI client
    /// that echoes the id in its next turn hands the signature back (Gemini 3 rejects a replayed
    /// call without it).
    static let thoughtSignatureSeparator = "__thought__"

    /// The contents and the system parts of a conversation: `assistant` turns become `model`
    /// turns with `functionCall` parts, each run of `tool` turns one `user` turn of
    /// `functionResponse` parts (named after the call they answer), images `inlineData` parts.
    static func conversation(of messages: [ChatMessage]) -> (contents: [Content], system: [Part]) {
        var contents: [Content] = []
        var systemParts: [Part] = []
        var callNames: [String: String] = [:]
        for message in messages {
            switch message.role {
            case .system:
                systemParts.append(Part(text: message.content))
            case .user:
                var parts = message.content.isEmpty && !message.images.isEmpty ? [] : [Part(text: message.content)]
                parts += message.images.map {
                    Part(inlineData: InlineData(mimeType: $0.mimeType, data: $0.data.base64EncodedString()))
                }
                contents.append(Content(role: "user", parts: parts))
            case .assistant:
                var parts = message.content.isEmpty && !message.toolCalls.isEmpty ? [] : [Part(text: message.content)]
                for call in message.toolCalls {
                    callNames[call.id] = call.name
                    let (id, signature) = splitThoughtSignature(call.id)
                    parts.append(
                        Part(
                            functionCall: FunctionCall(
                                id: id.hasPrefix("call_") ? nil : id, name: call.name,
                                args: (try? call.argumentsObject()) ?? .object([])),
                            thoughtSignature: signature))
                }
                contents.append(Content(role: "model", parts: parts))
            case .tool:
                let id = message.toolCallId ?? ""
                let (bareID, _) = splitThoughtSignature(id)
                let part = Part(
                    functionResponse: FunctionResponse(
                        id: bareID.isEmpty || bareID.hasPrefix("call_") ? nil : bareID, name: callNames[id] ?? id,
                        response: functionResponse(of: message.content)))
                if let last = contents.last, last.role == "user", last.parts?.last?.functionResponse != nil {
                    contents[contents.count - 1].parts?.append(part)
                } else {
                    contents.append(Content(role: "user", parts: [part]))
                }
            }
        }
        return (contents, systemParts)
    }

    /// A tool's text result as the object Gemini wants: a JSON object as it is, anything else
    /// (JSON or plain text) under `result`.
    static func functionResponse(of content: String) -> JSONValue {
        guard let parsed = try? JSONValue(parsing: content) else {
            return .object([.init("result", .string(content))])
        }
        if case .object = parsed { return parsed }
        return .object([.init("result", parsed)])
    }

    /// `(id, signature)` from an id that may carry a thought signature.
    static func splitThoughtSignature(_ id: String) -> (String, String?) {
        guard let range = id.range(of: thoughtSignatureSeparator) else { return (id, nil) }
        return (String(id[..<range.lowerBound]), String(id[range.upperBound...]))
    }

    /// `functionDeclarations` with each `parameters` schema translated (`GeminiSchema`); `nil`
    /// without tools or with `tool_choice: none` and no history needing them.
    static func tools(for request: CompletionRequest) throws(ProviderError) -> [Tool]? {
        guard !request.tools.isEmpty else { return nil }
        var declarations: [FunctionDeclaration] = []
        for (index, tool) in request.tools.enumerated() {
            var parameters: JSONValue?
            if let schema = tool.parameters {
                do throws(GeminiSchema.Rejection) {
                    parameters = try GeminiSchema.translate(schema, at: "tools[\(index)].function.parameters")
                } catch {
                    throw ProviderError(kind: .http(status: 400), message: error.description)
                }
            }
            declarations.append(
                FunctionDeclaration(name: tool.name, description: tool.description, parameters: parameters))
        }
        return [Tool(functionDeclarations: declarations)]
    }

    /// `auto` → `AUTO`, `none` → `NONE`, `required` → `ANY`, a named function → `ANY` allowing
    /// only it; `nil` when the caller did not choose (Gemini's default is `AUTO`).
    static func toolConfig(for request: CompletionRequest) -> ToolConfig? {
        guard !request.tools.isEmpty, let choice = request.toolChoice else { return nil }
        switch choice {
        case .auto: return ToolConfig(functionCallingConfig: .init(mode: "AUTO"))
        case .none: return ToolConfig(functionCallingConfig: .init(mode: "NONE"))
        case .required: return ToolConfig(functionCallingConfig: .init(mode: "ANY"))
        case .function(let name):
            return ToolConfig(functionCallingConfig: .init(mode: "ANY", allowedFunctionNames: [name]))
        }
    }

    /// `json_object` → `responseMimeType: application/json`; `json_schema` → the same plus the
    /// translated `responseSchema`.
    static func applyResponseFormat(_ format: ResponseFormat?, to config: inout GenerationConfig) throws(ProviderError)
    {
        switch format {
        case nil, .text?:
            return
        case .jsonObject?:
            config.responseMimeType = "application/json"
        case .jsonSchema(_, let schema, _)?:
            config.responseMimeType = "application/json"
            do throws(GeminiSchema.Rejection) {
                config.responseSchema = try GeminiSchema.translate(schema, at: "response_format.json_schema.schema")
            } catch {
                throw ProviderError(kind: .http(status: 400), message: error.description)
            }
        }
    }

    /// The `functionCall` parts of one answer or event, as whole-call deltas indexed from 0, each
    /// with an id (Gemini's, else a new `call_…`) carrying the part's thought signature.
    static func toolCallDeltas(in parts: [Part]) -> [ToolCallDelta] {
        parts.compactMap { part -> (FunctionCall, String?)? in
            part.functionCall.map { ($0, part.thoughtSignature) }
        }
        .enumerated()
        .map { index, pair in
            let (call, signature) = pair
            var id = call.id ?? ToolCall.makeID()
            if let signature { id += thoughtSignatureSeparator + signature }
            return ToolCallDelta(
                index: index, id: id, name: call.name, arguments: (call.args ?? .object([])).serialized)
        }
    }
}
