import HTTPTypes
import Persistence

extension APIError {
    /// 503 `storage_unavailable` with `Retry-After: 5`: the one constructor for every failure to
    /// read or write what a route needs, e.g. `.storageUnavailable("keys could not be read", error)`.
    /// The message names the cause the caller can act on: MongoDB's error, or MongoDB being
    /// unreachable with the spool full or unwritable.
    static func storageUnavailable(_ what: String, _ error: PersistenceError) -> APIError {
        let cause =
            error.isSpoolRefusal
            ? "MongoDB is unreachable and the spool cannot take more interactions: \(error.message)"
            : "MongoDB: \(error.message)"
        return APIError(
            status: .serviceUnavailable, code: "storage_unavailable", message: "\(what) (\(cause)); retry later",
            retryAfter: .seconds(5))
    }
}
