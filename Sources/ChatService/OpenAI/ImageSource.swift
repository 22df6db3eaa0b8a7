import Foundation
import Providers

/// Where one `image_url` part's bytes come from: inline (a `data:` URL, decoded while parsing) or
/// an http(s) URL the gateway fetches before calling a provider (`ImageFetcher`).
enum ImageSource: Sendable, Equatable {
    case inline(ImageInput)
    /// `param` names the part (`messages[1].content[2].image_url.url`) for error messages.
    case remote(url: URL, detail: String?, param: String)
}
