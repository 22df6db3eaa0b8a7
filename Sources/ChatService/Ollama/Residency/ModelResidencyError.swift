/// Why the gateway could not make a model resident for a request or a preload: Ollama refused or
/// could not be reached while unloading or loading (502), or a model stayed in memory, or the
/// queue of heavy requests did not move, until the request's deadline (504); or the caller left.
struct ModelResidencyError: Error, Equatable, CustomStringConvertible {
    enum Kind: Equatable {
        case upstreamFailed
        case timedOut
        /// The caller went away while it waited.
        case cancelled
    }

    var kind: Kind
    var message: String
    /// The HTTP status Ollama answered with, when it refused.
    var upstreamStatus: Int?

    var description: String { message }
}
