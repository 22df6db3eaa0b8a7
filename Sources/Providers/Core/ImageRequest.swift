/// An image-generation request (OpenAI's `POST /images/generations`, protocols.md §5.3), already
/// validated by the HTTP layer, so a provider only translates it.
public struct ImageRequest: Sendable, Equatable {
    public var prompt: String
    /// How many images (1–10; 1 for dall-e-3).
    public var n: Int
    /// `256x256` … `1792x1024`, or `auto` (gpt-image-1).
    public var size: String
    /// `standard`/`hd` (dall-e-3), `low`/`medium`/`high`/`auto` (gpt-image-1); `nil` = the model's default.
    public var quality: String?
    /// `vivid`/`natural` (dall-e-3 only).
    public var style: String?
    /// `url` or `b64_json`; `nil` = the model's default (gpt-image-1 takes none and always answers `b64_json`).
    public var responseFormat: String?
    /// The caller's end-user id, passed on for the upstream's abuse monitoring.
    public var user: String?

    public init(
        prompt: String, n: Int, size: String, quality: String? = nil, style: String? = nil,
        responseFormat: String? = nil, user: String? = nil
    ) {
        self.prompt = prompt
        self.n = n
        self.size = size
        self.quality = quality
        self.style = style
        self.responseFormat = responseFormat
        self.user = user
    }
}
