import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Google Gemini's `generateContent` (protocols.md §1) behind `ChatProvider`.
///
/// One call is one `POST {base}/v1beta/models/{model}:generateContent` with the key in
/// `x-goog-api-key`. A prompt Gemini blocks (HTTP 200, no candidates, `promptFeedback.blockReason`)
/// is returned as an *answer* with empty text and `finishReason == .contentFilter`, not as an
/// error: the provider did its job, and falling back to another provider would only route around
/// its safety decision.
public struct GeminiProvider: ChatProvider, JSONPostingProvider {
    public let name: ProviderName
    public let kind = ProviderKind.gemini
    public let defaultModel: String
    /// Without the trailing slash, e.g. `https://generativelanguage.googleapis.com`.
    public let baseURL: String
    let apiKey: String
    let transport: ProviderHTTPTransport
    /// This provider's host's share of `PROVIDER_MAX_CONNECTIONS`, from `connectionGates`.
    public let connectionGate: ProviderConnectionGate?

    /// `name` is what `PROVIDERS` calls it; `clock` times attempts and streams, tests pass one
    /// they move forward themselves.
    /// `connectionGates` (one for all providers, sized as the `HTTPClient`'s pool) makes a call
    /// wait for a free connection to this host before its attempt starts; `nil` never waits here.
    public init(
        name: ProviderName = .gemini, httpClient: HTTPClient, baseURL: String, apiKey: String, defaultModel: String,
        clock: ProviderClock = .continuous, connectionGates: ProviderConnectionGates? = nil
    ) {
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.defaultModel = defaultModel
        self.transport = ProviderHTTPTransport(
            httpClient: httpClient, provider: name, clock: clock, errorForStatus: Self.error(status:headers:body:))
        self.connectionGate = connectionGates?.gate(for: self.baseURL)
    }

    /// The key, in `x-goog-api-key`, for every call.
    var requestHeaders: HTTPHeaders {
        ["x-goog-api-key": apiKey]
    }

    /// Characters a model id may carry into the URL path unescaped (RFC 3986 unreserved).
    static let modelPathCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    /// The endpoint for one model. A leading `models/` (how `models.list` names them) is dropped,
    /// and anything else outside the unreserved set is percent-encoded, so a caller-supplied
    /// model can never change the path or add a query.
    func url(model: String, method: String = "generateContent") -> String {
        let id = model.hasPrefix("models/") ? String(model.dropFirst("models/".count)) : model
        let escaped = id.addingPercentEncoding(withAllowedCharacters: Self.modelPathCharacters) ?? id
        return "\(baseURL)/v1beta/models/\(escaped):\(method)"
    }

    /// `url(model:method:)`, for `post`: Gemini's operations are methods of the model.
    func url(_ method: String, model: String) -> String { url(model: model, method: method) }

    public func complete(
        _ request: CompletionRequest, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> Completion {
        try await post(
            "generateContent", body: Self.requestBody(for: request), model: model, timeout: timeout, logger: logger
        ) { body throws(ProviderError) in
            try Self.completion(from: body, requestedModel: model)
        }
    }
}
