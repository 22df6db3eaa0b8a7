import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix
import Providers

/// Fetches the http(s) `image_url`s of a request before any provider is called, so every
/// provider gets the bytes inline (Gemini and Ollama cannot fetch URLs themselves) and the stored
/// document can describe each image.
///
/// Guard rails: the host must resolve only to public addresses unless
/// `IMAGE_FETCH_ALLOW_PRIVATE` (no loopback, private, link-local, CGNAT, multicast or reserved
/// ranges: the gateway must not become a way into its own network); redirects are not followed
/// (the shared client refuses them, so a public URL cannot bounce to a private one); the body is
/// capped at `IMAGE_FETCH_MAX_BYTES` and the whole fetch at `IMAGE_FETCH_TIMEOUT_MS`; the answer
/// must be 200 with an `image/*` type. Every failure is a 400 naming the part.
struct ImageFetcher: Sendable {
    let httpClient: HTTPClient
    let settings: ServiceConfiguration.ImageFetchSettings

    /// Resolves every source of `images` (by message index) into the messages, in order.
    func resolve(
        _ images: [Int: [ImageSource]], into messages: inout [ChatMessage], logger: Logger
    ) async throws(APIError) {
        for (index, sources) in images.sorted(by: { $0.key < $1.key }) {
            var inputs: [ImageInput] = []
            for source in sources {
                switch source {
                case .inline(let image):
                    inputs.append(image)
                case .remote(let url, let detail, let param):
                    inputs.append(try await fetch(url, detail: detail, param: param, logger: logger))
                }
            }
            messages[index].images = inputs
        }
    }

    func fetch(_ url: URL, detail: String?, param: String, logger: Logger) async throws(APIError) -> ImageInput {
        func failure(_ reason: String) -> APIError {
            .invalidRequest("could not use the image at \(param): \(reason)", param: param)
        }
        guard let host = url.host, !host.isEmpty else { throw failure("the URL has no host") }
        if !settings.allowPrivateAddresses {
            let addresses: [SocketAddress]
            do {
                addresses = try await Self.resolve(host: host, port: url.port ?? (url.scheme == "https" ? 443 : 80))
            } catch {
                throw failure("its host \(host) does not resolve")
            }
            if let blocked = addresses.first(where: { !PublicAddress.isPublic($0) }) {
                throw failure(
                    "its host \(host) resolves to a non-public address (\(blocked.ipAddress ?? "?")); set IMAGE_FETCH_ALLOW_PRIVATE=true to allow it"
                )
            }
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "accept", value: "image/*")
        let body: ByteBuffer
        let contentType: String?
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(settings.timeout))
            guard response.status == .ok else { throw FetchProblem.status(Int(response.status.code)) }
            contentType = response.headers.first(name: "content-type")
            if let length = response.headers.first(name: "content-length").flatMap(Int.init),
                length > settings.maxBytes
            {
                throw FetchProblem.tooLarge
            }
            do {
                body = try await response.body.collect(upTo: settings.maxBytes)
            } catch is NIOTooManyBytesError {
                throw FetchProblem.tooLarge
            }
        } catch let problem as FetchProblem {
            switch problem {
            case .status(let code): throw failure("the server answered HTTP \(code)")
            case .tooLarge: throw failure("it is larger than IMAGE_FETCH_MAX_BYTES (\(settings.maxBytes) bytes)")
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw failure("no answer within IMAGE_FETCH_TIMEOUT_MS (\(settings.timeout.milliseconds) ms)")
        } catch {
            logger.notice("image fetch failed", metadata: ["url_host": "\(host)", "error": "\(error)"])
            throw failure("the fetch failed (\(error))")
        }
        let data = Data(buffer: body)
        let declared = contentType?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard let mimeType = declared?.hasPrefix("image/") == true ? declared : ImageSniffer.mimeType(of: data) else {
            throw failure("the server sent \(declared ?? "no content type"), not an image")
        }
        return ImageInput(mimeType: mimeType, data: data, detail: detail)
    }

    private enum FetchProblem: Error {
        case status(Int)
        case tooLarge
    }

    /// Every address `host` resolves to (`getaddrinfo` on NIO's thread pool, never an event loop).
    static func resolve(host: String, port: Int) async throws -> [SocketAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
                throw ResolveFailure()
            }
            defer { freeaddrinfo(first) }
            var addresses: [SocketAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                if let address = entry.pointee.ai_addr {
                    switch Int32(entry.pointee.ai_family) {
                    case AF_INET:
                        let ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
                        addresses.append(SocketAddress(ipv4, host: host))
                    case AF_INET6:
                        let ipv6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                        addresses.append(SocketAddress(ipv6, host: host))
                    default: break
                    }
                }
                cursor = entry.pointee.ai_next
            }
            return addresses
        }
    }

    private struct ResolveFailure: Error {}
}
