import Persistence

extension Interaction {
    /// The stored outcome of a call whose client closed the connection before its answer was
    /// sent (SPEC §4 `status: "error"`): the upstream request was cancelled, and whatever
    /// answer already existed is kept in `response`.
    mutating func markClientDisconnected(_ message: String) {
        status = .error
        error = InteractionError(code: Self.clientDisconnectedCode, message: message)
    }

    static let clientDisconnectedCode = "client_disconnected"
}
