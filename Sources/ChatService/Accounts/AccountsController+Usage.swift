import Foundation
import Hummingbird
import Persistence

extension AccountsController {
    /// `GET /user/usage` (SPEC §8): the calling key's account totals over every key it owns.
    struct AccountUsage: Encodable {
        var username: String
        var tokens_used: Int
        var requests: Int
        /// USD, from each call's `cost.total` (SPEC §9).
        var cost: Double
    }

    /// Registers `GET /user/usage` on `group`, which must require a client key.
    func addUsageRoute(to group: RouterGroup<ChatRequestContext>) {
        group.get("usage", use: usage)
    }

    @Sendable func usage(request: Request, context: ChatRequestContext) async throws -> Response {
        guard let client = context.client, !client.isAdmin else {
            throw APIError(
                status: .unauthorized, code: "missing_api_key", message: "GET /user/usage takes an account's API key")
        }
        let totals: UsageTotals
        let username: String
        do {
            guard let key = try await keys.find(id: client.keyId), let owner = key.owner else {
                throw APIError(
                    status: .forbidden, code: "not_an_account_key",
                    message: "this API key belongs to no account (it was made with POST /admin/keys); use GET /v1/usage"
                )
            }
            let owned = try await keys.find(owner: owner)
            var query = UsageQuery()
            query.apiKeyIds = owned.map(\.id)
            totals = try await store.usage(query).total
            // Keys from /register and /login are named after their account.
            username = key.name
        } catch let error as PersistenceError {
            throw APIError.storageUnavailable("usage cannot be computed right now", error)
        }
        return try JSONResponse.make(
            .ok,
            AccountUsage(
                username: username, tokens_used: totals.totalTokens, requests: totals.requests, cost: totals.cost))
    }
}
