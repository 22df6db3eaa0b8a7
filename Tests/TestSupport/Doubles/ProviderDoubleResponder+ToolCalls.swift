import Foundation
import NIOCore
import NIOHTTP1

// A model deciding to call tools, in each dialect: the forced function, or every offered function
// when the prompt says "parallel", else the first one; arguments filled from its schema.
extension ProviderDoubleResponder {
    func toolCallReply(
        route: ProviderDoubleRoute, request: ProviderDoubleRequest, json: [String: Any], query: [String: String],
        features: ProviderDoubleFeatures, prompt: String
    ) -> ProviderDoubleReply {
        let chosen: [ProviderDoubleFeatures.Function]
        if let forced = features.forcedFunction {
            chosen = features.functions.filter { $0.name == forced }
        } else if prompt.lowercased().contains("parallel") {
            chosen = features.functions
        } else {
            chosen = Array(features.functions.prefix(1))
        }
        let calls: [(name: String, arguments: Any)] = chosen.map { function in
            (
                function.name,
                ProviderDoubleFeatures.sample(
                    for: function.parameters ?? ["type": "object"], text: prompt, number: Self.wordCount(prompt))
            )
        }
        let promptTokens = Self.promptWords(route: route, json: json)
        let completionTokens = max(1, calls.map { Self.wordCount(Self.serialize($0.arguments)) + 1 }.reduce(0, +))
        switch route {
        case .gemini:
            let model = Self.geminiModel(fromPath: request.path)
            let parts = calls.enumerated().map { index, call -> [String: Any] in
                var part: [String: Any] = ["functionCall": ["name": call.name, "args": call.arguments]]
                // Thinking models sign their first call; the signature must come back with it.
                if index == 0 { part["thoughtSignature"] = "c2lnbmF0dXJlLW9mLXRoZS1kb3VibGU=" }
                return part
            }
            let body: [String: Any] = [
                "candidates": [["content": ["role": "model", "parts": parts], "finishReason": "STOP", "index": 0]],
                "usageMetadata": [
                    "promptTokenCount": promptTokens, "candidatesTokenCount": completionTokens,
                    "totalTokenCount": promptTokens + completionTokens,
                ],
                "modelVersion": model, "responseId": "double-tools",
            ]
            guard request.path.hasSuffix(":streamGenerateContent") else { return .json(.ok, body) }
            return .stream(contentType: "text/event-stream", ["data: \(Self.serialize(body))\n\n"])
        case .ollama:
            let model = json["model"] as? String ?? ""
            let toolCalls = calls.map { ["function": ["name": $0.name, "arguments": $0.arguments]] }
            var final: [String: Any] = [
                "model": model, "created_at": Self.timestamp(),
                "message": ["role": "assistant", "content": "", "tool_calls": toolCalls],
                "done": true, "done_reason": "stop", "total_duration": 812_000_000,
                "prompt_eval_count": promptTokens, "eval_count": completionTokens,
            ]
            if (json["stream"] as? Bool) == false { return .json(.ok, final) }
            // Streamed: the calls arrive whole on a content line, the counts on the done line.
            let callLine: [String: Any] = [
                "model": model, "created_at": Self.timestamp(),
                "message": ["role": "assistant", "content": "", "tool_calls": toolCalls], "done": false,
            ]
            final["message"] = ["role": "assistant", "content": ""]
            return .stream(
                contentType: "application/x-ndjson", [Self.serialize(callLine) + "\n", Self.serialize(final) + "\n"])
        case .openai, .azure:
            return openAIToolCallReply(
                json: json, calls: calls, promptTokens: promptTokens, completionTokens: completionTokens)
        }
    }

    private func openAIToolCallReply(
        json: [String: Any], calls: [(name: String, arguments: Any)], promptTokens: Int, completionTokens: Int
    ) -> ProviderDoubleReply {
        let model = json["model"] as? String ?? ""
        let id = "chatcmpl-double-tools"
        let created = 1_767_348_000
        let usage: [String: Any] = [
            "prompt_tokens": promptTokens, "completion_tokens": completionTokens,
            "total_tokens": promptTokens + completionTokens,
        ]
        let identified = calls.enumerated().map { index, call in
            (id: "call_double\(index)", name: call.name, arguments: Self.serialize(call.arguments))
        }
        guard (json["stream"] as? Bool) == true else {
            let toolCalls = identified.map {
                ["id": $0.id, "type": "function", "function": ["name": $0.name, "arguments": $0.arguments]]
                    as [String: Any]
            }
            return .json(
                .ok,
                [
                    "id": id, "object": "chat.completion", "created": created, "model": model,
                    "choices": [
                        [
                            "index": 0,
                            "message": [
                                "role": "assistant", "content": NSNull(), "refusal": NSNull(), "tool_calls": toolCalls,
                            ],
                            "logprobs": NSNull(), "finish_reason": "tool_calls",
                        ]
                    ],
                    "usage": usage, "system_fingerprint": "fp_double",
                ])
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
        // As OpenAI streams calls: index, id, type and name first, then the arguments in pieces.
        var events = [chunk(["role": "assistant", "content": NSNull()], finish: nil)]
        for (index, call) in identified.enumerated() {
            events.append(
                chunk(
                    [
                        "tool_calls": [
                            [
                                "index": index, "id": call.id, "type": "function",
                                "function": ["name": call.name, "arguments": ""],
                            ]
                        ]
                    ], finish: nil))
            let half = call.arguments.index(call.arguments.startIndex, offsetBy: call.arguments.count / 2)
            for piece in [String(call.arguments[..<half]), String(call.arguments[half...])] where !piece.isEmpty {
                events.append(chunk(["tool_calls": [["index": index, "function": ["arguments": piece]]]], finish: nil))
            }
        }
        events.append(chunk([:], finish: "tool_calls"))
        if includeUsage {
            let object: [String: Any] = [
                "id": id, "object": "chat.completion.chunk", "created": created, "model": model, "choices": [],
                "usage": usage,
            ]
            events.append("data: \(Self.serialize(object))\n\n")
        }
        events.append("data: [DONE]\n\n")
        return .stream(contentType: "text/event-stream", events)
    }

    /// `POST /api/show`: the model's `capabilities`: a model whose name ends in `-notools`
    /// (e.g. `gemma-notools`) has only `completion`; every other one completion, tools and vision.
    func ollamaShow(_ request: ProviderDoubleRequest) -> ProviderDoubleReply {
        guard let model = request.jsonBody?["model"] as? String, !model.isEmpty else {
            return .json(.badRequest, ["error": "model is required"])
        }
        if configuration.restrictsModels, !configuration.ollamaModels.contains(model) {
            return .json(.notFound, ["error": "model '\(model)' not found"])
        }
        let capabilities =
            model.hasSuffix("-notools") ? ["completion"] : ["completion", "tools", "vision"]
        return .json(
            .ok,
            [
                "modelfile": "FROM \(model)", "parameters": "", "template": "{{ .Prompt }}",
                "details": [
                    "format": "gguf", "family": "llama", "parameter_size": "3.2B", "quantization_level": "Q4_K_M",
                ],
                "capabilities": capabilities, "modified_at": Self.timestamp(),
            ])
    }
}
