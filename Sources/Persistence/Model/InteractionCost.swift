/// What one call cost, from the price table (SPEC §4 `cost`, §9): the input (prompt) part, the
/// output (completion or image) part and their sum, all in `currency`.
///
/// Stored as doubles so analysts can `$sum` it; absent from the document when the model has no price.
public struct InteractionCost: Sendable, Equatable {
    public var currency: String
    public var input: Double
    public var output: Double
    public var total: Double

    public init(currency: String = "USD", input: Double, output: Double) {
        self.currency = currency
        self.input = input
        self.output = output
        self.total = input + output
    }

    /// A free call (a local model): priced, at zero.
    public static let free = InteractionCost(input: 0, output: 0)
}
