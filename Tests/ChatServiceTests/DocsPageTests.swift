import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing

@testable import ChatService

@Suite("/docs and /openapi.yaml, switched by DOCS")
struct DocsPageTests {
    /// The repository's copy of a served file, read independently of the service's bundle.
    static func sourceFile(_ relativePath: String) throws -> Data {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try Data(contentsOf: root.appendingPathComponent("Sources/ChatService/Resources/\(relativePath)"))
    }

    /// Every `/docs/...` URL the page's HTML refers to.
    static func referencedAssets(in html: String) -> [String] {
        html.components(separatedBy: "\"").filter { $0.hasPrefix("/docs/") }
    }

    @Test("DOCS on: /docs is the HTML page, every asset it refers to is served with its content type, unchanged")
    func pageAndAssets() async throws {
        try await ChatServiceHarness.run(configure: { $0.docs = true }) { _, client async throws in
            let page = try await client.execute(uri: "/docs", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let csp = try #require(page.headers[.contentSecurityPolicy])
            #expect(csp.contains("default-src 'self'") && !csp.contains("http"), "nothing may load from elsewhere")
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"swagger-ui\""))
            let assets = Self.referencedAssets(in: html)
            #expect(
                Set(assets)
                    == [
                        "/docs/favicon-32x32.png", "/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js",
                        "/docs/docs.js",
                    ])
            let expectedTypes = [
                "png": "image/png", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
            ]
            for asset in assets {
                let response = try await client.execute(uri: asset, method: .get)
                #expect(response.status == .ok, "\(asset)")
                let fileName = String(asset.dropFirst("/docs/".count))
                #expect(response.headers[.contentType] == expectedTypes[String(fileName.split(separator: ".").last!)])
                let expected = try Self.sourceFile("docs/\(fileName)")
                #expect(Data(buffer: response.body) == expected, "\(asset)")
            }
            let script = String(decoding: try Self.sourceFile("docs/docs.js"), as: UTF8.self)
            #expect(script.contains("url: \"/openapi.yaml\""), "the page renders the service's own document")
            let licence = try await client.execute(uri: "/docs/LICENSE", method: .get)
            #expect(licence.status == .ok && String(buffer: licence.body).contains("Apache License"))
            let spec = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(spec.status == .ok)
            #expect(spec.headers[.contentType] == "application/yaml; charset=utf-8")
            let document = try Self.sourceFile("openapi.yaml")
            #expect(Data(buffer: spec.body) == document)
            for unknown in ["/docs/README.md", "/docs/nope.js", "/docs/..%2Fopenapi.yaml"] {
                #expect(try await client.execute(uri: unknown, method: .get).status == .notFound, "\(unknown)")
            }
        }
    }

    @Test("DOCS off: /docs, its assets and /openapi.yaml answer 404")
    func off() async throws {
        try await ChatServiceHarness.run(configure: { $0.docs = false }) { _, client async throws in
            for path in ["/docs", "/docs/swagger-ui-bundle.js", "/docs/docs.js", "/openapi.yaml"] {
                #expect(try await client.execute(uri: path, method: .get).status == .notFound, "\(path)")
            }
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test("with ADMIN_API_KEY set the docs are off unless DOCS=on turns them back on")
    func offByDefaultWithKeys() async throws {
        try await ChatServiceHarness.runWithKeys { _, client async throws in
            #expect(try await client.execute(uri: "/docs", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/openapi.yaml", method: .get).status == .notFound)
        }
        try await ChatServiceHarness.runWithKeys(configure: { $0.docs = true }) { _, client async throws in
            #expect(try await client.execute(uri: "/docs", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/openapi.yaml", method: .get).status == .ok)
        }
    }

    @Test("DOCS reads on/off (and true/false, 1/0, yes/no); unset means on unless ADMIN_API_KEY is set")
    func configuration() throws {
        #expect(try ServiceConfiguration(environment: [:]).servesDocs)
        let admin = "admin-key-0123456789"
        #expect(try !ServiceConfiguration(environment: ["ADMIN_API_KEY": admin]).servesDocs)
        #expect(try ServiceConfiguration(environment: ["ADMIN_API_KEY": admin, "DOCS": "on"]).servesDocs)
        #expect(try !ServiceConfiguration(environment: ["DOCS": "off"]).servesDocs)
        for value in ["ON", "true", "1", "yes"] {
            #expect(try ServiceConfiguration(environment: ["DOCS": value]).docs == true, "\(value)")
        }
        for value in ["OFF", "false", "0", "no"] {
            #expect(try ServiceConfiguration(environment: ["DOCS": value]).docs == false, "\(value)")
        }
        #expect(throws: ConfigurationError.self) { try ServiceConfiguration(environment: ["DOCS": "maybe"]) }
        do {
            _ = try ServiceConfiguration(environment: ["DOCS": "maybe"])
        } catch {
            #expect(error.variable == "DOCS")
            #expect("\(error)".contains("maybe"))
        }
    }
}
