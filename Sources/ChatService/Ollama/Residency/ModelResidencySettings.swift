import Providers

/// How the gateway treats Ollama's models (SPEC §2, §7): which stay loaded, which may only be
/// loaded one at a time, and the `keep_alive` a native request gets when it sends none.
public struct ModelResidencySettings: Sendable {
    /// `ALWAYS_ON_MODELS`: loaded at start-up with `keep_alive: -1` and re-loaded whenever
    /// `/api/ps` stops listing them.
    public var alwaysOnModels: [String]
    /// `HEAVY_MODELS`: names or `*` patterns; at most one model they match is resident.
    public var heavyModels: [String]
    /// `OLLAMA_KEEP_ALIVE`: passed as `keep_alive` on every Ollama request that sets none (a
    /// number of seconds, or a Go duration such as `10m`, `-1`), `nil` = Ollama's own default.
    public var keepAlive: JSONValue?
    /// How often `/api/ps` is read to put back an always-on model that disappeared.
    public var watchInterval: Duration
    /// How often `/api/ps` is read while waiting for an unloaded heavy model to leave memory.
    public var unloadPollInterval: Duration

    public init(
        alwaysOnModels: [String] = [], heavyModels: [String] = [], keepAlive: JSONValue? = nil,
        watchInterval: Duration = .seconds(10), unloadPollInterval: Duration = .milliseconds(250)
    ) {
        self.alwaysOnModels = alwaysOnModels
        self.heavyModels = heavyModels
        self.keepAlive = keepAlive
        self.watchInterval = watchInterval
        self.unloadPollInterval = unloadPollInterval
    }

    /// The `HEAVY_MODELS` entries as patterns.
    var heavyPatterns: [ModelNamePattern] { heavyModels.map(ModelNamePattern.init) }

    func isHeavy(_ model: String) -> Bool { heavyPatterns.matchesAny(model) }

    func isAlwaysOn(_ model: String) -> Bool {
        alwaysOnModels.contains { ModelNamePattern.sameModel($0, model) }
    }
}
