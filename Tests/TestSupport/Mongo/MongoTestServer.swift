import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real SecantusDB (MongoDB wire protocol) server process for tests, on a free loopback port
/// with its own data directory.
///
/// It exists because the persistence layer must be tested against a real server: BSON types,
/// journaled writes, bulk-write error replies and connection failures cannot be faked honestly.
/// `kill()` (SIGKILL) and `restart()` let crash tests check what survives. Processes it starts are
/// also killed by an `atexit` handler, so none outlive the test process.
///
/// The process is started by the project's one SecantusDB launcher, `scripts/secantus.py` (found by
/// walking up from this source file): `secantus.py exec` becomes the server with the same command
/// line the scripts, the e2e suite and the bench use (`$SECANTUSD`, else `.venv/bin/secantusd-py`),
/// keeping its pid, so this object can signal and reap it directly; `secantus.py wait` says when it
/// answers a MongoDB ping. The launcher runs on the venv's Python (or `/usr/bin/python3`).
public final class MongoTestServer: Sendable {
    public let port: Int
    public let dataDirectory: String
    /// `scripts/secantus.py`.
    public let launcher: String
    /// The interpreter that runs the launcher.
    private let python: String
    /// Whether `dataDirectory` was created here (and is deleted by `stop()` / at exit).
    private let ownsDataDirectory: Bool
    private let pid = Mutex<pid_t?>(nil)

    /// `mongodb://127.0.0.1:PORT`.
    public var uri: String { "mongodb://127.0.0.1:\(port)" }

