import Foundation
import Providers

/// The body of `POST /v1/chat` once validated (SPEC §3.1):
/// `{"userId": "12345", "prompt": "...", "model"?: "...", "provider"?: "<a configured name>"}`.
struct ChatRequest: Sendable, Equatable {
    var userId: String
    var prompt: String
    var model: String?
    var provider: ProviderName?

    /// The longest `userId` accepted.
    static let maxUserIdLength = 256

    init(userId: String, prompt: String, model: String? = nil, provider: ProviderName? = nil) {
        self.userId = userId
        self.prompt = prompt
        self.model = model
        self.provider = provider
    }
}

extension ChatRequest {
    /// Parses and validates a request body; every rejection is a 400 with a message naming the field.
    init(json body: some DataProtocol) throws(APIError) {
        let raw: Wire
        do throws(JSONRequestBody.Failure) {
            raw = try Wire(reading: body)
        } catch {
            guard case .wrongType(let field) = error else { throw .invalidRequest("body is not valid JSON") }
            throw .invalidRequest(field.isEmpty ? "body must be a JSON object" : "\(field) must be a string")
        }
        guard let userId = raw.userId else { throw .invalidRequest("userId is required") }
        guard !userId.allSatisfy(\.isWhitespace) else { throw .invalidRequest("userId must not be empty") }
        guard userId.count <= Self.maxUserIdLength else {
            throw .invalidRequest("userId must be at most \(Self.maxUserIdLength) characters")
        }
        guard let prompt = raw.prompt else { throw .invalidRequest("prompt is required") }
        guard !prompt.allSatisfy(\.isWhitespace) else { throw .invalidRequest("prompt must not be empty") }
        if let model = raw.model, model.allSatisfy(\.isWhitespace) {
            throw .invalidRequest("model must not be empty when given")
        }
        var provider: ProviderName?
        if let name = raw.provider {
            guard let known = ProviderName(rawValue: name) else {
                throw .invalidRequest("provider \"\(name)\" is unknown: not a provider name")
            }
            provider = known
        }
        self.init(userId: userId, prompt: prompt, model: raw.model, provider: provider)
    }
}
