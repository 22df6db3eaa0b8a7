/// One image of an image-generation answer: where to fetch it or its bytes, as the upstream sent it.
public struct GeneratedImage: Sendable, Equatable {
    /// A short-lived URL (`response_format: url`).
    public var url: String?
    /// The image itself, base64-encoded (`response_format: b64_json`). Passed to the caller, never stored.
    public var base64JSON: String?
    /// The prompt dall-e-3 actually drew, when it rewrote the caller's.
    public var revisedPrompt: String?

    public init(url: String?, base64JSON: String?, revisedPrompt: String?) {
        self.url = url
        self.base64JSON = base64JSON
        self.revisedPrompt = revisedPrompt
    }
}
