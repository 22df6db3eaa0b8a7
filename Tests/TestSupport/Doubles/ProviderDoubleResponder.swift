import Foundation
import NIOCore
import NIOHTTP1

/// Builds protocol-faithful answers (protocols.md §1–§3) for the `ProviderDouble`: the default
/// echo answer, scripted successes and errors, streams, and the model-listing endpoints.
struct ProviderDoubleResponder: Sendable {
    var configuration: ProviderDouble.Configuration

    // MARK: Routing

    /// The protocol a generation request speaks, from its method and path.
    static func route(method: HTTPMethod, path: String) -> ProviderDoubleRoute? {
        guard method == .POST else { return nil }
        if path.hasPrefix("/v1beta/models/"),
            path.hasSuffix(":generateContent") || path.hasSuffix(":streamGenerateContent")
        {
            return .gemini
        }
        if path == "/api/chat" { return .ollama }
        if path == "/v1/chat/completions" || path == "/chat/completions" { return .openai }
        return nil
    }

    /// The answer to a non-generation request (listings, liveness), or `nil` for unknown paths.
    func listing(method: HTTPMethod, path: String, query: [String: String] = [:]) -> ProviderDoubleReply? {
        guard method == .GET || method == .HEAD else { return nil }
        switch path {
        case "/":
            return .body(.ok, contentType: "text/plain; charset=utf-8", "Ollama is running")
        case "/v1beta/models":
            let chatModels = configuration.geminiModels.map { name -> [String: Any] in
                [
                    "name": "models/\(name)", "baseModelId": name, "version": "001", "displayName": name,
                    "inputTokenLimit": 1_048_576, "outputTokenLimit": 65536,
                    "supportedGenerationMethods": ["generateContent", "countTokens"],
                    "temperature": 1, "maxTemperature": 2, "topP": 0.95, "topK": 64,
                ]
            }
            let embeddingModels = configuration.geminiEmbeddingModels.map { name -> [String: Any] in
                [
                    "name": "models/\(name)", "version": "004", "displayName": name, "inputTokenLimit": 2048, "outputTokenLimit": 1,
                    "supportedGenerationMethods": ["embedContent"],
                ]
            }
            let models = chatModels + embeddingModels
            // pageSize (default 50, at most 1000, further capped by the configuration) and an
            // opaque pageToken, which here is the offset.
            var pageSize = min(1000, max(1, Int(query["pageSize"] ?? "") ?? 50))
            if let cap = configuration.geminiModelsPageSize { pageSize = min(pageSize, max(1, cap)) }
            let start = min(models.count, max(0, Int(query["pageToken"] ?? "") ?? 0))
            let end = min(models.count, start + pageSize)
            var page: [String: Any] = ["models": Array(models[start..<end])]
            if end < models.count { page["nextPageToken"] = String(end) }
            return .json(.ok, page)
        case "/api/tags":
            let models = configuration.ollamaModels.map { name -> [String: Any] in
                [
                    "name": name, "model": name, "modified_at": "2026-01-02T10:00:00.837530123+01:00", "size": 2_019_393_189,
                    "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
                    "details": [
                        "parent_model": "", "format": "gguf", "family": "llama", "families": ["llama"],
                        "parameter_size": "3.2B", "quantization_level": "Q4_K_M",
                    ],
                ]
            }
            return .json(.ok, ["models": models])
        case "/v1/models", "/models":
            let models = configuration.openAIModels.map { name -> [String: Any] in
                ["id": name, "object": "model", "created": 1_767_348_000, "owned_by": "library"]
            }
            return .json(.ok, ["object": "list", "data": models])
        default:
            return nil
        }
    }

    // MARK: Generation

