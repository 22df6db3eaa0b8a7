import Providers
import Testing

@Suite("ProviderError")
struct ProviderErrorTests {
    @Test(
        "only transient failures are retryable",
        arguments: [
            (ProviderError.Kind.timeout, true), (.connect, true),
            (.http(status: 408), true), (.http(status: 429), true), (.http(status: 500), true),
            (.http(status: 502), true), (.http(status: 503), true), (.http(status: 504), true),
            (.http(status: 400), false), (.http(status: 401), false), (.http(status: 403), false),
            (.http(status: 404), false), (.http(status: 501), false),
            (.invalidResponse, false), (.cancelled, false),
        ]
    )
    func retryableTable(kind: ProviderError.Kind, retryable: Bool) {
        #expect(ProviderError(kind: kind, message: "x").isRetryable == retryable)
    }

    @Test("status labels match the SPEC's attempts[].status values")
    func statusLabels() {
        #expect(ProviderError.Kind.http(status: 503).statusLabel == "503")
        #expect(ProviderError.Kind.timeout.statusLabel == "timeout")
        #expect(ProviderError.Kind.connect.statusLabel == "connect")
        #expect(ProviderAttempt(provider: .gemini, model: "m", error: nil, latency: .zero).statusLabel == "200")
    }
}
