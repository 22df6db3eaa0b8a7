import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Persistence

/// Seed 000's account flows (SPEC §8), open when `ALLOW_REGISTRATION=true`: `POST /register`
/// makes an account and its first key, `POST /login` issues a new key owned by the account.
/// `GET /user/usage` is in `AccountsController+Usage.swift`.
///
/// A failed login answers one message whether the user is missing or the password wrong; more
/// than `maxFailedLogins` failures for one username within a window answer 429, counted in
/// MongoDB so every replica agrees. Passwords are read, hashed and dropped: never logged, stored
/// or echoed.
struct AccountsController: Sendable {
    let users: UserStore
    let keys: APIKeyStore
    let counters: LimitCounterStore
    let store: InteractionStore
    let hasher: PasswordHasher
    let metrics: ServiceMetrics
    let maxBodyBytes: Int
    /// The failed-login window (60 s; shorter only in tests).
    let loginWindow: Duration
    var maxFailedLogins = 10
    var now: @Sendable () -> Date = { Date() }

    struct Issued: Encodable {
        var username: String
        var api_key: String
    }

    static let badCredentials = APIError(
        status: .unauthorized, code: "invalid_credentials", message: "invalid username or password")

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.post("register", use: register)
        router.post("login", use: login)
    }

    @Sendable func register(request: Request, context: ChatRequestContext) async throws -> Response {
        let credentials = try await Self.credentials(request, limit: maxBodyBytes)
        if let problem = credentials.registrationProblem { throw APIError.invalidRequest(problem) }
        let account = UserRecord(
            id: InteractionID.generate(), username: credentials.username,
            passwordHash: try await hasher.hash(credentials.password), createdAt: now())
        do {
            try await users.createIndexes()  // idempotent; registrations are rare
            try await users.insert(account)
        } catch  where error.isDuplicateKey {
            throw APIError(
                status: .conflict, code: "username_taken", message: "the username \(account.username) is taken")
        } catch {
            throw APIError.storageUnavailable("the account could not be stored", error)
        }
        context.logger.notice("account registered", metadata: ["username": "\(account.username)"])
        let key = try await issueKey(for: account)
        return try JSONResponse.make(.created, Issued(username: account.username, api_key: key))
    }

    @Sendable func login(request: Request, context: ChatRequestContext) async throws -> Response {
        let credentials = try await Self.credentials(request, limit: maxBodyBytes)
        let window = LimitWindow(anchor: Date(timeIntervalSince1970: 0), length: loginWindow, at: now())
        let failures: Int
        let account: UserRecord?
        do {
            failures = try await counters.loginFailures(username: credentials.username, window: window.index)
            account =
                failures < maxFailedLogins && AccountCredentials.isValidUsername(credentials.username)
                ? try await users.find(username: credentials.username) : nil
        } catch {
            throw APIError.storageUnavailable("the login cannot be checked right now", error)
        }
        if failures >= maxFailedLogins {
            metrics.recordLoginFailure(throttled: true)
            let wait = max(1, window.end.timeIntervalSince(now()))
            throw APIError(
                status: .tooManyRequests, code: "too_many_failed_logins",
                message: "too many failed logins for this username; retry after \(Int(wait.rounded(.up))) s",
                retryAfter: .milliseconds(Int64((wait * 1000).rounded(.up))))
        }
        guard let account, try await hasher.verify(credentials.password, hash: account.passwordHash) else {
            metrics.recordLoginFailure(throttled: false)
            do {
                try await counters.recordLoginFailure(
                    username: credentials.username, window: window.index,
                    expiresAt: window.end.addingTimeInterval(loginWindow / .seconds(1)))
            } catch {
                context.logger.error("could not count a failed login", metadata: ["error": "\(error)"])
            }
            context.logger.notice("login failed", metadata: ["username": "\(credentials.username)"])
            throw Self.badCredentials
        }
        let key = try await issueKey(for: account)
        context.logger.notice("login", metadata: ["username": "\(account.username)"])
        return try JSONResponse.make(.ok, Issued(username: account.username, api_key: key))
    }

    /// A new client key owned by `account`, named after it.
    private func issueKey(for account: UserRecord) async throws -> String {
        let key = APIKeyHash.generateKey()
        let record = APIKeyRecord(
            id: InteractionID.generate(), name: account.username, email: nil, keyHash: APIKeyHash.hex(of: key),
            keyPrefix: String(key.prefix(10)), createdAt: now(), owner: account.id)
        do {
            try await keys.createIndexes()
            try await keys.insert(record)
        } catch {
            throw APIError.storageUnavailable("the API key could not be stored", error)
        }
        return key
    }

    /// The `{username, password}` body; a 400 that never quotes the body.
    static func credentials(_ request: Request, limit: Int) async throws -> AccountCredentials {
        try await request.decodedBody(
            limit: limit,
            refusal:
                "body must be a JSON object like {\"username\": \"ana\", \"password\": \"...\"} with both as strings")
    }
}
