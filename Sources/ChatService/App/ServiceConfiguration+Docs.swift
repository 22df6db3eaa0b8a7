/// `DOCS` (SPEC §2): whether the service shows its API documentation (`/docs`, `/openapi.yaml`).
/// As seed 002 did, a service that runs with keys (production) hides it unless told otherwise.
extension ServiceConfiguration {
    /// `DOCS` when set, else on unless `ADMIN_API_KEY` is set.
    public var servesDocs: Bool { docs ?? (adminAPIKey == nil) }

    /// `DOCS`'s value: `on`/`off` (also `true`/`false`, `1`/`0`, `yes`/`no`); nil when unset.
    static func docsSwitch(_ text: String?) throws(ConfigurationError) -> Bool? {
        guard let text else { return nil }
        switch text.lowercased() {
        case "on", "true", "1", "yes": return true
        case "off", "false", "0", "no": return false
        default: throw ConfigurationError(variable: "DOCS", reason: "must be on or off, got \"\(text)\"")
        }
    }
}
