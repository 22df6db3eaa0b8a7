import Foundation
import NIOCore
import NIOHTTP1

// Azure OpenAI as protocols.md §5 describes it: deployment paths with a required `api-version`,
// the key in `api-key` (never `Authorization`), OpenAI's error shape with string codes, content
// filter results on answers and stream events, and the content-filter 400 for a refused prompt.
extension ProviderDoubleResponder {
    /// The `api-version` values the double accepts (the GA version and a recent preview).
    static let azureAPIVersions: Set<String> = ["2024-10-21", "2025-01-01-preview", "2024-06-01"]

    /// `{deployment}` of `/openai/deployments/{deployment}/…`.
    static func azureDeployment(fromPath path: String) -> String {
        let rest = path.dropFirst("/openai/deployments/".count)
        return String(rest.prefix { $0 != "/" }).removingPercentEncoding ?? ""
    }

    /// What a real Azure resource refuses before looking at the script: no `api-key`, no or an
    /// unknown `api-version`, an operation it does not serve, a body that is not JSON.
    func azureRefusal(
        request: ProviderDoubleRequest, query: [String: String], json: [String: Any]?
    ) -> ProviderDoubleReply? {
        guard let key = request.header("api-key"), !key.isEmpty else {
            return .json(
                .unauthorized,
                [
                    "error": [
                        "code": "401",
                        "message":
                            "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
                    ]
                ])
        }
        guard let version = query["api-version"], Self.azureAPIVersions.contains(version) else {
            return .json(.notFound, ["error": ["code": "404", "message": "Resource not found"]])
        }
        let deployment = Self.azureDeployment(fromPath: request.path)
        let operation = request.path.dropFirst("/openai/deployments/\(deployment)/".count)
        guard !deployment.isEmpty, ["chat/completions", "embeddings", "images/generations"].contains(operation) else {
            return .json(.notFound, ["error": ["code": "404", "message": "Resource not found"]])
        }
        guard json != nil else { return azureError(400, message: "We could not parse the JSON body of your request.") }
        return nil
    }

    /// OpenAI's error shape as Azure fills it: `code` a string (`"429"`, `"InvalidRequest"`).
    func azureError(_ status: Int, message: String? = nil) -> ProviderDoubleReply {
        let code =
            switch status {
            case 400: "InvalidRequest"
            case 404: "DeploymentNotFound"
            default: String(status)
            }
        let text =
            message
            ?? (status == 429
                ? "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second."
                : "The service is temporarily unable to process your request. Please try again later.")
        return .json(
            HTTPResponseStatus(statusCode: status),
            ["error": ["code": code, "message": text, "param": NSNull(), "type": NSNull()]])
    }

    /// The 400 for a prompt the content filter refuses (protocols.md §5.2).
    func azureContentFilterError() -> ProviderDoubleReply {
        var filtered = Self.azureFilterResults
        filtered["violence"] = ["filtered": true, "severity": "high"]
        return .json(
            .badRequest,
            [
                "error": [
                    "message":
                        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
                    "type": NSNull(), "param": "prompt", "code": "content_filter", "status": 400,
                    "innererror": ["code": "ResponsibleAIPolicyViolation", "content_filter_result": filtered],
                ]
            ])
    }

    /// Every category unfiltered, severity safe.
    static var azureFilterResults: [String: Any] {
        var results: [String: Any] = [:]
        for category in ["hate", "self_harm", "sexual", "violence"] {
            results[category] = ["filtered": false, "severity": "safe"]
        }
        return results
    }

    /// The first event of an Azure stream: prompt filter results, no choices, blank fields.
    static var azurePromptFilterEvent: String {
        let object: [String: Any] = [
            "choices": [], "created": 0, "id": "", "model": "", "object": "",
            "prompt_filter_results": [["prompt_index": 0, "content_filter_results": azureFilterResults]],
        ]
        return "data: \(serialize(object))\n\n"
    }

    /// An asynchronous-filter event: a choice with filter results and offsets but no `delta`.
    static func azureFilterOnlyEvent(id: String, created: Int, model: String) -> String {
        let choice: [String: Any] = [
            "index": 0, "finish_reason": NSNull(), "content_filter_results": azureFilterResults,
            "content_filter_offsets": ["check_offset": 0, "start_offset": 0, "end_offset": 40],
        ]
        let object: [String: Any] = [
            "id": id, "object": "chat.completion.chunk", "created": created, "model": model, "choices": [choice],
        ]
        return "data: \(serialize(object))\n\n"
    }
}
