import Foundation
import Providers

extension ServiceConfiguration {
    /// `ALWAYS_ON_MODELS`, `HEAVY_MODELS` and `OLLAMA_KEEP_ALIVE` (SPEC §2, §7). A model both
    /// always on and heavy, or a `keep_alive` Ollama would refuse, stops start-up.
    static func modelResidency(environment: [String: String]) throws(ConfigurationError) -> ModelResidencySettings {
        func list(_ name: String) -> [String] {
            (environment[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        var settings = ModelResidencySettings(
            alwaysOnModels: list("ALWAYS_ON_MODELS"), heavyModels: list("HEAVY_MODELS"))
        if let clash = settings.alwaysOnModels.first(where: settings.isHeavy) {
            throw ConfigurationError(
                variable: "ALWAYS_ON_MODELS",
                reason: "lists \"\(clash)\", which HEAVY_MODELS also matches; a heavy model cannot stay loaded")
        }
        if let text = environment["OLLAMA_KEEP_ALIVE"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let value = keepAliveValue(text) else {
                throw ConfigurationError(
                    variable: "OLLAMA_KEEP_ALIVE",
                    reason: "must be a number of seconds or a duration such as 10m, 24h or -1, got \"\(text)\"")
            }
            settings.keepAlive = value
        }
        return settings
    }

    /// A number is seconds (sent as a JSON number); anything else must be a Go duration
    /// (`300ms`, `1.5h`, `2h45m`, `-1m`), sent as a string, as Ollama parses `keep_alive`.
    static func keepAliveValue(_ text: String) -> JSONValue? {
        if let seconds = Int64(text) { return .integer(seconds) }
        if let seconds = Double(text), seconds.isFinite { return .number(seconds) }
        var rest = Substring(text)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        guard !rest.isEmpty else { return nil }
        let units = ["ns", "us", "µs", "ms", "s", "m", "h"]
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, Double(number) != nil else { return nil }
            rest = rest.dropFirst(number.count)
            // Longest unit first, so "ms" is not read as "m" followed by "s".
            guard let unit = units.sorted(by: { $0.count > $1.count }).first(where: { rest.hasPrefix($0) }) else {
                return nil
            }
            rest = rest.dropFirst(unit.count)
        }
        return .string(text)
    }
}
