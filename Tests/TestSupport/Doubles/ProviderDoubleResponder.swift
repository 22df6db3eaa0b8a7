import Foundation
import NIOCore
import NIOHTTP1

/// Builds protocol-faithful answers (protocols.md §1–§3) for the `ProviderDouble`: the default
/// echo answer, scripted successes and errors, streams, and the model-listing endpoints.
struct ProviderDoubleResponder: Sendable {
    var configuration: ProviderDouble.Configuration
    /// Ollama's model memory (`ProviderDoubleResponder+Residency.swift`).
    var ollamaResidency = OllamaResidencySimulator()

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
        if route == .ollama { reply = ollamaResidencyApplied(to: reply, request: request) }
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
                    message:
                        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
                )
            }
            if let expected = configuration.geminiAPIKey, key != expected {
                return geminiError(
                    400, message: "API key not valid. Please pass a valid API key.", reason: "API_KEY_INVALID")
            }
            guard json != nil else {
                return geminiError(400, message: "Invalid JSON payload received.")
            }
            if configuration.restrictsModels, !configuration.geminiModels.contains(model),
                !configuration.geminiEmbeddingModels.contains(model)
            {
                return geminiError(
                    404,
                    message:
                        "models/\(model) is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods."
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
            if behaviour == nil || behaviour?.kind == .success,
                let reply = Self.ollamaLoadOrUnload(path: request.path, json: json)
            {
                return reply
            }
        case .openai:
            guard let json else {
                return openAIError(400, message: "We could not parse the JSON body of your request.")
            }
            guard let model = json["model"] as? String, !model.isEmpty else {
                return openAIError(400, message: "you must provide a model parameter")
            }
            if configuration.restrictsModels, !configuration.openAIModels.contains(model) {
                return openAIError(
                    404, message: "The model `\(model)` does not exist or you do not have access to it.",
                    code: "model_not_found")
            }
        case .azure:
            if let refusal = azureRefusal(request: request, query: query, json: json) { return refusal }
        }

        let behaviour = behaviour ?? .success()
        switch behaviour.kind {
        case .drop:
            return ProviderDoubleReply(ending: .dropWithoutAnswer)
        case .malformedJSON:
            return .body(
                .ok, contentType: "application/json", "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"tru")
        case .error:
            let status = behaviour.status ?? 500
            switch route {
            case .gemini:
                return geminiError(status, message: behaviour.message, retryDelay: behaviour.retryDelay)
            case .ollama:
                return ollamaError(status, message: behaviour.message)
            case .openai:
                return openAIError(status, message: behaviour.message)
            case .azure:
                return azureError(status, message: behaviour.message)
            }
        case .contentFilter:
            return route == .azure
                ? azureContentFilterError()
                : openAIError(400, message: "Your request was rejected by the safety system.")
        case .blocked:
            return .json(
                .ok,
                [
                    "promptFeedback": ["blockReason": "SAFETY"],
                    "usageMetadata": [
                        "promptTokenCount": Self.promptWords(route: route, json: json),
                        "totalTokenCount": Self.promptWords(route: route, json: json),
                    ],
                    "modelVersion": Self.geminiModel(fromPath: request.path),
                ]
            )
        case .failMidStream:
            let reply = success(
                route: route, request: request, json: json ?? [:], query: query, behaviour: behaviour,
                failingMidStream: true)
            guard reply.streamed else {
                return answer(
                    route: route, request: request, query: query,
                    behaviour: .error(status: behaviour.status ?? 500, message: behaviour.message))
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
        if Self.isEmbeddingPath(request.path) {
            return embeddingSuccess(route: route, request: request, json: json, behaviour: behaviour)
        }
        if Self.isImagePath(request.path) { return imageSuccess(request: request, json: json, behaviour: behaviour) }
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
                    "error": [
                        "code": midStreamStatus, "message": midStreamMessage,
                        "status": Self.geminiStatusName(midStreamStatus),
                    ]
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
        case .openai, .azure:
            // Azure answers for the deployment in the path; a `model` in the body is ignored.
            let azure = route == .azure
            let model =
                behaviour.model
                ?? (azure ? Self.azureDeployment(fromPath: request.path) : json["model"] as? String ?? "")
            let finish = behaviour.finishReason ?? "stop"
            let id = "chatcmpl-double"
            let created = 1_767_348_000
            let usage: [String: Any] = [
                "prompt_tokens": promptTokens, "completion_tokens": completionTokens,
                "total_tokens": promptTokens + completionTokens,
            ]
            guard (json["stream"] as? Bool) == true else {
                var choice: [String: Any] = [
                    "index": 0, "message": ["role": "assistant", "content": text, "refusal": NSNull()],
                    "logprobs": NSNull(), "finish_reason": finish,
                ]
                var object: [String: Any] = [
                    "id": id, "object": "chat.completion", "created": created, "model": model,
                    "usage": usage, "system_fingerprint": "fp_double",
                ]
                if azure {
                    choice["content_filter_results"] = Self.azureFilterResults
                    object["prompt_filter_results"] = [
                        ["prompt_index": 0, "content_filter_results": Self.azureFilterResults]
                    ]
                }
                object["choices"] = [choice]
                return .json(.ok, object)
            }
            let includeUsage = ((json["stream_options"] as? [String: Any])?["include_usage"] as? Bool) == true
            func chunk(_ delta: [String: Any], finish: String?) -> String {
                var choice: [String: Any] = [
                    "index": 0, "delta": delta, "finish_reason": finish.map { $0 as Any } ?? NSNull(),
                ]
                if azure { choice["content_filter_results"] = Self.azureFilterResults }
                var object: [String: Any] = [
                    "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": [choice],
                ]
                if includeUsage { object["usage"] = NSNull() }
                return "data: \(Self.serialize(object))\n\n"
            }
            // Azure opens with prompt filter results only (empty choices, blank id and model) and,
            // filtering asynchronously, sends a choice with filter results but no `delta`.
            var events = azure ? [Self.azurePromptFilterEvent] : []
            events.append(chunk(["role": "assistant", "content": ""], finish: nil))
            events += words.map { chunk(["content": $0], finish: nil) }
            if azure { events.append(Self.azureFilterOnlyEvent(id: id, created: created, model: model)) }
            if failingMidStream {
                let error: [String: Any] = [
                    "message": midStreamMessage, "type": "server_error", "param": NSNull(), "code": NSNull(),
                ]
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
}
