extension ServiceConfiguration {
    /// The built-in price table with `PRICES_FILE` (when set) merged over it; an unreadable or
    /// malformed file stops start-up naming `PRICES_FILE`.
    static func prices(file: String?) throws(ConfigurationError) -> PriceTable {
        guard let file else { return .builtIn }
        return PriceTable.builtIn.merging(try PriceTable.load(file: file))
    }
}
