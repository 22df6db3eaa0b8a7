import Persistence

/// Turns a finished call's usage into its cost (SPEC §4 `cost`, §9): the price table, and which
/// providers run local models (kind `ollama`), whose calls cost 0 unless their model is priced.
struct CallPricing: Sendable {
    var prices: PriceTable
    /// Names of providers whose models are free unless priced.
    var freeProviders: Set<String>

    init(prices: PriceTable = .builtIn, freeProviders: Set<String> = []) {
        self.prices = prices
        self.freeProviders = freeProviders
    }

    /// `interaction` with its cost set from its model and usage. A cost already set (an image
    /// call, priced per image) is kept; a failed call that used no tokens gets none.
    func priced(_ interaction: Interaction) -> Interaction {
        guard interaction.cost == nil, interaction.status == .ok || interaction.usage.totalTokens > 0 else {
            return interaction
        }
        var priced = interaction
        priced.cost = prices.cost(
            model: interaction.model, usage: interaction.usage, free: freeProviders.contains(interaction.provider))
        return priced
    }
}
