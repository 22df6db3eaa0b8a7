/// Why a `MongoTestServer` could not be started or controlled; the message says what to fix.
public enum MongoTestServerError: Error, CustomStringConvertible {
    case executableNotFound(String)
    case socket(String)
    case spawnFailed(String)
    case didNotStart(String)

    public var description: String {
        switch self {
        case .executableNotFound(let text), .socket(let text), .spawnFailed(let text), .didNotStart(let text):
            return text
        }
    }
}
