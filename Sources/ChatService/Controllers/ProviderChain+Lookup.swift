import Providers

extension ProviderChain {
    /// The configured default model of `provider` ("" when it is not configured).
    func defaultModel(of provider: ProviderName) -> String {
        providers.first { $0.name == provider }?.defaultModel ?? ""
    }
}

extension ChainResult {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
