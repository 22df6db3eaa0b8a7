/// Which wire protocol a request to the `ProviderDouble` spoke, so a scripted behaviour can be
/// aimed at one provider while several share the double.
public enum ProviderDoubleRoute: String, Sendable, Codable, CaseIterable {
    /// `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent`.
    case gemini
    /// `POST /api/chat`.
    case ollama
    /// `POST /v1/chat/completions`.
    case openai
    /// `POST /openai/deployments/{deployment}/chat/completions?api-version=…` (protocols.md §5),
    /// and the same deployment paths for embeddings and images.
    case azure
}
