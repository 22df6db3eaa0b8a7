import Glibc

/// The few POSIX file calls the spool makes, each turning `errno` into a `PersistenceError`
/// (`.spoolUnwritable`) that names the call and the file.
///
/// It exists so the spool's logic reads as "write, fsync, rename" rather than errno juggling, and
/// so every path through it is a BLOCKING call: use it only on a `NIOThreadPool` thread.
enum SpoolFiles {
    static func error(_ call: String, _ path: String, errno code: Int32 = errno) -> PersistenceError {
        PersistenceError(
            code: .spoolUnwritable,
            message: "spool \(call) \(path) failed: \(String(cString: strerror(code))) (errno \(code))")
    }

    static func createDirectory(_ path: String) throws(PersistenceError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o755) != 0 && errno != EEXIST {
                throw error("mkdir", partial)
            }
        }
    }

    /// Opens (creating if asked) `path` for reading and writing.
    static func open(_ path: String, create: Bool) throws(PersistenceError) -> Int32 {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = Glibc.open(path, flags, 0o644)
        guard fd >= 0 else { throw error("open", path) }
        return fd
    }

    /// Writes all of `bytes` at `offset`.
    static func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws(PersistenceError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                pwrite(fd, buffer.baseAddress! + written, buffer.count - written, off_t(offset + written))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw error("write", path)
            }
            written += result
        }
    }

    /// Reads up to `count` bytes at `offset` (fewer at end of file).
    static func read(_ fd: Int32, count: Int, at offset: Int, path: String) throws(PersistenceError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw error("read", path)
            }
            if result == 0 { break }
            done += result
        }
        bytes.removeLast(count - done)
        return bytes
    }

    /// The whole file.
    static func readAll(_ path: String) throws(PersistenceError) -> [UInt8] {
        let fd = try open(path, create: false)
        defer { close(fd) }
        return try read(fd, count: try size(fd, path: path), at: 0, path: path)
    }

    static func size(_ fd: Int32, path: String) throws(PersistenceError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw error("fstat", path) }
        return Int(info.st_size)
    }

    static func sync(_ fd: Int32, path: String) throws(PersistenceError) {
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    /// fsyncs a directory, so a file created, renamed or deleted in it survives a crash.
    static func syncDirectory(_ path: String) throws(PersistenceError) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw error("open", path) }
        defer { close(fd) }
        try sync(fd, path: path)
    }

    static func truncate(_ fd: Int32, to length: Int, path: String) throws(PersistenceError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw error("ftruncate", path) }
    }

    static func rename(_ from: String, _ to: String) throws(PersistenceError) {
        guard Glibc.rename(from, to) == 0 else { throw error("rename", from) }
    }

    static func remove(_ path: String) throws(PersistenceError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw error("unlink", path) }
    }

    /// Writes `bytes` to a new file `path` (replacing it atomically) and makes it durable.
    static func writeDurably(_ bytes: [UInt8], to path: String, directory: String) throws(PersistenceError) {
        let temporary = path + ".tmp"
        let fd = try open(temporary, create: true)
        do throws(PersistenceError) {
            try truncate(fd, to: 0, path: temporary)
            try write(fd, bytes, at: 0, path: temporary)
            try sync(fd, path: temporary)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        try rename(temporary, path)
        try syncDirectory(directory)
    }

    /// Names of the entries of `path` (without `.` and `..`).
    static func list(_ path: String) throws(PersistenceError) -> [String] {
        guard let directory = opendir(path) else { throw error("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Takes an exclusive advisory lock on `directory/LOCK` for the life of the process, so two
    /// services never share one spool. Returns the descriptor (kept open on purpose). A lock held
    /// elsewhere is retried for up to a second (BLOCKING): a process that is exiting, or a child
    /// between `fork` and `exec` that still holds a copy of the descriptor, lets go within that.
    static func lock(directory: String) throws(PersistenceError) -> Int32 {
        let path = directory + "/LOCK"
        let fd = try open(path, create: true)
        var attempts = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EWOULDBLOCK && attempts < 100 {
                attempts += 1
                usleep(10_000)
                continue
            }
            close(fd)
            if code == EWOULDBLOCK {
                throw PersistenceError(
                    code: .spoolUnwritable, message: "spool directory \(directory) is in use by another process")
            }
            throw error("flock", path, errno: code)
        }
        return fd
    }
}
