import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Providers
import TestSupport
import Testing

@Suite("GET /metrics")
struct MetricsTests {
    /// The value of the sample line that starts with `prefix` (name and labels), or nil.
    static func value(_ text: String, _ prefix: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            if let last = line.split(separator: " ").last, let value = Double(last) { return value }
        }
        return nil
    }

    @Test(
        "counters move with traffic: requests, provider attempts, retries, fallbacks, failures, tokens, MongoDB writes, spool"
    )
    func countersMove() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            let before = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(Self.value(before, #"chat_http_requests_total{route="/v1/chat""#) == nil)

            harness.double.script([.success(text: "hi", promptTokens: 3, completionTokens: 2)], for: .gemini)
            #expect(try await client.postChat(#"{"userId":"m","prompt":"one"}"#).status == .ok)
            harness.double.script([.error(status: 503), .error(status: 400)], for: .gemini)
            #expect(try await client.postChat(#"{"userId":"m","prompt":"two"}"#).status == .ok)
            #expect(try await client.postChat(#"{"userId":"m"}"#).status == .badRequest)

            // The answers went out once MongoDB acknowledged their documents; the shipper updates
            // its figures (documents stored, records in the log) just after, which a loaded CI run
            // once saw before the scrape. Scrape until they are in (10 s at most), then check all.
            var response = try await client.execute(uri: "/metrics", method: .get)
            let shippingDeadline = ContinuousClock.now + .seconds(10)
            while Self.value(String(buffer: response.body), "chat_spool_records") != 0
                || Self.value(String(buffer: response.body), "chat_mongodb_documents_stored_total") != 2,
                ContinuousClock.now < shippingDeadline
            {
                try await Task.sleep(for: .milliseconds(20))
                response = try await client.execute(uri: "/metrics", method: .get)
            }
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: response.body)
            #expect(Self.value(text, #"chat_http_requests_total{route="/v1/chat",method="POST",status="200"}"#) == 2)
            #expect(Self.value(text, #"chat_http_requests_total{route="/v1/chat",method="POST",status="400"}"#) == 1)
            #expect(Self.value(text, #"chat_provider_attempts_total{provider="gemini",status="200"}"#) == 1)
            #expect(Self.value(text, #"chat_provider_attempts_total{provider="gemini",status="503"}"#) == 1)
            #expect(Self.value(text, #"chat_provider_attempts_total{provider="gemini",status="400"}"#) == 1)
            #expect(Self.value(text, #"chat_provider_retries_total{provider="gemini"}"#) == 1)
            #expect(Self.value(text, #"chat_provider_failures_total{provider="gemini"}"#) == 2)
            #expect(Self.value(text, #"chat_provider_fallbacks_total{provider="ollama"}"#) == 1)
            #expect(
                Self.value(text, #"chat_tokens_total{provider="gemini",model="gemini-2.0-flash",kind="prompt"}"#) == 3)
            #expect(
                Self.value(text, #"chat_tokens_total{provider="gemini",model="gemini-2.0-flash",kind="completion"}"#)
                    == 2)
            #expect(Self.value(text, "chat_mongodb_documents_stored_total") == 2)
            #expect((Self.value(text, "chat_mongodb_batch_size_count") ?? 0) >= 1)
            #expect((Self.value(text, #"chat_http_request_duration_seconds_count{route="/v1/chat"}"#) ?? 0) == 3)
            #expect(Self.value(text, "chat_spool_records") == 0)
            #expect(text.contains("# HELP chat_upstream_duration_seconds"))
        }
    }
}
