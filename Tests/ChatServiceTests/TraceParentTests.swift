import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ChatService

@Suite("W3C traceparent and the document's traceId")
struct TraceParentTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"

    @Test("a valid version-00 traceparent gives its trace id and parent id")
    func parsesVersionZero() {
        let parsed = TraceParent(header: "00-\(Self.traceID)-00f067aa0ba902b7-01")
        #expect(parsed == TraceParent(header: "00-\(Self.traceID)-00f067aa0ba902b7-00"))
        #expect(parsed?.traceID == Self.traceID)
        #expect(parsed?.parentID == "00f067aa0ba902b7")
    }

    @Test(
        "a malformed traceparent is ignored, as the W3C specification asks",
        arguments: [
            "", "00", "00-\(traceID)-00f067aa0ba902b7", "00-\(traceID.uppercased())-00f067aa0ba902b7-01",
            "00-\(String(repeating: "0", count: 32))-00f067aa0ba902b7-01", "00-\(traceID)-0000000000000000-01",
            "ff-\(traceID)-00f067aa0ba902b7-01", "00-\(traceID)-00f067aa0ba902b7-01-extra",
            "00-\(traceID)x-00f067aa0ba902b7-01", "00-zz-not-a-trace-01", "0-\(traceID)-00f067aa0ba902b7-01",
        ])
    func ignoresMalformed(header: String) {
        #expect(TraceParent(header: header) == nil)
    }

    @Test("a later version may carry more fields after the flags")
    func laterVersion() {
        #expect(TraceParent(header: "01-\(Self.traceID)-00f067aa0ba902b7-01-future")?.traceID == Self.traceID)
    }

    @Test("traces are exported only when an OTLP endpoint is named and the SDK is not disabled")
    func exportSwitch() {
        #expect(!TraceExport.isRequested(by: [:]))
        #expect(!TraceExport.isRequested(by: ["OTEL_EXPORTER_OTLP_ENDPOINT": "  "]))
        #expect(TraceExport.isRequested(by: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]))
        #expect(TraceExport.isRequested(by: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"]))
        #expect(
            !TraceExport.isRequested(by: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "TRUE",
            ]))
    }

    @Test("the caller's trace id is stored as traceId; without a valid traceparent the field is absent")
    func storedOnTheDocument() async throws {
        try await ChatServiceHarness.run { harness, client in
            let traced = try await client.postChat(
                #"{"userId":"traced","prompt":"hi"}"#,
                headers: [HTTPField.Name("traceparent")!: "00-\(Self.traceID)-00f067aa0ba902b7-01"])
            #expect(traced.status == .ok)
            let plain = try await client.postChat(
                #"{"userId":"plain","prompt":"hi"}"#, headers: [HTTPField.Name("traceparent")!: "garbage"])
            #expect(plain.status == .ok)
            let tracedID = try #require(try traced.json()["id"] as? String)
            let plainID = try #require(try plain.json()["id"] as? String)
            #expect(try await harness.storedDocument(id: tracedID)["traceId"] as? String == Self.traceID)
            #expect(try await harness.storedDocument(id: plainID)["traceId"] == nil)
        }
    }
}
