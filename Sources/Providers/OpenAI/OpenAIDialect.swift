/// How an OpenAI-wire provider addresses its server (protocols.md §3 and §5), so Azure OpenAI
/// reuses every body, stream and error reader of `OpenAIProvider` and differs only here.
public enum OpenAIDialect: Sendable, Equatable {
    /// `{base}/chat/completions` (the base includes `/v1`), key in `Authorization: Bearer`.
    case openAI
    /// `{base}/openai/deployments/{deployment}/chat/completions?api-version=…`, key in `api-key`;
    /// the deployment (the model the chain asks for) picks the model.
    case azure(apiVersion: String)

    /// The `api-version` Azure's GA REST reference documents (SPEC §2 `<NAME>_API_VERSION` default).
    public static let defaultAzureAPIVersion = "2024-10-21"

    /// The provider kind this dialect is.
    var kind: ProviderKind {
        switch self {
        case .openAI: .openai
        case .azure: .azure
        }
    }
}
