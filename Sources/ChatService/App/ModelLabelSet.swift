import Synchronization

/// The values the `model` label of `/metrics` may take: every model name a caller sends that an
/// upstream accepts would otherwise become a new time series (a 100,000-character name went into
/// `/metrics` whole). The first `limit` distinct names of at most `maxLength` characters keep
/// their own label; any other name is counted as `other`.
final class ModelLabelSet: Sendable {
    static let other = "other"
    let limit: Int
    let maxLength: Int
    private let known = Mutex<Set<String>>([])

    init(limit: Int = 64, maxLength: Int = 128) {
        self.limit = limit
        self.maxLength = maxLength
    }

    func label(for model: String) -> String {
        guard model.utf8.count <= maxLength, !model.isEmpty else { return Self.other }
        return known.withLock { known in
            if known.contains(model) { return model }
            guard known.count < limit else { return Self.other }
            known.insert(model)
            return model
        }
    }
}
