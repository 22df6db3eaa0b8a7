/// The body of `POST /register` and `POST /login` (SPEC §8), with the rules a username and a
/// password must follow. Its description never includes the password.
struct AccountCredentials: Decodable, Sendable, CustomStringConvertible {
    var username: String
    var password: String

    static let passwordLength = 8...256
    static let usernameLength = 3...64

    /// 3 to 64 of `[A-Za-z0-9_.-]`.
    static func isValidUsername(_ username: String) -> Bool {
        usernameLength.contains(username.utf8.count)
            && username.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2E || byte == 0x2D
            }
    }

    /// The reason the credentials cannot make an account, or nil when they can.
    var registrationProblem: String? {
        if !Self.isValidUsername(username) {
            return "username must be 3 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'"
        }
        if !Self.passwordLength.contains(password.count) {
            return "password must be 8 to 256 characters long"
        }
        return nil
    }

    var description: String { "AccountCredentials(username: \(username), password: <redacted>)" }
}
