/// An image provider's whole answer to an `ImageRequest`.
public struct GeneratedImages: Sendable, Equatable {
    /// The upstream's `created` (Unix seconds).
    public var created: Int
    public var images: [GeneratedImage]
    /// Token counts, for models billed by token (gpt-image-1); `nil` for dall-e.
    public var usage: TokenUsage?

    public init(created: Int, images: [GeneratedImage], usage: TokenUsage?) {
        self.created = created
        self.images = images
        self.usage = usage
    }
}
