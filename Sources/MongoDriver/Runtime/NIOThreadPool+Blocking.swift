import NIOPosix

extension NIOThreadPool {
    /// Runs blocking work on this pool and brings its typed error back to async code.
    ///
    /// - Parameter inactive: thrown when the pool is not running (or the calling task was
    ///   cancelled before the work started; once started, work is not interrupted).
    public func runBlocking<T: Sendable, E: Error>(
        orThrow inactive: @autoclosure @Sendable () -> E, _ body: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        let result: Result<T, E>
        do {
            result = try await runIfActive { () -> Result<T, E> in
                do throws(E) {
                    return .success(try body())
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            throw inactive()
        }
        return try result.get()
    }

    /// Runs blocking libmongoc work on this pool; `.shutdown` when the pool is not running.
    public func runBlocking<T: Sendable>(
        _ body: @escaping @Sendable () throws(MongoError) -> T
    ) async throws(MongoError) -> T {
        try await runBlocking(
            orThrow: MongoError(
                code: .shutdown, message: "the MongoDB thread pool is not running (or the task was cancelled)"),
            body)
    }
}
