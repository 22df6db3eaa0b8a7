/// The price of one generated image of one size (`1024x1024`) and, for models that have it, one
/// quality (`standard`, `hd`, `low`…); `quality` `nil` means "any quality".
struct ImagePrice: Sendable, Equatable {
    var size: String
    var quality: String?
    /// USD per image.
    var perImage: Double

    /// Width and height of `size` (`1024x1024`), for seed 004's `pixel` objects; `nil` for `auto`.
    var dimensions: (width: Int, height: Int)? {
        let parts = size.split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) else { return nil }
        return (width, height)
    }
}
