import Foundation
import Logging

extension OllamaProvider {
    /// `/api/show`'s body; only `capabilities` (e.g. `["completion", "tools", "vision"]`), which
    /// Ollama versions before 0.6.4 do not report.
    struct ShowBody: Decodable {
        var capabilities: [String]?
    }

    struct ShowRequest: Encodable {
        var model: String
    }

    /// What Ollama cannot do whatever the model: `tool_choice` `required` or a named function
    /// (it has no `tool_choice`). Then, for tools and images, the model's `/api/show`
    /// `capabilities` must list `tools` and `vision`; a model that reports no capabilities (an
    /// older Ollama) or a `/api/show` that fails is given the benefit of the doubt, so the call
    /// itself reports what went wrong.
    public func unsupportedFeature(
        of request: CompletionRequest, model: String, timeout: Duration, logger: Logger
    ) async -> UnsupportedFeature? {
        if !request.tools.isEmpty {
            switch request.toolChoice {
            case .required?, .function?:
                return UnsupportedFeature(
                    field: "tool_choice", provider: name, model: model,
                    reason: "Ollama cannot force a tool call (it has no tool_choice); use \"auto\" or \"none\"")
            default: break
            }
        }
        let wantsTools = !request.tools.isEmpty && request.toolChoice != ToolChoice.none
        let imageIndex = request.messages.firstIndex { !$0.images.isEmpty }
        guard wantsTools || imageIndex != nil else { return nil }
        let capabilities: [String]?
        do {
            capabilities = try await post(
                "/api/show", body: ShowRequest(model: model), model: model, timeout: timeout, logger: logger
            ) { body throws(ProviderError) in
                try WireJSON.decode(ShowBody.self, from: body, orFailWith: "Ollama's /api/show answer is not JSON")
                    .capabilities
            }
        } catch {
            logger.notice(
                "could not read the model's capabilities; sending the request as it is",
                metadata: ["model": "\(model)", "error": "\(error)"])
            return nil
        }
        guard let capabilities else { return nil }
        if wantsTools, !capabilities.contains("tools") {
            return UnsupportedFeature(
                field: "tools", provider: name, model: model,
                reason: "the model's capabilities (\(capabilities.joined(separator: ", "))) do not include tools")
        }
        if let imageIndex, !capabilities.contains("vision") {
            return UnsupportedFeature(
                field: "messages[\(imageIndex)].content", provider: name, model: model,
                reason: "the model's capabilities (\(capabilities.joined(separator: ", "))) do not include vision")
        }
        return nil
    }
}
