import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

@Suite("ProviderDouble")
struct ProviderDoubleTests {
    private func post(
        _ fixture: DoubleFixture, _ path: String, headers: [(String, String)] = [], body: String
    ) async throws -> (status: Int, headers: [String: String], body: String) {
        var request = HTTPClientRequest(url: fixture.double.baseURL + path)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await fixture.httpClient.execute(request, timeout: .seconds(5))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        var headerMap: [String: String] = [:]
        for (name, value) in response.headers { headerMap[name.lowercased()] = value }
        return (Int(response.status.code), headerMap, String(buffer: bytes))
    }

    @Test("a Gemini request without a key gets 403 PERMISSION_DENIED")
    func geminiMissingKey() async throws {
        try await DoubleFixture.with { fixture in
            let answer = try await post(
                fixture, "/v1beta/models/gemini-2.0-flash:generateContent", body: #"{"contents":[]}"#)
            #expect(answer.status == 403)
            #expect(answer.body.contains(#""status":"PERMISSION_DENIED""#))
        }
    }

    @Test("Gemini streams SSE data lines with cumulative usage and no DONE sentinel")
    func geminiStream() async throws {
        try await DoubleFixture.with { fixture in
            let answer = try await post(
                fixture, "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
                headers: [("x-goog-api-key", DoubleFixture.geminiKey)],
                body: #"{"contents":[{"role":"user","parts":[{"text":"one two"}]}]}"#
            )
            #expect(answer.headers["content-type"] == "text/event-stream")
            let events = answer.body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.count == 3)
            #expect(events.allSatisfy { $0.hasPrefix("data: {") })
            #expect(!answer.body.contains("[DONE]"))
            #expect(events.last?.contains(#""finishReason":"STOP""#) == true)
        }
    }

    @Test("Ollama streams NDJSON by default and ends with a done line")
    func ollamaStreamsByDefault() async throws {
        try await DoubleFixture.with { fixture in
            let answer = try await post(
                fixture, "/api/chat", body: #"{"model":"llama3.2","messages":[{"role":"user","content":"a b"}]}"#)
            #expect(answer.headers["content-type"] == "application/x-ndjson")
            let lines = answer.body.split(separator: "\n")
            #expect(lines.count == 4)
            #expect(lines.last?.contains(#""done":true"#) == true)
        }
    }

    @Test("the control API scripts behaviours from JSON and reports recorded requests")
    func controlAPI() async throws {
        try await DoubleFixture.with { fixture in
            let scripted = try await post(
                fixture, "/_double/script", body: #"[{"kind":"error","route":"ollama","status":503,"retryAfter":"2"}]"#)
            #expect(scripted.status == 200)
            let failed = try await post(
                fixture, "/api/chat", body: #"{"model":"llama3.2","messages":[],"stream":false}"#)
            #expect(failed.status == 503)
            #expect(failed.headers["retry-after"] == "2")
            #expect(failed.body == #"{"error":"server busy, please try again.  maximum pending requests exceeded"}"#)

            var listing = HTTPClientRequest(url: fixture.double.baseURL + "/_double/requests")
            listing.method = .GET
            let response = try await fixture.httpClient.execute(listing, timeout: .seconds(5))
            let recorded = try JSONDecoder().decode(
                [ProviderDoubleRequest].self,
                from: Data(try await response.body.collect(upTo: 1 << 20).readableBytesView))
            #expect(recorded.map(\.path) == ["/api/chat"])
            _ = try await post(fixture, "/_double/reset", body: "")
            #expect(fixture.double.requests.isEmpty)
        }
    }

    @Test("the control API accepts paced and failing streams as JSON and reports each exchange")
    func controlAPIStreams() async throws {
        try await DoubleFixture.with { fixture in
            let script = """
                [{"kind":"success","route":"ollama","chunks":["Hel","lo"],"chunkDelayMs":5},
                 {"kind":"fail_mid_stream","route":"ollama","chunks":["par"],"message":"runner crashed"}]
                """
            #expect(try await post(fixture, "/_double/script", body: script).status == 200)
            let body = #"{"model":"llama3.2","messages":[{"role":"user","content":"x"}]}"#
            let paced = try await post(fixture, "/api/chat", body: body)
            let pacedLines = paced.body.split(separator: "\n")
            #expect(pacedLines.count == 3)
            #expect(pacedLines.first?.contains(#""content":"Hel""#) == true)
            #expect(pacedLines.last?.contains(#""done":true"#) == true)
            let failed = try await post(fixture, "/api/chat", body: body)
            #expect(failed.status == 200)
            #expect(failed.body.split(separator: "\n").last == #"{"error":"runner crashed"}"#)

            var listing = HTTPClientRequest(url: fixture.double.baseURL + "/_double/exchanges")
            listing.method = .GET
            let response = try await fixture.httpClient.execute(listing, timeout: .seconds(5))
            let exchanges = try JSONDecoder().decode(
                [ProviderDoubleExchange].self,
                from: Data(try await response.body.collect(upTo: 1 << 20).readableBytesView))
            #expect(exchanges.map(\.totalChunks) == [3, 2])
            #expect(exchanges.allSatisfy { $0.completed && !$0.closedByClient && $0.chunksWritten == $0.totalChunks })
        }
    }
}
