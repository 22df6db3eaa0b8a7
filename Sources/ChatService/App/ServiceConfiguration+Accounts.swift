extension ServiceConfiguration {
    /// Reads `ALLOW_REGISTRATION` (SPEC §8) and `RATE_LIMIT_WINDOW_SECONDS` from `environment`.
    ///
    /// `RATE_LIMIT_WINDOW_SECONDS` (default 60) is for tests only: it shortens the window that
    /// `requestsPerMinute`/`tokensPerMinute` and the failed-login count use, so a test can watch a
    /// window end without waiting a minute. The limits keep their numbers (100 per minute becomes
    /// 100 per window), and start-up logs a warning when it is not 60.
    mutating func readAccountsAndLimits(_ environment: [String: String]) throws(ConfigurationError) {
        if let text = environment["ALLOW_REGISTRATION"], !text.isEmpty {
            switch text.lowercased() {
            case "true", "1", "yes", "on": allowRegistration = true
            case "false", "0", "no", "off": allowRegistration = false
            default:
                throw ConfigurationError(
                    variable: "ALLOW_REGISTRATION", reason: "must be true or false, got \"\(text)\"")
            }
        }
        if allowRegistration, adminAPIKey == nil {
            throw ConfigurationError(
                variable: "ALLOW_REGISTRATION",
                reason: "needs ADMIN_API_KEY (accounts issue client keys, which need keys on)")
        }
        if let text = environment["RATE_LIMIT_WINDOW_SECONDS"], !text.isEmpty {
            guard let seconds = Int(text), (1...3600).contains(seconds) else {
                throw ConfigurationError(
                    variable: "RATE_LIMIT_WINDOW_SECONDS",
                    reason: "must be a whole number from 1 to 3600, got \"\(text)\"")
            }
            limitWindow = .seconds(seconds)
        }
    }
}
