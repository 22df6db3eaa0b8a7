/// What one model costs, in USD: per million input and output tokens for text models, per image
/// (by size and quality) for image models. Either part may be missing: an embedding model has no
/// output price, DALL·E has no token prices.
struct ModelPrice: Sendable, Equatable {
    /// USD per 1M prompt (input) tokens.
    var inputPerMillion: Double?
    /// USD per 1M completion (output) tokens.
    var outputPerMillion: Double?
    /// USD per generated image, one entry per size and quality.
    var images: [ImagePrice]

    init(input: Double? = nil, output: Double? = nil, images: [ImagePrice] = []) {
        self.inputPerMillion = input
        self.outputPerMillion = output
        self.images = images
    }

    /// Whether calls can be priced from token counts.
    var pricesTokens: Bool { inputPerMillion != nil || outputPerMillion != nil }

    /// `self` with every part `other` gives replaced by `other`'s (a `PRICES_FILE` entry over a
    /// built-in one); image prices replace those of the same size and quality.
    func overridden(by other: ModelPrice) -> ModelPrice {
        var merged = self
        merged.inputPerMillion = other.inputPerMillion ?? inputPerMillion
        merged.outputPerMillion = other.outputPerMillion ?? outputPerMillion
        for image in other.images {
            merged.images.removeAll { $0.size == image.size && $0.quality == image.quality }
            merged.images.append(image)
        }
        return merged
    }
}
