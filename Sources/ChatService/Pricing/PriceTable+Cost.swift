import Persistence

extension PriceTable {
    /// The cost of a text call: prompt tokens × input price + completion tokens × output price,
    /// per million tokens. `nil` when `model` has no token price, unless the call went to a local
    /// model (`free`), which costs 0 unless priced (SPEC §9).
    func cost(model: String, usage: InteractionUsage, free: Bool = false) -> InteractionCost? {
        guard let price = price(of: model), price.pricesTokens else { return free ? .free : nil }
        return InteractionCost(
            input: Self.amount(tokens: usage.promptTokens, perMillion: price.inputPerMillion),
            output: Self.amount(tokens: usage.completionTokens, perMillion: price.outputPerMillion))
    }

    /// The cost of `count` images of `size` and `quality`: the price of that size and quality (or
    /// of that size at any quality) per image, all of it output. `nil` when unpriced.
    func imageCost(model: String, size: String, quality: String?, count: Int, free: Bool = false) -> InteractionCost? {
        let images = price(of: model)?.images ?? []
        let wanted = quality?.lowercased()
        guard
            let image = images.first(where: { $0.size == size && $0.quality == wanted })
                ?? images.first(where: { $0.size == size && $0.quality == nil })
        else { return free ? .free : nil }
        return InteractionCost(input: 0, output: image.perImage * Double(count))
    }

    /// `tokens × perMillion / 1 000 000`, the one formula every stored and returned cost uses.
    static func amount(tokens: Int32, perMillion: Double?) -> Double {
        guard let perMillion else { return 0 }
        return Double(tokens) * perMillion / 1_000_000
    }
}
