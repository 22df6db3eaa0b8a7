/// One price of a model in seed 004's shape: USD per `unitOfMeasure` (1M) tokens in `token`, or
/// USD per image of one size (and quality) in `pixel`. Exists so `GET /v1/providers` shows the
/// same prices `PriceTable` charges with.
struct CatalogPrice: Encodable, Sendable, Equatable {
    var id: String
    var unitOfMeasure: Int
    var currency = "USD"
    var token: Token?
    var pixel: Pixel?

    /// USD per 1M input and output tokens.
    struct Token: Encodable, Sendable, Equatable {
        var inputValue: Double
        var outputValue: Double
    }

    /// USD per image of `width`×`height` (and `quality`, when the price depends on it).
    struct Pixel: Encodable, Sendable, Equatable {
        var width: Int?
        var height: Int?
        var size: String
        var quality: String?
        var value: Double
    }

    /// Every price of `model` in `price` (none when unpriced); a local model without a price is free.
    static func prices(of model: String, in price: ModelPrice?, free: Bool) -> [CatalogPrice] {
        guard let price else {
            guard free else { return [] }
            return [
                CatalogPrice(
                    id: "\(model):tokens", unitOfMeasure: 1_000_000, token: Token(inputValue: 0, outputValue: 0))
            ]
        }
        var prices: [CatalogPrice] = []
        if price.pricesTokens {
            prices.append(
                CatalogPrice(
                    id: "\(model):tokens", unitOfMeasure: 1_000_000,
                    token: Token(inputValue: price.inputPerMillion ?? 0, outputValue: price.outputPerMillion ?? 0)))
        }
        for image in price.images {
            let dimensions = image.dimensions
            prices.append(
                CatalogPrice(
                    id: "\(model):image:\(image.size)" + (image.quality.map { ":\($0)" } ?? ""), unitOfMeasure: 1,
                    pixel: Pixel(
                        width: dimensions?.width, height: dimensions?.height, size: image.size,
                        quality: image.quality, value: image.perImage)))
        }
        return prices
    }
}
