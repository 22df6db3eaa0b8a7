import Foundation

extension ServiceConfiguration {
    /// How the gateway fetches http(s) `image_url`s (issue 15): at most `maxBytes` each, within
    /// `timeout`, and never from a private, loopback or link-local address unless
    /// `allowPrivateAddresses` (tests turn it on for their loopback double).
    public struct ImageFetchSettings: Sendable, Equatable {
        /// `IMAGE_FETCH_MAX_BYTES`, default 10 MiB.
        public var maxBytes: Int
        /// `IMAGE_FETCH_TIMEOUT_MS`, default 10 s.
        public var timeout: Duration
        /// `IMAGE_FETCH_ALLOW_PRIVATE`, default false.
        public var allowPrivateAddresses: Bool

        public init(maxBytes: Int = 10 << 20, timeout: Duration = .seconds(10), allowPrivateAddresses: Bool = false) {
            self.maxBytes = maxBytes
            self.timeout = timeout
            self.allowPrivateAddresses = allowPrivateAddresses
        }

        /// Reads the three variables; a bad value names its variable.
        public init(environment: [String: String]) throws(ConfigurationError) {
            self.init()
            func value(_ name: String) -> String? {
                environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            }
            if let text = value("IMAGE_FETCH_MAX_BYTES") {
                guard let bytes = Int(text), (1...(1 << 30)).contains(bytes) else {
                    throw ConfigurationError(
                        variable: "IMAGE_FETCH_MAX_BYTES",
                        reason: "must be a whole number of bytes from 1 to 1 GiB, got \"\(text)\"")
                }
                maxBytes = bytes
            }
            if let text = value("IMAGE_FETCH_TIMEOUT_MS") {
                guard let milliseconds = Int(text), (1...600_000).contains(milliseconds) else {
                    throw ConfigurationError(
                        variable: "IMAGE_FETCH_TIMEOUT_MS", reason: "must be 1 to 600000 milliseconds, got \"\(text)\"")
                }
                timeout = .milliseconds(milliseconds)
            }
            if let text = value("IMAGE_FETCH_ALLOW_PRIVATE") {
                switch text.lowercased() {
                case "true", "1", "yes": allowPrivateAddresses = true
                case "false", "0", "no": allowPrivateAddresses = false
                default:
                    throw ConfigurationError(
                        variable: "IMAGE_FETCH_ALLOW_PRIVATE", reason: "must be true or false, got \"\(text)\"")
                }
            }
        }
    }
}
