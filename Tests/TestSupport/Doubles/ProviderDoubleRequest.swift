import Foundation

/// A request as the `ProviderDouble` saw it, so tests can assert on exactly what a provider
/// client sent and how many calls it made.
public struct ProviderDoubleRequest: Sendable, Codable, Equatable {
    public var method: String
    /// The request target as sent, query included (e.g. `/v1beta/models/m:streamGenerateContent?alt=sse`).
    public var uri: String
    /// The path without the query.
    public var path: String
    /// Which protocol it spoke, when it was a generation request.
    public var route: ProviderDoubleRoute?
    /// Header names lower-cased; a repeated header's values are joined with `", "`.
    public var headers: [String: String]
    /// The body as UTF-8 text.
    public var body: String

    public init(
        method: String, uri: String, path: String, route: ProviderDoubleRoute?, headers: [String: String], body: String
    ) {
        self.method = method
        self.uri = uri
        self.path = path
        self.route = route
        self.headers = headers
        self.body = body
    }

    /// The value of header `name` (any case).
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The body parsed as a JSON object, or `nil` if it is not one.
    public var jsonBody: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}
