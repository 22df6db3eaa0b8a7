import Foundation

/// One image in a user message, already in hand as bytes (a `data:` URL decoded, or an http(s)
/// URL fetched by the gateway), so each provider can inline it (Gemini `inlineData`, Ollama
/// `images`, OpenAI a `data:` URL) whatever form the caller sent it in.
public struct ImageInput: Sendable, Equatable {
    /// e.g. `image/png`.
    public var mimeType: String
    public var data: Data
    /// OpenAI's `detail` (`auto`, `low`, `high`) when the caller gave one.
    public var detail: String?

    public init(mimeType: String, data: Data, detail: String? = nil) {
        self.mimeType = mimeType
        self.data = data
        self.detail = detail
    }

    /// `data:<mime>;base64,<bytes>`, how OpenAI-compatible upstreams take an inline image.
    public var dataURL: String {
        "data:\(mimeType);base64,\(data.base64EncodedString())"
    }
}
