import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Persistence

/// `GET /v1/usage?userId=&from=&to=&groupBy=model|day|provider|key` (SPEC §3.3): request, token, cost and
/// error totals computed by a MongoDB aggregation. A client key sees only its own traffic; the
/// admin key (or an open service) sees everything.
struct UsageController: Sendable {
    let store: InteractionStore

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.get("usage", use: usage)
    }

    /// The figures of every matching call (`key` absent) or of one group (`key` is the model,
    /// day or provider).
    struct Figures: Encodable {
        var key: String?
        var requests: Int
        var promptTokens: Int
        var completionTokens: Int
        var totalTokens: Int
        /// USD, the sum of the calls' stored `cost.total` (SPEC §9).
        var cost: Double
        var errors: Int

        init(_ totals: UsageTotals, key: String? = nil) {
            self.key = key
            requests = totals.requests
            promptTokens = totals.promptTokens
            completionTokens = totals.completionTokens
            totalTokens = totals.totalTokens
            cost = totals.cost
            errors = totals.errors
        }
    }

    struct Body: Encodable {
        var userId: String?
        var from: String?
        var to: String?
        var groupBy: String?
        var totals: Figures
        var groups: [Figures]?
    }

    @Sendable func usage(request: Request, context: ChatRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        var query = UsageQuery()
        if let userId = parameters["userId"].map(String.init), !userId.isEmpty { query.userId = userId }
        query.from = try parameters["from"].map { try Self.date(String($0), name: "from") }
        query.to = try parameters["to"].map { try Self.date(String($0), name: "to") }
        if let from = query.from, let to = query.to, from >= to {
            throw APIError.invalidRequest("from must be earlier than to")
        }
        if let groupBy = parameters["groupBy"].map(String.init), !groupBy.isEmpty {
            guard let grouping = UsageQuery.Grouping(rawValue: groupBy) else {
                let names = UsageQuery.Grouping.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.invalidRequest("groupBy must be one of \(names)")
            }
            query.groupBy = grouping
        }
        if let client = context.client, !client.isAdmin {
            query.apiKeyId = client.keyId
        }
        let result: (total: UsageTotals, groups: [UsageTotals])
        do {
            result = try await store.usage(query)
        } catch  where error.isUnreachable {
            throw APIError.storageUnavailable("usage cannot be computed right now", error)
        } catch {
            context.logger.error("usage aggregation failed", metadata: ["error": "\(error)"])
            throw APIError(
                status: .internalServerError, code: "usage_failed",
                message: "the usage aggregation failed (MongoDB: \(error.message))")
        }
        let groups = query.groupBy.map { _ in result.groups.map { Figures($0, key: $0.key ?? "") } }
        return try JSONResponse.make(
            .ok,
            Body(
                userId: query.userId, from: query.from.map(ISO8601Timestamp.string(from:)),
                to: query.to.map(ISO8601Timestamp.string(from:)), groupBy: query.groupBy?.rawValue,
                totals: Figures(result.total), groups: groups))
    }

    /// Years 1970 to 9999: BSON dates before the epoch are rare in practice and some servers
    /// reject far-off years, so anything outside is a caller error (400), not a database one.
    static let supportedRange = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799)

    /// Accepts `2026-06-15` (midnight UTC) or a full ISO 8601 instant, with or without fractions.
    static func date(_ text: String, name: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime], [.withFullDate],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text), Self.supportedRange.contains(date),
                ISO8601Timestamp.fieldsExist(in: text)
            {
                return date
            }
        }
        throw APIError.invalidRequest(
            "\(name) must be an ISO 8601 date from 1970 to 9999, like 2026-06-15 or 2026-06-15T14:32:00Z")
    }
}
