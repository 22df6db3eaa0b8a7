import Synchronization

/// Whether MongoDB is refusing the service's writes right now (bad credentials, missing
/// privileges, invalid namespace) and why: a state distinct from "down", because waiting does not
/// end it. The shipper sets and clears it; `/ready` reports it (503) while it lasts.
public final class MongoWriteRefusal: Sendable {
    private let reason = Mutex<String?>(nil)

    public init() {}

    /// Why MongoDB refuses the writes, or `nil` while it takes them (or is merely unreachable).
    public var current: String? { reason.withLock { $0 } }

    /// Records the refusal; returns true when this starts it (so it is logged once).
    @discardableResult
    func set(_ error: PersistenceError) -> Bool {
        reason.withLock { reason in
            defer { reason = error.description }
            return reason == nil
        }
    }

    /// MongoDB took a write again; returns true when a refusal ended.
    @discardableResult
    func clear() -> Bool {
        reason.withLock { reason in
            defer { reason = nil }
            return reason != nil
        }
    }
}
