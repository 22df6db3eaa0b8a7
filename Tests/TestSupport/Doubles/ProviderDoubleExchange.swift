/// How the double's answer to one generation request went on the wire, so tests can see that a
/// stream was delivered piece by piece and that a client hung up early (`closedByClient`).
public struct ProviderDoubleExchange: Sendable, Codable, Equatable {
    /// The protocol the request spoke.
    public var route: ProviderDoubleRoute
    /// The request target, query included.
    public var uri: String
    /// Body chunks in the reply (one per streamed event or line).
    public var totalChunks: Int
    /// Body chunks written so far.
    public var chunksWritten: Int
    /// The whole reply was written.
    public var completed: Bool
    /// The client closed the connection before the reply was complete.
    public var closedByClient: Bool

    public init(
        route: ProviderDoubleRoute, uri: String, totalChunks: Int, chunksWritten: Int = 0, completed: Bool = false,
        closedByClient: Bool = false
    ) {
        self.route = route
        self.uri = uri
        self.totalChunks = totalChunks
        self.chunksWritten = chunksWritten
        self.completed = completed
        self.closedByClient = closedByClient
    }
}
