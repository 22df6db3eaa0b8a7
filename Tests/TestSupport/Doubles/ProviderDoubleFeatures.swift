import Foundation

/// What a generation request asks beyond text, read from its own dialect (protocols.md §1.2,
/// §2.2, §3.1), so the double can answer tool, JSON and image requests as each provider would.
struct ProviderDoubleFeatures {
    /// One offered function: its name and parameter schema (as sent).
    struct Function {
        var name: String
        var parameters: [String: Any]?
    }

    var functions: [Function] = []
    /// Gemini `ANY` + `allowedFunctionNames`, OpenAI `{"type": "function", …}`.
    var forcedFunction: String?
    /// Gemini `NONE`, OpenAI `"none"` (Ollama: tools not sent).
    var toolsDisabled = false
    /// The text of the tool results in the last turn, when the last turn is tool results.
    var toolResults: [String]?
    /// `nil`: text; `.some(nil)`: any JSON object; `.some(schema)`: JSON matching the schema.
    var jsonSchema: [String: Any]??
    /// Every image of the request: its type (Ollama sends none: sniffed) and decoded size.
    var images: [(mimeType: String, bytes: Int)] = []

    var wantsToolCall: Bool { !functions.isEmpty && !toolsDisabled && toolResults == nil }
    var isPlain: Bool { functions.isEmpty && toolResults == nil && jsonSchema == nil && images.isEmpty }

    init(route: ProviderDoubleRoute, json: [String: Any]) {
        switch route {
        case .gemini: readGemini(json)
        case .ollama: readOllama(json)
        case .openai, .azure: readOpenAI(json)
        }
    }

    private mutating func readGemini(_ json: [String: Any]) {
        for tool in (json["tools"] as? [[String: Any]]) ?? [] {
            for declaration in (tool["functionDeclarations"] as? [[String: Any]]) ?? [] {
                functions.append(
                    Function(
                        name: declaration["name"] as? String ?? "",
                        parameters: declaration["parameters"] as? [String: Any]))
            }
        }
        let calling = (json["toolConfig"] as? [String: Any])?["functionCallingConfig"] as? [String: Any]
        switch calling?["mode"] as? String {
        case "NONE": toolsDisabled = true
        case "ANY": forcedFunction = (calling?["allowedFunctionNames"] as? [String])?.first ?? functions.first?.name
        default: break
        }
        let contents = (json["contents"] as? [[String: Any]]) ?? []
        for content in contents {
            for part in (content["parts"] as? [[String: Any]]) ?? [] {
                if let inline = part["inlineData"] as? [String: Any], let data = inline["data"] as? String {
                    images.append((inline["mimeType"] as? String ?? "", Data(base64Encoded: data)?.count ?? -1))
                }
            }
        }
        let lastParts = (contents.last?["parts"] as? [[String: Any]]) ?? []
        let responses = lastParts.compactMap { $0["functionResponse"] as? [String: Any] }
        if !responses.isEmpty {
            toolResults = responses.map { ProviderDoubleResponder.serialize($0["response"] ?? [:]) }
        }
        let config = json["generationConfig"] as? [String: Any]
        if config?["responseMimeType"] as? String == "application/json" {
            jsonSchema = .some(config?["responseSchema"] as? [String: Any])
        }
    }

    private mutating func readOllama(_ json: [String: Any]) {
        readOpenAIStyleTools(json)
        let messages = (json["messages"] as? [[String: Any]]) ?? []
        for message in messages {
            for image in (message["images"] as? [String]) ?? [] {
                let data = Data(base64Encoded: image) ?? Data()
                images.append((Self.sniff(data), data.count))
            }
        }
        readToolResults(messages)
        if json["format"] as? String == "json" {
            jsonSchema = .some(nil)
        } else if let schema = json["format"] as? [String: Any] {
            jsonSchema = .some(schema)
        }
    }

    private mutating func readOpenAI(_ json: [String: Any]) {
        readOpenAIStyleTools(json)
        if let choice = json["tool_choice"] as? String {
            toolsDisabled = choice == "none"
            if choice == "required" { forcedFunction = functions.first?.name }
        } else if let choice = json["tool_choice"] as? [String: Any] {
            forcedFunction = (choice["function"] as? [String: Any])?["name"] as? String
        }
        let messages = (json["messages"] as? [[String: Any]]) ?? []
        for message in messages {
            for part in (message["content"] as? [[String: Any]]) ?? [] where part["type"] as? String == "image_url" {
                let url = (part["image_url"] as? [String: Any])?["url"] as? String ?? ""
                guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else {
                    images.append(("url", -1))
                    continue
                }
                let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
                let data = Data(base64Encoded: String(url[url.index(after: comma)...])) ?? Data()
                images.append((String(header.split(separator: ";").first ?? ""), data.count))
            }
        }
        readToolResults(messages)
        let format = json["response_format"] as? [String: Any]
        switch format?["type"] as? String {
        case "json_object": jsonSchema = .some(nil)
        case "json_schema": jsonSchema = .some((format?["json_schema"] as? [String: Any])?["schema"] as? [String: Any])
        default: break
        }
    }

    private mutating func readOpenAIStyleTools(_ json: [String: Any]) {
        for tool in (json["tools"] as? [[String: Any]]) ?? [] {
            let function = tool["function"] as? [String: Any] ?? [:]
            functions.append(
                Function(name: function["name"] as? String ?? "", parameters: function["parameters"] as? [String: Any]))
        }
    }

    /// The trailing run of `tool` messages, when the conversation ends with one.
    private mutating func readToolResults(_ messages: [[String: Any]]) {
        let trailing = messages.reversed().prefix { $0["role"] as? String == "tool" }
        if !trailing.isEmpty { toolResults = trailing.reversed().map { $0["content"] as? String ?? "" } }
    }

    static func sniff(_ data: Data) -> String {
        let head = Array(data.prefix(4))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        return "application/octet-stream"
    }

    /// A value matching `schema` (types in any case, as Gemini upper-cases them): strings are
    /// `text`, numbers `number`, booleans `true`, the first `enum` value, every property filled.
    static func sample(for schema: [String: Any]?, text: String, number: Int) -> Any {
        guard let schema else { return ["echo": text] }
        if let values = schema["enum"] as? [Any], let first = values.first { return first }
        if let options = schema["anyOf"] as? [[String: Any]], let first = options.first {
            return sample(for: first, text: text, number: number)
        }
        let type = (schema["type"] as? String ?? (schema["properties"] != nil ? "object" : "string")).lowercased()
        switch type {
        case "object":
            var object: [String: Any] = [:]
            for (name, property) in (schema["properties"] as? [String: Any]) ?? [:] {
                object[name] = sample(for: property as? [String: Any], text: text, number: number)
            }
            return object
        case "array":
            return [sample(for: schema["items"] as? [String: Any] ?? ["type": "string"], text: text, number: number)]
        case "integer", "number": return number
        case "boolean": return true
        case "null": return NSNull()
        default: return text
        }
    }
}
