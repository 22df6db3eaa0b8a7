import Foundation
import Providers

/// Typed reads of environment variables, each failure naming its variable, so every variable is
/// parsed and judged the same way.
struct EnvironmentReader {
    let values: [String: String]

    init(_ values: [String: String]) { self.values = values }

    func string(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                variable: name,
                reason: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    func milliseconds(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Duration? {
        try integer(name, in: range).map { .milliseconds($0) }
    }

    func httpURL(_ name: String) throws(ConfigurationError) -> String? {
        guard let text = string(name) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            throw ConfigurationError(variable: name, reason: "must be an http:// or https:// URL, got \"\(text)\"")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    func providerList(_ name: String) throws(ConfigurationError) -> [ProviderName]? {
        guard let text = string(name) else { return nil }
        var result: [ProviderName] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let provider = ProviderName(rawValue: item) else {
                throw ConfigurationError(
                    variable: name,
                    reason:
                        "lists \"\(item)\", which is not a provider name (letters, digits, - and _, starting with a letter), got \"\(text)\""
                )
            }
            guard !result.contains(where: { $0.environmentPrefix == provider.environmentPrefix }) else {
                throw ConfigurationError(
                    variable: name,
                    reason:
                        "lists \"\(item)\" twice (or two names sharing \(provider.environmentPrefix)_*), got \"\(text)\""
                )
            }
            result.append(provider)
        }
        return result
    }
}
