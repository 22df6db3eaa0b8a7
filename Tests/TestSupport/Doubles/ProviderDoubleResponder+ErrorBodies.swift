import Foundation
import NIOCore
import NIOHTTP1

// Each protocol's error bodies (protocols.md §1.7, §2.6, §3.7).
extension ProviderDoubleResponder {
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

    func geminiError(
        _ status: Int, message: String? = nil, retryDelay: String? = nil, reason: String? = nil
    ) -> ProviderDoubleReply {
        let defaultMessage: String
        switch status {
        case 401: defaultMessage = "Request had invalid authentication credentials."
        case 403: defaultMessage = "The caller does not have permission"
        case 404: defaultMessage = "Requested entity was not found."
        case 429: defaultMessage = "You exceeded your current quota, please check your plan and billing details."
        case 500:
            defaultMessage =
                "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
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
        let defaultMessage =
            status == 429
            ? "Rate limit reached for requests. Please try again in 1s."
            : "The server had an error while processing your request."
        let error: [String: Any] = [
            "message": message ?? defaultMessage, "type": type, "param": NSNull(),
            "code": code.map { $0 as Any } ?? NSNull(),
        ]
        return .json(HTTPResponseStatus(statusCode: status), ["error": error])
    }
}
