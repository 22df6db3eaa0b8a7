import Foundation
import Persistence
import Synchronization

/// Remembers recent key lookups for a few seconds so an authenticated request does not cost a
/// database read, while a revocation still takes effect within `timeToLive` on every replica
/// (and at once on the replica that revoked it).
final class APIKeyCache: Sendable {
    private struct Entry {
        var record: APIKeyRecord?
        var expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    let timeToLive: Duration
    /// Bounds memory when callers spray random keys.
    let capacity: Int

    init(timeToLive: Duration = .seconds(5), capacity: Int = 10_000) {
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    enum Lookup {
        case hit(APIKeyRecord?)
        case miss
    }

    func lookup(keyHash: String, now: ContinuousClock.Instant = .now) -> Lookup {
        entries.withLock { entries in
            guard let entry = entries[keyHash] else { return .miss }
            guard entry.expires > now else {
                entries[keyHash] = nil
                return .miss
            }
            return .hit(entry.record)
        }
    }

    func store(keyHash: String, record: APIKeyRecord?, now: ContinuousClock.Instant = .now) {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[keyHash] = Entry(record: record, expires: now + timeToLive)
        }
    }

    /// Drops every cached lookup of the key with `id` (after a revocation on this replica).
    func forget(keyId: String) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.record?.id != keyId }
        }
    }
}