    /// The answer to a generation request under `behaviour` (`nil` = the default echo answer).
    func generation(
        route: ProviderDoubleRoute,
        request: ProviderDoubleRequest,
        query: [String: String],
        behaviour: ProviderDoubleBehaviour?
    ) -> ProviderDoubleReply {
        var reply = answer(route: route, request: request, query: query, behaviour: behaviour)
        if let behaviour {
            reply.delay = .milliseconds(Int64(behaviour.delayMs ?? 0))
            if reply.streamed {
                reply.chunkDelay = .milliseconds(Int64(behaviour.chunkDelayMs ?? 0))
            }
            if let retryAfter = behaviour.retryAfter {
                reply.headers.replaceOrAdd(name: "retry-after", value: retryAfter)
            }
            if let retryAfterMs = behaviour.retryAfterMs {
                reply.headers.replaceOrAdd(name: "retry-after-ms", value: retryAfterMs)
            }
        }
        return reply
    }

    private func answer(
        route: ProviderDoubleRoute,
        request: ProviderDoubleRequest,
        query: [String: String],
        behaviour: ProviderDoubleBehaviour?
    ) -> ProviderDoubleReply {
        let json = request.jsonBody
        // Checks a real server makes before looking at the script: auth, body, model.
        switch route {
        case .gemini:
            let model = Self.geminiModel(fromPath: request.path)
            let key = request.header("x-goog-api-key") ?? query["key"]
            guard let key, !key.isEmpty else {
                return geminiError(
                    403,
                    message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
                )
            }
            if let expected = configuration.geminiAPIKey, key != expected {
                return geminiError(400, message: "API key not valid. Please pass a valid API key.", reason: "API_KEY_INVALID")
            }
            guard json != nil else {
                return geminiError(400, message: "Invalid JSON payload received.")
            }
            if configuration.restrictsModels, !configuration.geminiModels.contains(model) {
                return geminiError(
                    404,
                    message: "models/\(model) is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods."
                )
            }
        case .ollama:
            guard let json else { return ollamaError(400, message: "missing request body") }
            guard let model = json["model"] as? String, !model.isEmpty else {
                return ollamaError(400, message: "model is required")
            }
            if configuration.restrictsModels, !configuration.ollamaModels.contains(model) {
                return ollamaError(404, message: "model '\(model)' not found")
            }
        case .openai:
            guard let json else { return openAIError(400, message: "We could not parse the JSON body of your request.") }
            guard let model = json["model"] as? String, !model.isEmpty else {
                return openAIError(400, message: "you must provide a model parameter")
            }
            if configuration.restrictsModels, !configuration.openAIModels.contains(model) {
                return openAIError(404, message: "The model `\(model)` does not exist or you do not have access to it.", code: "model_not_found")
            }
        }

        let behaviour = behaviour ?? .success()
        switch behaviour.kind {
        case .drop:
            return ProviderDoubleReply(ending: .dropWithoutAnswer)
        case .malformedJSON:
            return .body(.ok, contentType: "application/json", "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"tru")
        case .error:
            let status = behaviour.status ?? 500
            switch route {
            case .gemini:
                return geminiError(status, message: behaviour.message, retryDelay: behaviour.retryDelay)
            case .ollama:
                return ollamaError(status, message: behaviour.message)
            case .openai:
                return openAIError(status, message: behaviour.message)
            }
        case .blocked:
            return .json(
                .ok,
                [
                    "promptFeedback": ["blockReason": "SAFETY"],
                    "usageMetadata": ["promptTokenCount": Self.promptWords(route: route, json: json), "totalTokenCount": Self.promptWords(route: route, json: json)],
                    "modelVersion": Self.geminiModel(fromPath: request.path),
                ]
            )
        case .failMidStream:
            let reply = success(route: route, request: request, json: json ?? [:], query: query, behaviour: behaviour, failingMidStream: true)
            guard reply.streamed else {
                return answer(route: route, request: request, query: query, behaviour: .error(status: behaviour.status ?? 500, message: behaviour.message))
            }
            return reply
        case .success, .closeMidBody:
            var reply = success(route: route, request: request, json: json ?? [:], query: query, behaviour: behaviour)
            if behaviour.kind == .closeMidBody {
                reply.ending = .closeMidBody
                reply.streamed = false
                var whole = ByteBuffer()
                for var chunk in reply.chunks { whole.writeBuffer(&chunk) }
                reply.chunks = [whole]
            }
            return reply
        }
    }

    private func success(
        route: ProviderDoubleRoute,
        request: ProviderDoubleRequest,
        json: [String: Any],
        query: [String: String],
        behaviour: ProviderDoubleBehaviour,
        failingMidStream: Bool = false
    ) -> ProviderDoubleReply {
        let prompt = Self.lastUserText(route: route, json: json)
        let text = behaviour.chunks?.joined() ?? behaviour.text ?? "Echo: \(prompt)"
        let promptTokens = behaviour.promptTokens ?? Self.promptWords(route: route, json: json)
        let completionTokens = behaviour.completionTokens ?? Self.wordCount(text)
        let words = behaviour.chunks ?? Self.streamPieces(text)
        let midStreamMessage = behaviour.message ?? "An internal error has occurred."
        let midStreamStatus = behaviour.status ?? 500
        switch route {
        case .gemini:
            let model = behaviour.model ?? Self.geminiModel(fromPath: request.path)
            let finish = behaviour.finishReason ?? "STOP"
            func chunk(_ parts: [[String: Any]], finish: String?, outputSoFar: Int) -> [String: Any] {
                var candidate: [String: Any] = ["content": ["role": "model", "parts": parts], "index": 0]
                if let finish { candidate["finishReason"] = finish }
                return [
                    "candidates": [candidate],
                    "usageMetadata": [
                        "promptTokenCount": promptTokens, "candidatesTokenCount": outputSoFar,
                        "totalTokenCount": promptTokens + outputSoFar,
                    ],
                    "modelVersion": model,
                    "responseId": "double-\(abs(text.hashValue % 1_000_000))",
                ]
            }
            var parts: [[String: Any]] = []
            if let thought = behaviour.thought { parts.append(["text": thought, "thought": true]) }
            parts.append(["text": text])
            guard request.path.hasSuffix(":streamGenerateContent") else {
                return .json(.ok, chunk(parts, finish: finish, outputSoFar: completionTokens))
            }
            var events: [[String: Any]] = []
            for (index, piece) in words.enumerated() {
                let last = index == words.count - 1 && !failingMidStream
                let soFar = last ? completionTokens : min(completionTokens, index + 1)
                events.append(chunk([["text": piece]], finish: last ? finish : nil, outputSoFar: soFar))
            }
            if failingMidStream {
                events.append([
                    "error": ["code": midStreamStatus, "message": midStreamMessage, "status": Self.geminiStatusName(midStreamStatus)]
                ])
            }
            if query["alt"] == "sse" {
                return .stream(contentType: "text/event-stream", events.map { "data: \(Self.serialize($0))\n\n" })
            }
            // Without alt=sse the API streams one JSON array.
            return .json(.ok, events)
        case .ollama:
            let model = behaviour.model ?? (json["model"] as? String ?? "")
            let finish = behaviour.finishReason ?? "stop"
            let final: [String: Any] = [
                "model": model, "created_at": Self.timestamp(),
                "message": ["role": "assistant", "content": text],
                "done": true, "done_reason": finish,
                "total_duration": 812_000_000, "load_duration": 2_100_000,
                "prompt_eval_count": promptTokens, "prompt_eval_duration": 40_000_000,
                "eval_count": completionTokens, "eval_duration": 60_000_000,
            ]
            if (json["stream"] as? Bool) == false {
                var object = final
                if let thought = behaviour.thought {
                    object["message"] = ["role": "assistant", "content": text, "thinking": thought]
                }
                return .json(.ok, object)
            }
            var lines = words.map { piece -> String in
                Self.serialize([
                    "model": model, "created_at": Self.timestamp(),
                    "message": ["role": "assistant", "content": piece], "done": false,
                ]) + "\n"
            }
            if failingMidStream {
                lines.append(Self.serialize(["error": midStreamMessage]) + "\n")
                return .stream(contentType: "application/x-ndjson", lines)
            }
            var last = final
            last["message"] = ["role": "assistant", "content": ""]
            lines.append(Self.serialize(last) + "\n")
            return .stream(contentType: "application/x-ndjson", lines)
        case .openai:
            let model = behaviour.model ?? (json["model"] as? String ?? "")
            let finish = behaviour.finishReason ?? "stop"
            let id = "chatcmpl-double"
            let created = 1_767_348_000
            let usage: [String: Any] = [
                "prompt_tokens": promptTokens, "completion_tokens": completionTokens,
                "total_tokens": promptTokens + completionTokens,
            ]
            guard (json["stream"] as? Bool) == true else {
                return .json(
                    .ok,
                    [
                        "id": id, "object": "chat.completion", "created": created, "model": model,
                        "choices": [
                            [
                                "index": 0, "message": ["role": "assistant", "content": text, "refusal": NSNull()],
                                "logprobs": NSNull(), "finish_reason": finish,
                            ]
                        ],
                        "usage": usage, "system_fingerprint": "fp_double",
                    ]
                )
            }
            let includeUsage = ((json["stream_options"] as? [String: Any])?["include_usage"] as? Bool) == true
            func chunk(_ delta: [String: Any], finish: String?) -> String {
                var object: [String: Any] = [
                    "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": [["index": 0, "delta": delta, "finish_reason": finish.map { $0 as Any } ?? NSNull()]],
                ]
                if includeUsage { object["usage"] = NSNull() }
                return "data: \(Self.serialize(object))\n\n"
            }
            var events = [chunk(["role": "assistant", "content": ""], finish: nil)]
            events += words.map { chunk(["content": $0], finish: nil) }
            if failingMidStream {
                let error: [String: Any] = ["message": midStreamMessage, "type": "server_error", "param": NSNull(), "code": NSNull()]
                events.append("data: \(Self.serialize(["error": error]))\n\n")
                return .stream(contentType: "text/event-stream", events)
            }
            events.append(chunk([:], finish: finish))
            if includeUsage {
                let object: [String: Any] = [
                    "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": [], "usage": usage,
                ]
                events.append("data: \(Self.serialize(object))\n\n")
            }
            events.append("data: [DONE]\n\n")
            return .stream(contentType: "text/event-stream", events)
        }
    }

    // MARK: Error bodies

    /// google.rpc.Status names for HTTP statuses (protocols.md §1.7).
    static func geminiStatusName(_ status: Int) -> String {
        switch status {
        case 400: return "INVALID_ARGUMENT"
        case 401: return "UNAUTHENTICATED"
        case 403: return "PERMISSION_DENIED"
        case 404: return "NOT_FOUND"
        case 409: return "ABORTED"
        case 429: return "RESOURCE_EXHAUSTED"
        case 499: return "CANCELLED"
        case 500: return "INTERNAL"
        case 501: return "NOT_IMPLEMENTED"
        case 503: return "UNAVAILABLE"
        case 504: return "DEADLINE_EXCEEDED"
        default: return "UNKNOWN"
        }
    }

    func geminiError(_ status: Int, message: String? = nil, retryDelay: String? = nil, reason: String? = nil) -> ProviderDoubleReply {
        let defaultMessage: String
        switch status {
        case 401: defaultMessage = "Request had invalid authentication credentials."
        case 403: defaultMessage = "The caller does not have permission"
        case 404: defaultMessage = "Requested entity was not found."
        case 429: defaultMessage = "You exceeded your current quota, please check your plan and billing details."
        case 500: defaultMessage = "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
        case 503: defaultMessage = "The model is overloaded. Please try again later."
        case 504: defaultMessage = "Deadline expired before operation could complete."
        default: defaultMessage = "Request contains an invalid argument."
        }
        var details: [[String: Any]] = []
        if let reason {
            details.append([
                "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com",
                "metadata": ["service": "generativelanguage.googleapis.com"],
            ])
        }
        if status == 429 {
            details.append([
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    [
                        "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "quotaValue": "10",
                    ]
                ],
            ])
        }
        if let retryDelay {
            details.append(["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retryDelay])
        }
        var error: [String: Any] = [
            "code": status, "message": message ?? defaultMessage, "status": Self.geminiStatusName(status),
        ]
        if !details.isEmpty { error["details"] = details }
        return .json(HTTPResponseStatus(statusCode: status), ["error": error])
    }

    func ollamaError(_ status: Int, message: String? = nil) -> ProviderDoubleReply {
        let defaultMessage: String
        switch status {
        case 404: defaultMessage = "model not found"
        case 429: defaultMessage = "too many requests"
        case 503: defaultMessage = "server busy, please try again.  maximum pending requests exceeded"
        case 400: defaultMessage = "invalid request"
        default: defaultMessage = "llama runner process has terminated: exit status 2"
        }
        return .json(HTTPResponseStatus(statusCode: status), ["error": message ?? defaultMessage])
    }

    func openAIError(_ status: Int, message: String? = nil, code: String? = nil) -> ProviderDoubleReply {
        let type: String
        var code = code
        switch status {
        case 400, 401, 404:
            type = "invalid_request_error"
            if status == 401 { code = code ?? "invalid_api_key" }
        case 429:
            type = "requests"
            code = code ?? "rate_limit_exceeded"
        default:
            type = "server_error"
        }
        let defaultMessage = status == 429 ? "Rate limit reached for requests. Please try again in 1s." : "The server had an error while processing your request."
        let error: [String: Any] = [
            "message": message ?? defaultMessage, "type": type, "param": NSNull(), "code": code.map { $0 as Any } ?? NSNull(),
        ]
        return .json(HTTPResponseStatus(statusCode: status), ["error": error])
    }

    // MARK: Text helpers

    static func geminiModel(fromPath path: String) -> String {
        let tail = path.dropFirst("/v1beta/models/".count)
        return String(tail.prefix { $0 != ":" })
    }

    /// The last user turn's text: Gemini `contents[role=user|absent].parts[].text`, Ollama and
    /// OpenAI `messages[role=user].content` (a string or text parts).
    static func lastUserText(route: ProviderDoubleRoute, json: [String: Any]) -> String {
        switch route {
        case .gemini:
            let contents = (json["contents"] as? [[String: Any]]) ?? []
            guard let last = contents.last(where: { ($0["role"] as? String ?? "user") == "user" }) else { return "" }
            return ((last["parts"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined()
        case .ollama, .openai:
            let messages = (json["messages"] as? [[String: Any]]) ?? []
            guard let last = messages.last(where: { $0["role"] as? String == "user" }) else { return "" }
            return contentText(last["content"])
        }
    }

    /// Word count of every text the prompt carries (system included), at least 1.
    static func promptWords(route: ProviderDoubleRoute, json: [String: Any]?) -> Int {
        guard let json else { return 1 }
        var texts: [String] = []
        switch route {
        case .gemini:
            for key in ["systemInstruction", "system_instruction"] {
                if let system = json[key] as? [String: Any] {
                    texts += ((system["parts"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }
                }
            }
            for content in (json["contents"] as? [[String: Any]]) ?? [] {
                texts += ((content["parts"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }
            }
        case .ollama, .openai:
            texts = ((json["messages"] as? [[String: Any]]) ?? []).map { contentText($0["content"]) }
        }
        return max(1, texts.map(wordCount).reduce(0, +))
    }

    private static func contentText(_ content: Any?) -> String {
        if let text = content as? String { return text }
        let parts = (content as? [[String: Any]]) ?? []
        return parts.compactMap { $0["text"] as? String }.joined()
    }

    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count
    }

    /// The text cut into word-sized deltas that concatenate back to it exactly.
    static func streamPieces(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            if character.isWhitespace, !current.isEmpty, !(current.last?.isWhitespace ?? true) {
                pieces.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty || pieces.isEmpty { pieces.append(current) }
        return pieces
    }

    static func serialize(_ object: Any) -> String {
        guard JSONSerialization.isValidJSONObject(object),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}

extension ProviderDoubleReply {
    static func json(_ status: HTTPResponseStatus, _ object: Any) -> Self {
        .body(status, contentType: "application/json; charset=utf-8", ProviderDoubleResponder.serialize(object))
    }

    static func stream(contentType: String, _ pieces: [String]) -> Self {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        return Self(headers: headers, chunks: pieces.map { ByteBuffer(string: $0) }, streamed: true)
    }
}
