/// What start-up recovery found and did in the spool directory, for logs and tests.
public struct SpoolRecoveryReport: Sendable, Equatable {
    /// A torn or corrupt tail that was cut off.
    public struct TornTail: Sendable, Equatable {
        public var segment: UInt64
        public var offset: Int
        public var bytesCut: Int
    }

    /// A damaged range in the middle of a segment that was moved to a quarantine file.
    public struct Quarantined: Sendable, Equatable {
        public var segment: UInt64
        public var offset: Int
        public var length: Int
        public var file: String
    }

    /// Intact records found (they will be replayed).
    public var records = 0
    public var segments = 0
    public var tornTails: [TornTail] = []
    public var quarantined: [Quarantined] = []

    public init() {}
}
