/// The name of one configured provider (SPEC §2): an entry of `PROVIDERS` such as `gemini`,
/// `azure-west` or `ollama-gpu`.
///
/// A name is not a kind: two Azure regions are two names of kind `azure`. It exists as its own
/// type so a name is never confused with a model or a kind, and so only names that can become
/// environment-variable prefixes (`azure-west` → `AZURE_WEST_*`) are ever accepted.
public struct ProviderName: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// `nil` unless `rawValue` is lower-case ASCII letters, digits, `-` and `_`, starting with a
    /// letter, at most 64 characters.
    public init?(rawValue: String) {
        guard let first = rawValue.unicodeScalars.first, ("a"..."z").contains(first), rawValue.count <= 64,
            rawValue.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            })
        else { return nil }
        self.rawValue = rawValue
    }

    private init(known: String) { rawValue = known }

    /// The provider named after the Gemini kind (`GEMINI_*`).
    public static let gemini = ProviderName(known: "gemini")
    /// The provider named after the Ollama kind (`OLLAMA_*`).
    public static let ollama = ProviderName(known: "ollama")
    /// The provider named after the OpenAI-compatible kind (`OPENAI_*`).
    public static let openai = ProviderName(known: "openai")

    /// The prefix of this provider's variables: upper-cased, `-` → `_` (`azure-west` → `AZURE_WEST`).
    public var environmentPrefix: String {
        String(rawValue.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// The kind a provider has when `<NAME>_KIND` is not set: the kind spelled like the name, if any.
    public var impliedKind: ProviderKind? { ProviderKind(rawValue: rawValue) }

    public var description: String { rawValue }

    public static func < (lhs: ProviderName, rhs: ProviderName) -> Bool { lhs.rawValue < rhs.rawValue }
}
