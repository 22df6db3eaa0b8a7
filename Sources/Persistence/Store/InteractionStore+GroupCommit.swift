import Logging
import MongoDriver
import NIOPosix
import Synchronization

extension InteractionStore {
    /// MongoDB's maximum document size (`maxBsonObjectSize`, 16 MiB on every current server).
    static let maxDocumentBytes = 16 * 1024 * 1024

    /// Writes `batch` on the thread pool, wakes its callers, then takes the next batch if any.
    /// The next batch is submitted as a new work item rather than looped on this thread, so pings
    /// and reads queued on the same pool get their turn between flushes.
    func startFlush(_ batch: [PendingWrite]) {
        database.threadPool.submit { [self] workState in
            let results: [Result<Void, PersistenceError>]
            switch workState {
            case .active:
                let started = ContinuousClock.now
                results = write(batch.map(\.interaction))
                if let flushObserver {
                    let stored = results.reduce(0) { count, result in
                        if case .success = result { return count + 1 }
                        return count
                    }
                    flushObserver(batch.count, ContinuousClock.now - started, stored)
                }
            case .cancelled:
                let error = PersistenceError(code: .shutdown, message: "the persistence thread pool is shut down")
                results = Array(repeating: .failure(error), count: batch.count)
            }
            for (write, result) in zip(batch, results) {
                write.complete(result)
            }
            let (next, idleWaiters) = queue.withLock { $0.next() }
            for waiter in idleWaiters {
                waiter.resume()
            }
            if let next {
                startFlush(next)
            }
        }
    }

    /// One bulk insert of `batch` (BLOCKING: thread-pool threads only); returns each
    /// interaction's outcome in batch order. Internal so tests can drive a known batch.
    func write(_ batch: [Interaction]) -> [Result<Void, PersistenceError>] {
        var results = [Result<Void, PersistenceError>?](repeating: nil, count: batch.count)
        var documents: [BSONDocument] = []
        var batchIndexOfDocument: [Int] = []
        documents.reserveCapacity(batch.count)
        for (index, interaction) in batch.enumerated() {
            let document = interaction.bsonDocument()
            if document.hasFailedAppend || document.byteCount > Self.maxDocumentBytes {
                // Rejected here, alone: sent along, libmongoc would fail the whole batch.
                results[index] = .failure(PersistenceError(
                    code: .invalidDocument,
                    message: "interaction \(interaction.id) is larger than MongoDB's 16 MiB document limit"))
            } else {
                documents.append(document)
                batchIndexOfDocument.append(index)
            }
        }

        if !documents.isEmpty {
            let outcomes = insert(documents)
            for (documentIndex, outcome) in outcomes.enumerated() {
                results[batchIndexOfDocument[documentIndex]] = outcome
            }
        }

        let final = results.map { $0 ?? .failure(PersistenceError(code: .writeFailed, message: "no outcome")) }
        var stored = 0
        for result in final {
            if case .success = result { stored += 1 }
        }
        storedCount.add(stored, ordering: .relaxed)
        failedCount.add(final.count - stored, ordering: .relaxed)
        for result in final {
            guard case .failure(let error) = result else { continue }
            logger.warning(
                "interaction batch partly failed",
                metadata: ["batch": "\(final.count)", "failed": "\(final.count - stored)", "error": "\(error)"])
            break
        }
        return final
    }

    /// `insert_many(ordered: false)` of `documents`; untangles a partial failure per document.
    private func insert(_ documents: [BSONDocument]) -> [Result<Void, PersistenceError>] {
        flushCount.add(1, ordering: .relaxed)
        _ = largestBatchSize.max(documents.count, ordering: .relaxed)
        let outcome: MongoCollection.InsertManyOutcome
        do {
            outcome = try database.withCollectionBlocking(Self.collectionName) { $0.insertMany(documents) }
        } catch {
            return Array(repeating: .failure(PersistenceError(error)), count: documents.count)
        }
        guard let overall = outcome.error else {
            return Array(repeating: .success(()), count: documents.count)
        }
        let reply = outcome.reply
        var results = [Result<Void, PersistenceError>](repeating: .failure(PersistenceError(overall)), count: documents.count)
        for writeError in reply.writeErrors where results.indices.contains(writeError.index) {
            results[writeError.index] = .failure(PersistenceError(writeError.error))
        }
        // The other documents are stored only if the server says so: every document is
        // either inserted or in writeErrors, and no write concern error casts doubt.
        let failed = Set(reply.writeErrors.map(\.index))
        let othersStored = !reply.writeErrors.isEmpty && reply.writeConcernErrors.isEmpty
            && (reply.insertedCount.map { $0 + reply.writeErrors.count == documents.count } ?? false)
        if othersStored {
            for index in results.indices where !failed.contains(index) {
                results[index] = .success(())
            }
        } else if let concern = reply.writeConcernErrors.first {
            for index in results.indices where !failed.contains(index) {
                results[index] = .failure(PersistenceError(concern))
            }
        }
        return results
    }
}
