import CMongoc

extension MongoError {
    /// Server error codes meaning "this server will not take our writes until someone changes its
    /// configuration or ours": Unauthorized, AuthenticationFailed, InvalidNamespace.
    public static let refusalServerCodes: Set<UInt32> = [13, 18, 73]

    /// True when MongoDB refuses the service itself (bad credentials, missing privileges, an
    /// invalid namespace), as opposed to being unreachable for a while or rejecting one document:
    /// retrying does not help until an operator acts (issue 14 row 6).
    public var isRefusal: Bool {
        if domain == MONGOC_ERROR_CLIENT.rawValue && mongoCode == MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue {
            return true
        }
        if domain == MONGOC_ERROR_SERVER.rawValue || domain == MONGOC_ERROR_WRITE_CONCERN.rawValue {
            return Self.refusalServerCodes.contains(mongoCode)
        }
        // Server selection that failed because the handshake's authentication failed.
        return domain == MONGOC_ERROR_SERVER_SELECTION.rawValue && message.contains("Authentication failed")
    }
}
