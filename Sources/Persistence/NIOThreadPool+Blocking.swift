import NIOPosix

extension NIOThreadPool {
    /// Runs blocking libmongoc work on this pool and brings its typed error back to async code.
    ///
    /// - Throws: the body's `PersistenceError`, or `.shutdown` if the pool is not running (or the
    ///   calling task was cancelled before the work started; once started, work is not interrupted).
    func runBlocking<T: Sendable>(
        _ body: @escaping @Sendable () throws(PersistenceError) -> T
    ) async throws(PersistenceError) -> T {
        let result: Result<T, PersistenceError>
        do {
            result = try await runIfActive { () -> Result<T, PersistenceError> in
                do throws(PersistenceError) {
                    return .success(try body())
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            throw PersistenceError(
                code: .shutdown, message: "the persistence thread pool is not running (or the task was cancelled)")
        }
        return try result.get()
    }
}
