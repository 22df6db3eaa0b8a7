import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import MongoDriver
import NIOCore
import NIOPosix
import Persistence
import Providers
import TestSupport
import Testing

@Suite("POST /v1/chat end to end: real app, provider doubles, SecantusDB")
struct ChatRouteTests {
    @Test("a chat is answered by the primary provider and stored with every SPEC §4 field")
    func answeredByPrimary() async throws {
        try await ChatServiceHarness.run { harness, client in
            let response = try await client.postChat(#"{"userId":"12345","prompt":"What is NDJSON?"}"#)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["response"] as? String == "Echo: What is NDJSON?")
            #expect(body["provider"] as? String == "ollama")
            #expect(body["model"] as? String == "llama3.2")
            #expect(body["attempts"] as? Int == 1)
            #expect(body["fallback"] as? Bool == false)

            let sent = try #require(harness.double.requests(for: .ollama).first?.jsonBody)
            #expect(sent["stream"] as? Bool == false)
            #expect(sent["model"] as? String == "llama3.2")

            let document = try await harness.storedDocument(id: try #require(body["id"] as? String))
            try expectStoredAnswer(document, matches: body, requestID: response.headers[.requestID])
            let attempts = try #require(document["attempts"] as? [[String: Any]])
            #expect(attempts.count == 1)
            #expect(attempts[0]["provider"] as? String == "ollama")
            #expect(try ExtendedJSON.int32(attempts[0]["status"]) == 200)
        }
    }

    @Test("Gemini as primary gets the key header and its usageMetadata becomes the usage")
    func answeredByGemini() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            harness.double.script(
                [.success(text: "Gemini says hi", promptTokens: 7, completionTokens: 4)], for: .gemini)
            let response = try await client.postChat(#"{"userId":"u","prompt":"hi"}"#)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["response"] as? String == "Gemini says hi")
            #expect(body["provider"] as? String == "gemini")
            let usage = try #require(body["usage"] as? [String: Any])
            #expect(usage["promptTokens"] as? Int == 7)
            #expect(usage["completionTokens"] as? Int == 4)
            #expect(usage["totalTokens"] as? Int == 11)
            let request = try #require(harness.double.requests(for: .gemini).first)
            #expect(request.header("x-goog-api-key") == "test-key")
            #expect(request.path == "/v1beta/models/gemini-2.0-flash:generateContent")
            #expect(harness.double.requests(for: .ollama).isEmpty)
            let document = try await harness.storedDocument(id: try #require(body["id"] as? String))
            try expectStoredAnswer(document, matches: body, requestID: response.headers[.requestID])
        }
    }

    @Test("a 503 is retried on the same provider after the delay its Retry-After asks for")
    func retriesAfter503() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            harness.double.script(
                [.error(status: 503, retryAfter: "1"), .success(text: "second time lucky")], for: .gemini)
            let response = try await client.postChat(#"{"userId":"u","prompt":"hi"}"#)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["response"] as? String == "second time lucky")
            #expect(body["attempts"] as? Int == 2)
            #expect(body["fallback"] as? Bool == false)
            #expect(
                harness.backoffs.durations == [.seconds(1)], "Retry-After: 1 must hold the retry back a full second")
            #expect(harness.double.requests(for: .gemini).count == 2)
            let document = try await harness.storedDocument(id: try #require(body["id"] as? String))
            try expectStoredAnswer(document, matches: body, requestID: response.headers[.requestID])
            let attempts = try #require(document["attempts"] as? [[String: Any]])
            #expect(try attempts.map { try ExtendedJSON.int32($0["status"]) } == [503, 200])
            #expect(attempts[0]["error"] is String)
        }
    }

    @Test("a Gemini 429 with RetryInfo waits the retryDelay before the retry")
    func honoursRetryInfo() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            harness.double.script([.error(status: 429, retryDelay: "0.6s"), .success(text: "ok now")], for: .gemini)
            let response = try await client.postChat(#"{"userId":"u","prompt":"hi"}"#)
            #expect(response.status == .ok)
            #expect(harness.backoffs.durations == [.milliseconds(600)])
            let body = try response.json()
            #expect(body["attempts"] as? Int == 2)
            #expect(body["provider"] as? String == "gemini")
            let document = try await harness.storedDocument(id: try #require(body["id"] as? String))
            let attempts = try #require(document["attempts"] as? [[String: Any]])
            #expect(try attempts.map { try ExtendedJSON.int32($0["status"]) } == [429, 200])
        }
    }

    @Test("when the primary refuses connections the fallback answers and the document says so")
    func fallbackWhenPrimaryIsDown() async throws {
        let refusing = try RefusingPort()
        try await ChatServiceHarness.run(
            providers: [.gemini, .ollama],
            configure: { $0.gemini.baseURL = refusing.httpURL }
        ) { harness, client in
            let response = try await client.postChat(#"{"userId":"u","prompt":"anyone there?"}"#)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["provider"] as? String == "ollama")
            #expect(body["fallback"] as? Bool == true)
            #expect(body["attempts"] as? Int == 4)
            let document = try await harness.storedDocument(id: try #require(body["id"] as? String))
            try expectStoredAnswer(document, matches: body, requestID: response.headers[.requestID])
            let attempts = try #require(document["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["provider"] as? String } == ["gemini", "gemini", "gemini", "ollama"])
            #expect(attempts.prefix(3).allSatisfy { $0["status"] as? String == "connect" })
            withExtendedLifetime(refusing) {}
        }
    }

    @Test("a 400 from the primary is not retried: the fallback is asked at once")
    func noRetryOn400() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            harness.double.script([.error(status: 400, message: "Invalid JSON payload")], for: .gemini)
            let response = try await client.postChat(#"{"userId":"u","prompt":"hi"}"#)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["provider"] as? String == "ollama")
            #expect(body["fallback"] as? Bool == true)
            #expect(body["attempts"] as? Int == 2)
            #expect(harness.double.requests(for: .gemini).count == 1)
            let document = try await harness.storedDocument(id: try #require(body["id"] as? String))
            let attempts = try #require(document["attempts"] as? [[String: Any]])
            #expect(try ExtendedJSON.int32(attempts[0]["status"]) == 400)
            #expect((attempts[0]["error"] as? String)?.contains("Invalid JSON payload") == true)
        }
    }

    @Test("when every provider fails the caller gets 502 listing each attempt and an error document is stored")
    func allProvidersFail() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            harness.double.script(Array(repeating: .error(status: 503), count: 3), for: .gemini)
            harness.double.script(
                Array(repeating: .error(status: 500, message: "runner crashed"), count: 3), for: .ollama)
            let response = try await client.postChat(#"{"userId":"u-502","prompt":"hi"}"#)
            #expect(response.status == .badGateway)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "providers_failed")
            let listed = try #require(error["attempts"] as? [[String: Any]])
            #expect(
                listed.map { $0["provider"] as? String } == [
                    "gemini", "gemini", "gemini", "ollama", "ollama", "ollama",
                ])
            #expect(listed.map { $0["status"] as? String } == ["503", "503", "503", "500", "500", "500"])
            #expect((listed[3]["message"] as? String)?.contains("runner crashed") == true)

            let documents = try await harness.reader.findDocuments(filterJSON: #"{"userId": "u-502"}"#)
            try #require(documents.count == 1)
            let document = try #require(JSONSerialization.jsonObject(with: Data(documents[0].utf8)) as? [String: Any])
            #expect(document["status"] as? String == "error")
            #expect(document["response"] as? String == "")
            let storedError = try #require(document["error"] as? [String: Any])
            #expect(storedError["code"] as? String == "providers_failed")
            #expect(storedError["message"] is String)
            #expect(document["provider"] as? String == "ollama")
            #expect((document["attempts"] as? [Any])?.count == 6)
            #expect(document["requestId"] as? String == response.headers[.requestID])
        }
    }

    @Test("an attempt that outlives PROVIDER_TIMEOUT_MS is recorded as a timeout and retried")
    func providerTimeout() async throws {
        try await ChatServiceHarness.run(configure: { $0.providerTimeout = .seconds(1) }) { harness, client in
            harness.double.script(
                [.success(text: "too late").delayed(by: .seconds(4)), .success(text: "in time")], for: .ollama)
            async let answer = client.postChat(#"{"userId":"u","prompt":"hi"}"#)
            // Once the first attempt is in flight, let its PROVIDER_TIMEOUT_MS pass at once.
            _ = await harness.double.requests(waitingUpTo: .seconds(10)) { !$0.isEmpty }
            harness.clock.advance(by: .seconds(1))
            let response = try await answer
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["response"] as? String == "in time")
            #expect(body["attempts"] as? Int == 2)
            let document = try await harness.storedDocument(id: try #require(body["id"] as? String))
            let attempts = try #require(document["attempts"] as? [[String: Any]])
            #expect(attempts[0]["status"] as? String == "timeout")
            #expect(try ExtendedJSON.int32(attempts[0]["latencyMs"]) >= 1000)
            #expect(try ExtendedJSON.int32(attempts[1]["status"]) == 200)
        }
    }

    @Test("malformed JSON from a provider is not retried there and the fallback answers")
    func malformedProviderJSON() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            harness.double.script([.malformedJSON], for: .gemini)
            let response = try await client.postChat(#"{"userId":"u","prompt":"hi"}"#)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["provider"] as? String == "ollama")
            let document = try await harness.storedDocument(id: try #require(body["id"] as? String))
            let attempts = try #require(document["attempts"] as? [[String: Any]])
            #expect(attempts[0]["status"] as? String == "invalid_response")
            #expect(harness.double.requests(for: .gemini).count == 1)
        }
    }

    @Test("when REQUEST_TIMEOUT_MS passes the caller gets 504 promptly and an error document is stored")
    func requestDeadline() async throws {
        try await ChatServiceHarness.run(configure: { $0.requestTimeout = .milliseconds(500) }) { harness, client in
            harness.double.script(
                Array(repeating: .success(text: "slow").delayed(by: .seconds(3)), count: 3), for: .ollama)
            let started = ContinuousClock.now
            let response = try await client.postChat(#"{"userId":"u-504","prompt":"hi"}"#)
            let elapsed = ContinuousClock.now - started
            #expect(response.status == .gatewayTimeout)
            #expect(elapsed < .seconds(5))
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "deadline_exceeded")
            let documents = try await harness.reader.findDocuments(filterJSON: #"{"userId": "u-504"}"#)
            try #require(documents.count == 1)
            let document = try #require(JSONSerialization.jsonObject(with: Data(documents[0].utf8)) as? [String: Any])
            #expect(document["status"] as? String == "error")
            #expect((document["error"] as? [String: Any])?["code"] as? String == "deadline_exceeded")
            // The one attempt was cut at the deadline and nothing was retried after it: a retry
            // would have been a second request to the double, and its answer takes 3 s.
            let attempts = try #require(document["attempts"] as? [[String: Any]])
            #expect(attempts.count == 1)
            #expect(attempts.first?["status"] as? String == "timeout")
            #expect(harness.double.requests(for: .ollama).count == 1)
            let latency = try ExtendedJSON.int32(document["latencyMs"])
            #expect(latency >= 500 && latency < 3000, "latencyMs \(latency)")
        }
    }

    @Test("a pinned provider turns fallback off and a pinned model reaches the provider")
    func pinnedProviderAndModel() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            harness.double.script([.error(status: 404, message: "model not found")], for: .ollama)
            let failed = try await client.postChat(#"{"userId":"u","prompt":"hi","provider":"ollama","model":"qwen3"}"#)
            #expect(failed.status == .badGateway)
            #expect(harness.double.requests(for: .gemini).isEmpty)
            #expect(harness.double.requests(for: .ollama).first?.jsonBody?["model"] as? String == "qwen3")

            let answered = try await client.postChat(#"{"userId":"u","prompt":"hi","model":"gemini-2.5-flash"}"#)
            #expect(answered.status == .ok)
            #expect(
                harness.double.requests(for: .gemini).last?.path == "/v1beta/models/gemini-2.5-flash:generateContent")
        }
    }

    @Test("the caller's X-Request-Id is echoed and stored; without one an id is generated")
    func requestIDs() async throws {
        try await ChatServiceHarness.run { harness, client in
            let response = try await client.postChat(
                #"{"userId":"u","prompt":"hi"}"#, headers: [.requestID: "trace-42"])
            #expect(response.headers[.requestID] == "trace-42")
            let document = try await harness.storedDocument(id: try #require(try response.json()["id"] as? String))
            #expect(document["requestId"] as? String == "trace-42")

            let generated = try await client.postChat("not json")
            #expect(generated.status == .badRequest)
            #expect(generated.headers[.requestID]?.count == 32)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.headers[.requestID]?.isEmpty == false)
        }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
}

/// Checks every SPEC §4 field of an answered `/v1/chat` document against the 200 body.
func expectStoredAnswer(
    _ document: [String: Any], matches body: [String: Any], requestID: String?,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(document["_id"] as? String == body["id"] as? String, sourceLocation: sourceLocation)
    #expect(document["userId"] as? String == body["userId"] as? String, sourceLocation: sourceLocation)
    #expect(document["route"] as? String == "/v1/chat", sourceLocation: sourceLocation)
    #expect(document["prompt"] as? String == body["prompt"] as? String, sourceLocation: sourceLocation)
    #expect(document["response"] as? String == body["response"] as? String, sourceLocation: sourceLocation)
    #expect(document["status"] as? String == "ok", sourceLocation: sourceLocation)
    #expect(document["error"] == nil, sourceLocation: sourceLocation)
    #expect(document["messages"] == nil, "messages is omitted for /v1/chat", sourceLocation: sourceLocation)
    #expect(document["apiKeyId"] == nil, "apiKeyId is omitted while keys are off", sourceLocation: sourceLocation)
    #expect(document["provider"] as? String == body["provider"] as? String, sourceLocation: sourceLocation)
    #expect(document["model"] as? String == body["model"] as? String, sourceLocation: sourceLocation)
    let requestedAt = try ExtendedJSON.dateMilliseconds(document["requestedAt"], sourceLocation: sourceLocation)
    let timestamp = try ExtendedJSON.dateMilliseconds(document["timestamp"], sourceLocation: sourceLocation)
    #expect(requestedAt <= timestamp, sourceLocation: sourceLocation)
    let answeredAt = (body["timestamp"] as? String).flatMap(ExtendedJSON.milliseconds(iso8601:))
    #expect(answeredAt == timestamp, "the stored timestamp is the one returned", sourceLocation: sourceLocation)
    #expect(
        Int(try ExtendedJSON.int32(document["latencyMs"], sourceLocation: sourceLocation)) == body["latencyMs"] as? Int,
        sourceLocation: sourceLocation)
    let attempts = try #require(document["attempts"] as? [[String: Any]], sourceLocation: sourceLocation)
    #expect(attempts.count == body["attempts"] as? Int, sourceLocation: sourceLocation)
    for attempt in attempts {
        #expect(attempt["provider"] is String && attempt["model"] is String, sourceLocation: sourceLocation)
        #expect(
            attempt["status"] is String || (try? ExtendedJSON.int32(attempt["status"])) != nil,
            sourceLocation: sourceLocation)
        _ = try ExtendedJSON.int32(attempt["latencyMs"], sourceLocation: sourceLocation)
    }
    let last = try #require(attempts.last, sourceLocation: sourceLocation)
    #expect(last["provider"] as? String == body["provider"] as? String, sourceLocation: sourceLocation)
    #expect(
        try ExtendedJSON.int32(last["status"], sourceLocation: sourceLocation) == 200, sourceLocation: sourceLocation)
    #expect(last["error"] == nil, sourceLocation: sourceLocation)
    #expect(document["fallback"] as? Bool == body["fallback"] as? Bool, sourceLocation: sourceLocation)
    let usage = try #require(document["usage"] as? [String: Any], sourceLocation: sourceLocation)
    let returnedUsage = try #require(body["usage"] as? [String: Any], sourceLocation: sourceLocation)
    for key in ["promptTokens", "completionTokens", "totalTokens"] {
        #expect(
            Int(try ExtendedJSON.int32(usage[key], sourceLocation: sourceLocation)) == returnedUsage[key] as? Int,
            sourceLocation: sourceLocation)
    }
    #expect(usage["estimated"] == nil, sourceLocation: sourceLocation)
    #expect(document["stream"] as? Bool == false, sourceLocation: sourceLocation)
    #expect(document["requestId"] as? String == requestID, sourceLocation: sourceLocation)
}
