import MongoDriver

extension InteractionStore {
    /// What happened to a run of spooled documents handed to `replay`.
    public struct ReplayOutcome: Sendable {
        /// How many leading documents are now in MongoDB (inserted, or already there).
        var acknowledged: Int
        /// A document the server rejected for good (validation, not reachability): index and why.
        var rejected: (index: Int, error: PersistenceError)?
        /// Why replay stopped before the end without a rejection (MongoDB unreachable again, …).
        var stoppedBy: PersistenceError?
    }

    /// Inserts spooled documents (raw BSON) in order with ordered bulk inserts, so they reach
    /// MongoDB in the order they were spooled. A duplicate key (11000) means "already stored" (a
    /// replay after a crash, or a write that timed out but landed) and counts as success; replay
    /// continues after it. Stops at the first other failure and says which.
    public func replay(_ payloads: [[UInt8]]) async -> ReplayOutcome {
        do {
            return try await database.withCollection(Self.collectionName) { collection throws(MongoError) in
                var documents: [BSONDocument] = []
                documents.reserveCapacity(payloads.count)
                for (index, payload) in payloads.enumerated() {
                    do throws(MongoError) {
                        documents.append(try BSONDocument(bytes: payload))
                    } catch {
                        // Checksummed but not BSON: cannot happen short of a bug; replay the prefix.
                        return Self.replayPrefix(
                            documents, into: collection, rejectedAt: (index, PersistenceError(error)))
                    }
                }
                return Self.replayPrefix(documents, into: collection, rejectedAt: nil)
            }
        } catch {
            return ReplayOutcome(acknowledged: 0, rejected: nil, stoppedBy: PersistenceError(error))
        }
    }

    /// The blocking part of `replay` (thread-pool threads only).
    private static func replayPrefix(
        _ documents: [BSONDocument], into collection: MongoCollection, rejectedAt: (Int, PersistenceError)?
    ) -> ReplayOutcome {
        var start = 0
        while start < documents.count {
            // Not re-validated by libmongoc: the documents are the ones `Interaction.bsonDocument`
            // built (Swift strings, fixed keys), checksummed in the log since.
            let outcome = collection.insertMany(Array(documents[start...]), ordered: true, validate: false)
            guard let overall = outcome.error else {
                start = documents.count
                break
            }
            let reply = outcome.reply
            guard reply.writeConcernErrors.isEmpty, let first = reply.writeErrors.min(by: { $0.index < $1.index })
            else {
                return ReplayOutcome(acknowledged: start, rejected: nil, stoppedBy: PersistenceError(overall))
            }
            let index = start + first.index
            let error = PersistenceError(first.error)
            switch error.code {
            case .duplicateKey:
                start = index + 1
            case .unreachable:
                return ReplayOutcome(acknowledged: index, rejected: nil, stoppedBy: error)
            case _ where error.isMongoRefusal:
                // Refused for every document alike (credentials, namespace): not this record's fault.
                return ReplayOutcome(acknowledged: index, rejected: nil, stoppedBy: error)
            default:
                return ReplayOutcome(acknowledged: index, rejected: (index, error), stoppedBy: nil)
            }
        }
        return ReplayOutcome(acknowledged: documents.count, rejected: rejectedAt, stoppedBy: nil)
    }
}