    /// Prepares (does not start) a server: no process, no directory yet.
    /// - Parameters:
    ///   - port: nil picks a free port.
    ///   - dataDirectory: nil creates a temporary directory.
    public init(port: Int? = nil, dataDirectory: String? = nil) throws {
        self.launcher = try Self.findLauncher()
        self.python = Self.findPython(launcher: launcher)
        self.port = try port ?? MongoTestSocket.freePort()
        if let dataDirectory {
            self.dataDirectory = dataDirectory
            self.ownsDataDirectory = false
        } else {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("secantus-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
            self.dataDirectory = directory
            self.ownsDataDirectory = true
        }
        // The directory is created by start(), so a server that is never started (a test that
        // only wants a closed port) leaves nothing behind.
    }

    /// The server's stdout/stderr.
    public var logPath: String { dataDirectory + "/secantusd.log" }

    /// Whether the process is running (started and not yet stopped/killed).
    public var isRunning: Bool { pid.withLock { $0 != nil } }

    /// Starts the server and returns once it answers a ping (≤ 30 s).
    public func start() async throws {
        if isRunning { return }
        let storage = dataDirectory + "/db"
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        let child = try Self.spawn(
            [python, launcher, "exec", "--port", String(port), "--data", storage], logPath: logPath)
        pid.withLock { $0 = child }
        MongoTestProcessRegistry.add(child, deleteOnExit: ownsDataDirectory ? dataDirectory : nil)
        try await waitUntilAnswering(child)
    }

    /// Stops the server gracefully (SIGTERM, then SIGKILL after 5 s). Keeps the data directory.
    public func stop() async {
        guard let child = takePID() else { return }
        deliver(SIGTERM, to: child)
        for _ in 0..<50 {
            if Self.reap(child, blocking: false) { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
        deliver(SIGKILL, to: child)
        _ = Self.reap(child, blocking: true)
    }

    /// Crashes the server (SIGKILL) and waits for it to be gone. Keeps the data directory.
    public func kill() {
        guard let child = takePID() else { return }
        deliver(SIGKILL, to: child)
        _ = Self.reap(child, blocking: true)
    }

    /// Freezes the server (SIGSTOP): it keeps its connections open and answers nothing, as a
    /// hung database does, until `resume()`.
    public func pause() {
        pid.withLock { child in child.map { deliver(SIGSTOP, to: $0) } }
    }

    /// Lets a `pause()`d server run again (SIGCONT).
    public func resume() {
        pid.withLock { child in child.map { deliver(SIGCONT, to: $0) } }
    }

    /// Stops (gracefully) and starts again on the same port and data directory.
    public func restart() async throws {
        await stop()
        try await start()
    }

    /// Stops the server and deletes its data directory if this object created it.
    public func stopAndRemoveData() async {
        await stop()
        if ownsDataDirectory {
            try? FileManager.default.removeItem(atPath: dataDirectory)
        }
    }

    private func takePID() -> pid_t? {
        let child = pid.withLock { current -> pid_t? in
            defer { current = nil }
            return current
        }
        if let child { MongoTestProcessRegistry.remove(child) }
        return child
    }

    /// Runs `secantus.py wait` (TCP connect plus a MongoDB ping, up to 30 s) beside the server,
    /// and gives up as soon as the server itself exits.
    private func waitUntilAnswering(_ child: pid_t) async throws {
        let waiter = try Self.spawn(
            [python, launcher, "wait", "--port", String(port), "--pid", String(child), "--timeout", "30"],
            logPath: logPath
        )
        while true {
            if Self.reap(child, blocking: false) {
                _ = takePID()
                deliver(SIGKILL, to: waiter)
                _ = Self.exitStatus(of: waiter, blocking: true)
                throw MongoTestServerError.didNotStart(
                    "SecantusDB exited during start-up; see \(logPath):\n\(Self.tail(of: logPath))"
                )
            }
            if let status = Self.exitStatus(of: waiter, blocking: false) {
                if status == 0 { return }
                kill()
                throw MongoTestServerError.didNotStart(
                    "SecantusDB did not answer on port \(port) within 30 s; see \(logPath):\n\(Self.tail(of: logPath))"
                )
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Whether `child` has exited (and was reaped).
    private static func reap(_ child: pid_t, blocking: Bool) -> Bool {
        exitStatus(of: child, blocking: blocking) != nil
    }

    /// The exit status of `child` once it has exited (and was reaped), else nil; -1 if it was
    /// killed by a signal or is not our child.
    private static func exitStatus(of child: pid_t, blocking: Bool) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(child, &status, blocking ? 0 : WNOHANG)
        if result == child { return status & 0x7f == 0 ? (status >> 8) & 0xff : -1 }
        return result < 0 ? -1 : nil
    }

    /// Starts `arguments` with stdin from /dev/null and stdout/stderr appended to `logPath`.
    ///
    /// posix_spawn hands the child every descriptor the test process has open (listening
    /// sockets of provider doubles, client connections), and a child that holds a copy of a
    /// socket keeps it from ever closing: a double would never see its client hang up. Glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` is not visible from Swift, so the launcher
    /// closes every descriptor above 2 itself before it does anything else (and `exec` then
    /// replaces it with the server, keeping the pid).
    private static func spawn(_ arguments: [String], logPath: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let result = argv.withUnsafeBufferPointer { argvBuffer -> Int32 in
            guard let base = argvBuffer.baseAddress else { return EINVAL }
            return posix_spawn(&child, arguments[0], &actions, nil, base, environ)
        }
        guard result == 0 else {
            throw MongoTestServerError.spawnFailed(
                "posix_spawn \(arguments[0]) failed: \(String(cString: strerror(result)))")
        }
        return child
    }

    private static func tail(of path: String) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }

    /// `scripts/secantus.py` in the nearest ancestor directory of this file (the repository).
    static func findLauncher(filePath: String = #filePath) throws -> String {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("scripts/secantus.py").path
            if FileManager.default.fileExists(atPath: candidate) {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        throw MongoTestServerError.executableNotFound("scripts/secantus.py not found above \(filePath)")
    }

    /// The repository's `.venv/bin/python` (beside secantusd-py; `scripts/bootstrap.sh` creates
    /// it), else `/usr/bin/python3`: the launcher needs only the standard library.
    static func findPython(launcher: String) -> String {
        let root = URL(fileURLWithPath: launcher).deletingLastPathComponent().deletingLastPathComponent()
        let venvPython = root.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venvPython) ? venvPython : "/usr/bin/python3"
    }
}

/// `kill(2)`; a file-level function so the name does not resolve to `MongoTestServer.kill()`.
private func deliver(_ signal: Int32, to pid: pid_t) {
    kill(pid, signal)
}
