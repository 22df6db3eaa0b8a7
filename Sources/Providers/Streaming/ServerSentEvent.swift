/// One dispatched Server-Sent Event (WHATWG HTML §9.2), as Gemini's `alt=sse` stream and
/// OpenAI-style streams deliver them: usually just `data`.
struct ServerSentEvent: Sendable, Equatable {
    /// The `data:` lines of the event joined with `"\n"`.
    var data: String
    /// The `event:` field, if the event had one.
    var event: String?
    /// The `id:` field, if the event had one.
    var id: String?

    init(data: String, event: String? = nil, id: String? = nil) {
        self.data = data
        self.event = event
        self.id = id
    }
}
