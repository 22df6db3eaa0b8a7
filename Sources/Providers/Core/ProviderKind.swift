/// Which wire format a provider speaks (SPEC §2 `<NAME>_KIND`), apart from what it is called, so
/// code that depends on the protocol (model residency, free local models, URL shapes) asks the
/// kind and code that reports or routes asks the name.
public enum ProviderKind: String, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    /// Google Gemini `v1beta` (protocols.md §1).
    case gemini
    /// Ollama's native API (protocols.md §2).
    case ollama
    /// An OpenAI-compatible server (protocols.md §3).
    case openai
    /// Azure OpenAI deployments (protocols.md §5).
    case azure

    public var description: String { rawValue }
}
