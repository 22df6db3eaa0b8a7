import MongoDriver

extension PersistenceError {
    /// True when MongoDB refuses the service's writes for good (credentials, privileges, namespace):
    /// the log keeps every record and `/ready` reports it until an operator fixes it.
    public var isMongoRefusal: Bool { cause?.isRefusal ?? false }
}
