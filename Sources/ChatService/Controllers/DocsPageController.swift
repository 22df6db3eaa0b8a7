import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /docs`: an interactive page (Swagger UI) over `GET /openapi.yaml`, served with every asset
/// it needs from the binary's resource bundle (`Resources/docs`), so it works with no internet and
/// no CDN. A Content-Security-Policy of `'self'` keeps the page from loading anything else.
/// Registered only when `DOCS` is on (SPEC §2).
struct DocsPageController: Sendable {
    /// One file of `Resources/docs` with the type it is served as.
    struct Asset: Sendable {
        var body: ByteBuffer
        var contentType: String
    }

    /// The files served under `/docs/`, by name; `index.html` is the page itself.
    let assets: [String: Asset]

    /// The files of `Resources/docs` that are served, and their content types.
    static let servedFiles: [String: String] = [
        "index.html": "text/html; charset=utf-8",
        "docs.js": "text/javascript; charset=utf-8",
        "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
        "swagger-ui.css": "text/css; charset=utf-8",
        "favicon-32x32.png": "image/png",
        "LICENSE": "text/plain; charset=utf-8",
        "LICENSE-Apache-2.0.txt": "text/plain; charset=utf-8",
    ]

    /// Swagger UI styles elements inline and shows images as `data:` URIs; nothing else is allowed
    /// but this service.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

    /// Reads every served file from the bundle; a build without them is broken, so start-up fails.
    init() throws {
        guard let directory = Bundle.module.url(forResource: "docs", withExtension: nil) else {
            throw DocsAssetsMissing(file: "docs")
        }
        var assets: [String: Asset] = [:]
        for (name, contentType) in Self.servedFiles {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(name)) else {
                throw DocsAssetsMissing(file: "docs/\(name)")
            }
            assets[name] = Asset(body: ByteBuffer(bytes: data), contentType: contentType)
        }
        self.assets = assets
    }

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("/docs") { _, _ in try response(for: "index.html") }
        router.get("/docs/{file}") { _, context in
            try response(for: try context.parameters.require("file"))
        }
    }

    private func response(for name: String) throws -> Response {
        guard let asset = assets[name] else { throw HTTPError(.notFound) }
        let isPage = name == "index.html"
        return Response(
            status: .ok,
            headers: [
                .contentType: asset.contentType,
                .cacheControl: isPage ? "no-cache" : "public, max-age=3600",
                .contentSecurityPolicy: Self.contentSecurityPolicy,
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: asset.body))
    }
}

/// The resource bundle lacks a file of the docs page (a packaging mistake, never a runtime condition).
struct DocsAssetsMissing: Error, CustomStringConvertible {
    var file: String
    var description: String {
        "\(file) is missing from the chat-service resources (install the binary with its chat-service_ChatService.resources directory)"
    }
}
