import Foundation

/// One model a provider can serve, normalised from Ollama's `/api/tags`, Gemini's `models.list`
/// and OpenAI's `/models`, so `GET /v1/models` can list the union without knowing wire formats.
public struct ProviderModel: Sendable, Equatable, Hashable {
    /// The id to put in a request's `model` (Gemini's without the `models/` prefix).
    public var id: String
    /// When the model was created or last modified, if the provider says.
    public var created: Date?
    /// Who publishes it: OpenAI's `owned_by`, Ollama's namespace (`library` by default), `google`.
    public var ownedBy: String

    public init(id: String, created: Date?, ownedBy: String) {
        self.id = id
        self.created = created
        self.ownedBy = ownedBy
    }
}
