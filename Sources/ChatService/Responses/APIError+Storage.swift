import HTTPTypes
import Persistence

extension APIError {
    /// 503 `storage_unavailable` with `Retry-After: 5` for a MongoDB read or write a route
    /// needs right now, e.g. `.storageUnavailable("keys could not be read", error)`.
    static func storageUnavailable(_ what: String, _ error: PersistenceError) -> APIError {
        APIError(
            status: .serviceUnavailable, code: "storage_unavailable",
            message: "\(what) (MongoDB: \(error.message))", retryAfter: .seconds(5))
    }
}
