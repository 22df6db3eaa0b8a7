import Providers

/// One configured provider as the service builds it: its name (what `PROVIDERS` lists and what
/// documents store), its kind (which wire format), and where and how to reach it (SPEC §2
/// `<NAME>_*`). Exists so the chain is built from one list, whatever variables each came from.
public struct ProviderSettings: Sendable, Equatable {
    public var name: ProviderName
    public var kind: ProviderKind
    /// Without a trailing slash; for `openai` it includes `/v1`, for `azure` it is the resource
    /// (`https://{resource}.openai.azure.com`).
    public var baseURL: String
    public var apiKey: String?
    /// The default model; for `azure`, the deployment.
    public var model: String
    /// `azure` only: the `api-version` query parameter.
    public var apiVersion: String

    public init(
        name: ProviderName, kind: ProviderKind, baseURL: String, apiKey: String? = nil, model: String,
        apiVersion: String = OpenAIDialect.defaultAzureAPIVersion
    ) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
        self.apiVersion = apiVersion
    }
}
