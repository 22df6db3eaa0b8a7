import Synchronization

/// Lets connection handlers reach the `ProviderDouble` that is created only after its socket is
/// bound; set once, right after binding.
final class ProviderDoubleReference: Sendable {
    private let double = Mutex<ProviderDouble?>(nil)

    func set(_ value: ProviderDouble) {
        double.withLock { $0 = value }
    }

    var value: ProviderDouble? {
        double.withLock { $0 }
    }
}
