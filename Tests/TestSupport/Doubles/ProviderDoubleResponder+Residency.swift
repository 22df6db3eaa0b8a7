import Foundation
import NIOCore
import NIOHTTP1

// Ollama's model memory in the double (protocols.md §2.5): load and unload requests, `/api/ps`,
// and `/api/generate`'s answers, which carry `response` where `/api/chat`'s carry `message`.
extension ProviderDoubleResponder {
    /// The answer to a request that only loads or unloads (generate without a prompt, chat
    /// without messages): `done: true` with `done_reason` `load`, or `unload` for `keep_alive: 0`;
    /// `nil` for a request that asks for text.
    static func ollamaLoadOrUnload(path: String, json: [String: Any]) -> ProviderDoubleReply? {
        guard path == "/api/chat" || path == "/api/generate" else { return nil }
        let model = json["model"] as? String ?? ""
        let isEmpty: Bool
        if path == "/api/generate" {
            isEmpty = (json["prompt"] as? String ?? "").isEmpty && (json["images"] as? [Any] ?? []).isEmpty
        } else {
            isEmpty = (json["messages"] as? [Any] ?? []).isEmpty
        }
        guard isEmpty else { return nil }
        let unloads = OllamaResidencySimulator.keepAlive(json["keep_alive"]) == .zero
        var object: [String: Any] = [
            "model": model, "created_at": timestamp(), "done": true, "done_reason": unloads ? "unload" : "load",
        ]
        if path == "/api/generate" {
            object["response"] = ""
        } else {
            object["message"] = ["role": "assistant", "content": ""]
        }
        return .json(.ok, object)
    }

    /// A `/api/chat`-shaped answer (one object or NDJSON lines) in `/api/generate`'s shape:
    /// `message.content` becomes `response`; error lines and bodies stay as they are.
    static func generateShaped(_ reply: ProviderDoubleReply) -> ProviderDoubleReply {
        var reply = reply
        reply.chunks = reply.chunks.map { chunk in
            let text = String(buffer: chunk)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                guard var object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                    let message = object.removeValue(forKey: "message") as? [String: Any]
                else { return String(line) }
                object["response"] = message["content"] as? String ?? ""
                if let thinking = message["thinking"] { object["thinking"] = thinking }
                return serialize(object)
            }
            return ByteBuffer(string: lines.joined(separator: "\n"))
        }
        if reply.headers.contains(name: "content-length") {
            let length = reply.chunks.reduce(0) { $0 + $1.readableBytes }
            reply.headers.replaceOrAdd(name: "content-length", value: String(length))
        }
        return reply
    }

    /// A successful `/api/chat` or `/api/generate` answer as the model's memory makes it: sent
    /// only once the model is loaded (after `loadTime` when it was not), and in generate's shape
    /// for `/api/generate`. A refused request changes nothing.
    func ollamaResidencyApplied(to reply: ProviderDoubleReply, request: ProviderDoubleRequest) -> ProviderDoubleReply {
        guard request.path == "/api/chat" || request.path == "/api/generate", reply.status == .ok,
            let json = request.jsonBody, let model = json["model"] as? String
        else { return reply }
        var reply = reply
        reply.delay = reply.delay + TimeAmount(ollamaResidency.handle(model: model, keepAlive: json["keep_alive"]))
        return request.path == "/api/generate" ? Self.generateShaped(reply) : reply
    }

    /// `GET /api/ps`.
    func ollamaRunningListing() -> ProviderDoubleReply {
        .json(.ok, ["models": ollamaResidency.runningModels()])
    }
}
