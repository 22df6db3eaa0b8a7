/// One model of a `PRICES_FILE`. Unknown keys are refused, so a typo does not silently leave a
/// model unpriced.
struct PriceFileEntry: Decodable {
    var price: ModelPrice

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let model = container.codingPath.last?.stringValue ?? "?"
        if let unknown = container.allKeys.first(where: { !["input", "output", "image"].contains($0.stringValue) }) {
            throw PriceFileError(
                reason: "model \"\(model)\" has unknown key \"\(unknown.stringValue)\" (known: input, output, image)")
        }
        func amount(_ value: Double, _ what: String) throws -> Double {
            guard value.isFinite, value >= 0 else {
                throw PriceFileError(reason: "model \"\(model)\" \(what) must be a price of 0 or more")
            }
            return value
        }
        price = ModelPrice(
            input: try container.decodeIfPresent(Double.self, forKey: Key(stringValue: "input")).map {
                try amount($0, "input")
            },
            output: try container.decodeIfPresent(Double.self, forKey: Key(stringValue: "output")).map {
                try amount($0, "output")
            })
        if container.contains(Key(stringValue: "image")) {
            let images = try container.nestedContainer(keyedBy: Key.self, forKey: Key(stringValue: "image"))
            for key in images.allKeys {
                if let perImage = try? images.decode(Double.self, forKey: key) {
                    price.images.append(
                        ImagePrice(size: key.stringValue, perImage: try amount(perImage, "image \(key.stringValue)")))
                } else {
                    let sizes = try images.decode([String: Double].self, forKey: key)
                    for (size, perImage) in sizes.sorted(by: { $0.key < $1.key }) {
                        price.images.append(
                            ImagePrice(
                                size: size, quality: key.stringValue.lowercased(),
                                perImage: try amount(perImage, "image \(key.stringValue) \(size)")))
                    }
                }
            }
        }
        guard price.pricesTokens || !price.images.isEmpty else {
            throw PriceFileError(reason: "model \"\(model)\" gives no price (input, output or image)")
        }
    }
}
