import HTTPTypes
import Hummingbird

/// Guards `/admin/*`: only `Authorization: Bearer $ADMIN_API_KEY` passes (compared as SHA-256
/// digests in constant time). The routes exist only when `ADMIN_API_KEY` is set.
struct AdminAuthenticator: RouterMiddleware {
    typealias Context = ChatRequestContext

    let adminKeyHash: String

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let presented = APIKeyAuthenticator.presentedKey(request.headers),
            APIKeyHash.constantTimeEqual(APIKeyHash.hex(of: presented), adminKeyHash)
        else {
            throw APIError(
                status: .unauthorized, code: "invalid_admin_key",
                message: "admin routes take Authorization: Bearer $ADMIN_API_KEY")
        }
        var context = context
        context.client = AuthenticatedClient(keyId: AuthenticatedClient.adminKeyId, name: "admin", isAdmin: true)
        return try await next(request, context)
    }
}
