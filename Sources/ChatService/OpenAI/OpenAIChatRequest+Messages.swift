import Foundation
import Providers

// Chat-completions `messages` in full (protocols.md §3.1): system/developer, user (text and
// `image_url` parts), assistant (text and/or `tool_calls`, arguments a JSON string) and `tool`
// turns (`tool_call_id`). Every rejection is a 400 naming the parameter.
extension OpenAIChatRequest {
    /// The messages and, by message index, their images in order.
    static func messages(
        from json: JSONValue
    ) throws(APIError) -> (messages: [ChatMessage], images: [Int: [ImageSource]]) {
        guard let rawMessages = json["messages"]?.arrayValue, !rawMessages.isEmpty else {
            throw .invalidRequest("messages must be a non-empty array", param: "messages")
        }
        var messages: [ChatMessage] = []
        var images: [Int: [ImageSource]] = [:]
        for (index, raw) in rawMessages.enumerated() {
            let param = "messages[\(index)]"
            guard raw.objectMembers != nil else {
                throw .invalidRequest("\(param) must be an object", param: param)
            }
            let roleName = raw["role"]?.stringValue ?? ""
            let role: ChatMessage.Role
            switch roleName {
            case "system", "developer": role = .system
            case "user": role = .user
            case "assistant": role = .assistant
            case "tool": role = .tool
            default:
                throw .invalidRequest(
                    "\(param).role \"\(roleName)\" is not supported (system, developer, user, assistant, tool)",
                    param: "\(param).role")
            }
            let toolCalls = role == .assistant ? try toolCalls(in: raw, param: param) : []
            let (text, sources) = try content(
                of: raw, param: param, allowsImages: role == .user, mayBeAbsent: !toolCalls.isEmpty)
            var message = ChatMessage(role: role, content: text)
            message.toolCalls = toolCalls
            if role == .tool {
                guard let id = raw["tool_call_id"]?.stringValue, !id.isEmpty else {
                    throw .invalidRequest(
                        "\(param).tool_call_id is required for a tool message", param: "\(param).tool_call_id")
                }
                message.toolCallId = id
            }
            if !sources.isEmpty { images[index] = sources }
            messages.append(message)
        }
        return (messages, images)
    }

    /// `content`: a string, or parts (`text`; `image_url` in user turns); `null` or absent only
    /// for an assistant turn with tool calls.
    private static func content(
        of message: JSONValue, param: String, allowsImages: Bool, mayBeAbsent: Bool
    ) throws(APIError) -> (String, [ImageSource]) {
        switch message["content"] {
        case nil, .null?:
            guard mayBeAbsent else {
                throw .invalidRequest("\(param).content is required", param: "\(param).content")
            }
            return ("", [])
        case .string(let text)?:
            return (text, [])
        case .array(let parts)?:
            var texts: [String] = []
            var sources: [ImageSource] = []
            for (partIndex, part) in parts.enumerated() {
                let partParam = "\(param).content[\(partIndex)]"
                switch part["type"]?.stringValue {
                case "text":
                    guard let text = part["text"]?.stringValue else {
                        throw .invalidRequest("\(partParam).text must be a string", param: "\(partParam).text")
                    }
                    texts.append(text)
                case "image_url" where allowsImages:
                    sources.append(try imageSource(part, param: partParam))
                case let type:
                    throw .invalidRequest(
                        "\(partParam): \(allowsImages ? "only text and image_url parts are" : "only text parts are") supported here, got \"\(type ?? "")\"",
                        param: "\(partParam).type")
                }
            }
            return (texts.joined(separator: "\n"), sources)
        case let other?:
            throw .invalidRequest("\(param).content has the wrong type (\(other.typeName))", param: "\(param).content")
        }
    }

    /// An `image_url` part: a `data:image/…;base64,` URL decoded now, or an http(s) URL to fetch.
    private static func imageSource(_ part: JSONValue, param: String) throws(APIError) -> ImageSource {
        let urlParam = "\(param).image_url.url"
        guard let text = part["image_url"]?["url"]?.stringValue ?? part["image_url"]?.stringValue else {
            throw .invalidRequest("\(urlParam) must be a string", param: urlParam)
        }
        let detail = part["image_url"]?["detail"]?.stringValue
        if text.hasPrefix("data:") {
            guard let comma = text.firstIndex(of: ","),
                case let header = text[text.index(text.startIndex, offsetBy: 5)..<comma],
                header.hasSuffix(";base64"),
                case let mimeType = String(header.dropLast(";base64".count)).lowercased(),
                mimeType.hasPrefix("image/"),
                let data = Data(base64Encoded: String(text[text.index(after: comma)...]))
            else {
                throw .invalidRequest(
                    "\(urlParam) must be a data:image/<type>;base64,<data> URL or an http(s) URL", param: urlParam)
            }
            return .inline(ImageInput(mimeType: mimeType, data: data, detail: detail))
        }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
            url.host != nil
        else {
            throw .invalidRequest(
                "\(urlParam) must be a data:image/<type>;base64,<data> URL or an http(s) URL", param: urlParam)
        }
        return .remote(url: url, detail: detail, param: urlParam)
    }

    /// An assistant turn's `tool_calls`: `{id, type: "function", function: {name, arguments}}`,
    /// arguments a JSON string.
    private static func toolCalls(in message: JSONValue, param: String) throws(APIError) -> [ToolCall] {
        guard let raw = message["tool_calls"], raw != .null else { return [] }
        guard let calls = raw.arrayValue else {
            throw .invalidRequest("\(param).tool_calls must be an array", param: "\(param).tool_calls")
        }
        var result: [ToolCall] = []
        for (index, call) in calls.enumerated() {
            let callParam = "\(param).tool_calls[\(index)]"
            guard let id = call["id"]?.stringValue, !id.isEmpty else {
                throw .invalidRequest("\(callParam).id is required", param: "\(callParam).id")
            }
            guard let name = call["function"]?["name"]?.stringValue, !name.isEmpty else {
                throw .invalidRequest("\(callParam).function.name is required", param: "\(callParam).function.name")
            }
            guard let arguments = call["function"]?["arguments"]?.stringValue else {
                throw .invalidRequest(
                    "\(callParam).function.arguments must be a string (JSON text)",
                    param: "\(callParam).function.arguments")
            }
            result.append(ToolCall(id: id, name: name, arguments: arguments))
        }
        return result
    }
}
