import Foundation

/// The image type of bytes served without an `image/*` content type, from their magic numbers
/// (PNG, JPEG, GIF, WebP), so an image behind a generic `application/octet-stream` still works
/// and anything else is refused.
enum ImageSniffer {
    static func mimeType(of data: Data) -> String? {
        let head = Array(data.prefix(12))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if head.count == 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) {
            return "image/webp"
        }
        return nil
    }
}
