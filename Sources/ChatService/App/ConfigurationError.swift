/// A configuration value that stops start-up, naming the variable so an operator can fix it.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment variable at fault, e.g. `PORT`.
    public var variable: String
    /// What is wrong with it, e.g. `must be a whole number from 1 to 65535, got "eighty"`.
    public var reason: String

    public init(variable: String, reason: String) {
        self.variable = variable
        self.reason = reason
    }

    /// One line, e.g. `invalid configuration: PORT must be a whole number from 1 to 65535, got "x"`.
    public var description: String { "invalid configuration: \(variable) \(reason)" }
}
