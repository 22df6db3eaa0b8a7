import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every SecantusDB process the test process started and has not stopped yet, so an `atexit`
/// handler can SIGKILL them (and delete their temporary data) when the test process exits,
/// whether or not the tests called `stop()`.
enum MongoTestProcessRegistry {
    /// pid → data directory to delete afterwards (nil: keep it).
    private static let running = Mutex<[pid_t: String?]>([:])

    /// Registers the exit handler exactly once (a global's initialiser runs once, thread-safely).
    private static let exitHandlerInstalled: Void = {
        atexit {
            MongoTestProcessRegistry.killAll()
        }
    }()

    static func add(_ pid: pid_t, deleteOnExit directory: String?) {
        _ = exitHandlerInstalled
        running.withLock { $0[pid] = directory }
    }

    static func remove(_ pid: pid_t) {
        _ = running.withLock { $0.removeValue(forKey: pid) }
    }

    private static func killAll() {
        let processes = running.withLock { current -> [pid_t: String?] in
            defer { current = [:] }
            return current
        }
        for (pid, directory) in processes {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            if let directory {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
    }
}
