import Foundation
import Synchronization

/// The double's model memory, simulated as Ollama keeps it (protocols.md §2.2, §2.5): a model is
/// loaded on first use (which takes `loadTime`), stays for its `keep_alive` (default 5 minutes,
/// negative = forever), leaves `unloadTime` after a `keep_alive: 0` request, and `/api/ps` lists
/// the loaded ones. It records every load and unload and the most heavy models (names matching
/// `heavyPatterns`) that were in memory at once, so a test can prove a gateway never let two
/// heavy models fight for VRAM.
public final class OllamaResidencySimulator: Sendable {
    /// What the simulated server does; change it while it runs with `configure`.
    public struct Settings: Sendable {
        /// How long a load takes: a request for a model not in memory is answered this much later,
        /// and `/api/ps` lists the model from then on.
        public var loadTime: Duration
        /// How long a model stays listed (and in memory) after a `keep_alive: 0` request.
        public var unloadTime: Duration
        /// Names or `*` patterns of the models counted as heavy.
        public var heavyPatterns: [String]
        /// Bytes each model takes in memory, as `/api/ps` reports it.
        public var modelSize: Int64

        public init(
            loadTime: Duration = .zero, unloadTime: Duration = .zero, heavyPatterns: [String] = [],
            modelSize: Int64 = 2_019_393_189
        ) {
            self.loadTime = loadTime
            self.unloadTime = unloadTime
            self.heavyPatterns = heavyPatterns
            self.modelSize = modelSize
        }
    }

    /// One model in memory (or on its way in or out).
    private struct Resident {
        var listedFrom: ContinuousClock.Instant
        /// When it leaves memory: set by an unload, or by its keep-alive running out.
        var goneAt: ContinuousClock.Instant?
    }

    private struct State {
        var settings = Settings()
        var residents: [String: Resident] = [:]
        var loads: [String] = []
        var unloads: [String] = []
        var maxHeavyResident = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Changes what the simulated server does from now on.
    public func configure(_ change: (inout Settings) -> Void) {
        state.withLock { change(&$0.settings) }
    }

    /// The most heavy models that were in memory at the same moment so far.
    public var maxHeavyResidentAtOnce: Int { state.withLock { $0.maxHeavyResident } }

    /// Every load, oldest first (canonical names, `m:latest`).
    public var loads: [String] { state.withLock { $0.loads } }

    /// Every unload request for a model in memory, oldest first.
    public var unloads: [String] { state.withLock { $0.unloads } }

    /// What `/api/ps` lists right now.
    public var listed: [String] {
        let now = ContinuousClock.now
        return state.withLock { state in Self.listed(in: state, at: now) }
    }

    /// Unloads `model` at once, as `ollama stop` on the server would, behind the gateway's back.
    public func unloadExternally(_ model: String) {
        let name = Self.canonical(model)
        state.withLock { state in
            guard state.residents[name] != nil else { return }
            state.residents[name] = nil
            state.unloads.append(name)
        }
    }

    /// Applies one answered request for `model` (`keepAlive` as sent) and returns how much later
    /// the answer may go out: the rest of the model's load time when it is not in memory yet.
    func handle(model: String, keepAlive: Any?) -> Duration {
        let name = Self.canonical(model)
        let now = ContinuousClock.now
        let keep = Self.keepAlive(keepAlive)
        return state.withLock { state in
            Self.forgetDeparted(&state, at: now)
            if keep == .zero {
                // An unload never keeps a model longer than its keep-alive already would.
                if var resident = state.residents[name] {
                    let leaving = now + state.settings.unloadTime
                    resident.goneAt = resident.goneAt.map { min($0, leaving) } ?? leaving
                    state.residents[name] = resident
                    state.unloads.append(name)
                }
                return .zero
            }
            var resident =
                state.residents[name]
                ?? {
                    state.loads.append(name)
                    return Resident(listedFrom: now + state.settings.loadTime)
                }()
            let ready = max(resident.listedFrom, now)
            resident.goneAt = keep.map { ready + $0 }
            state.residents[name] = resident
            if Self.isHeavy(name, state.settings.heavyPatterns) {
                let heavy = state.residents.filter { Self.isHeavy($0.key, state.settings.heavyPatterns) }.count
                state.maxHeavyResident = max(state.maxHeavyResident, heavy)
            }
            return ready - now
        }
    }

    /// `/api/ps`' `models` array.
    func runningModels() -> [[String: Any]] {
        let now = ContinuousClock.now
        return state.withLock { state in
            Self.listed(in: state, at: now).map { name -> [String: Any] in
                let expires = state.residents[name]?.goneAt.map { Date().addingTimeInterval(Self.seconds($0 - now)) }
                return [
                    "name": name, "model": name, "size": state.settings.modelSize,
                    "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
                    "details": ["format": "gguf", "family": "llama", "quantization_level": "Q4_K_M"],
                    "expires_at": (expires ?? Date(timeIntervalSinceNow: 3_153_600_000)).formatted(.iso8601),
                    "size_vram": state.settings.modelSize, "context_length": 4096,
                ]
            }
        }
    }

    private static func listed(in state: State, at now: ContinuousClock.Instant) -> [String] {
        state.residents.filter { $0.value.listedFrom <= now && ($0.value.goneAt.map { $0 > now } ?? true) }
            .keys.sorted()
    }

    /// Drops the models whose unload or keep-alive has run out.
    private static func forgetDeparted(_ state: inout State, at now: ContinuousClock.Instant) {
        state.residents = state.residents.filter { $0.value.goneAt.map { $0 > now } ?? true }
    }

    /// `keep_alive` as Ollama reads it: a number is seconds, a string a Go duration; negative is
    /// forever (`nil`), absent is 5 minutes.
    static func keepAlive(_ value: Any?) -> Duration? {
        let seconds: Double
        switch value {
        case nil, is NSNull: return .seconds(300)
        case let number as NSNumber: seconds = number.doubleValue
        case let text as String: seconds = goDurationSeconds(text) ?? 300
        default: return .seconds(300)
        }
        if seconds < 0 { return nil }
        return .milliseconds(Int64(seconds * 1000))
    }

    /// `300ms`, `1.5h`, `2h45m`, `-1m`, or a bare number of seconds.
    private static func goDurationSeconds(_ text: String) -> Double? {
        if let plain = Double(text) { return plain }
        var rest = Substring(text)
        let sign: Double = rest.first == "-" ? -1 : 1
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        let units: [(String, Double)] = [("ms", 0.001), ("us", 1e-6), ("ns", 1e-9), ("h", 3600), ("m", 60), ("s", 1)]
        var total = 0.0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard let number = Double(digits),
                let unit = units.first(where: { rest.dropFirst(digits.count).hasPrefix($0.0) })
            else { return nil }
            total += number * unit.1
            rest = rest.dropFirst(digits.count + unit.0.count)
        }
        return sign * total
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) * 1e-18
    }

    /// `llama3.2` → `llama3.2:latest`, as Ollama names models.
    static func canonical(_ name: String) -> String {
        (name.split(separator: "/").last ?? Substring(name)).contains(":") ? name : name + ":latest"
    }

    /// Whether `name` matches one of `patterns` (`*` = any run of characters).
    static func isHeavy(_ name: String, _ patterns: [String]) -> Bool {
        patterns.contains { pattern in
            let full = pattern.contains("*") ? pattern : canonical(pattern)
            let regex =
                "^"
                + full.split(separator: "*", omittingEmptySubsequences: false)
                .map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: ".*") + "$"
            return name.range(of: regex, options: .regularExpression) != nil
        }
    }
}
