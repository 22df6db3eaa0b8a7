import Foundation
import Hummingbird
import NIOCore

/// `GET /openapi.yaml`: the service's own OpenAPI description (SPEC §3), shipped inside the
/// binary's resource bundle so the document served is always the one built with the code.
struct OpenAPIController: Sendable {
    let document: ByteBuffer

    /// Loads the bundled `openapi.yaml`; a build without it is broken, so start-up fails loudly.
    init() throws {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw OpenAPIDocumentMissing()
        }
        document = ByteBuffer(bytes: try Data(contentsOf: url))
    }

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: document))
        }
    }
}

/// The resource bundle lacks `openapi.yaml` (a packaging mistake, never a runtime condition).
struct OpenAPIDocumentMissing: Error, CustomStringConvertible {
    var description: String { "the bundled openapi.yaml is missing from the chat-service resources" }
}
