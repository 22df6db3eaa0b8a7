import Foundation
import Logging
import NIOPosix

@testable import Persistence

/// Temporary spool directories and sample records for the spool's unit tests.
enum SpoolTestSupport {
    /// A fresh, empty directory path (not created) under the temporary directory.
    static func directory() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("spool-test-\(UInt64.random(in: 0...UInt64.max))").path
    }

    /// Opens a spool on `directory` with the shared test thread pool.
    static func open(
        _ directory: String, maxBytes: Int = 1 << 30, segmentBytes: Int = InteractionSpool.defaultSegmentBytes
    ) async throws -> InteractionSpool {
        try await InteractionSpool.open(
            directory: directory, maxBytes: maxBytes, segmentBytes: segmentBytes,
            threadPool: MongoStoreFixture.threadPool, logger: Logger(label: "spool-tests"))
    }

    /// The same interaction for the same `index` (its id is the index in hex), `requestedAt` increasing with it.
    static func interaction(_ index: Int) -> Interaction {
        let hex = String(index, radix: 16)
        var interaction = MongoStoreFixture.minimalInteraction(id: String(repeating: "0", count: 24 - hex.count) + hex)
        interaction.prompt = "prompt number \(index)"
        interaction.requestedAt = Date(timeIntervalSince1970: 1_781_000_000 + Double(index))
        return interaction
    }

    /// The BSON bytes `interaction` is spooled as.
    static func payload(_ interaction: Interaction) throws -> [UInt8] {
        try InteractionSpool.payload(of: interaction)
    }

    /// Names of the segment files in `directory`, sorted.
    static func segmentFiles(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasPrefix("segment-") && $0.hasSuffix(".spool") }.sorted()
    }

    /// Every record the drainer would replay, in order (acknowledging nothing).
    static func readAll(_ spool: InteractionSpool) async throws -> [[UInt8]] {
        guard let batch = try await spool.readBatch(maxRecords: .max) else { return [] }
        return batch.records.map(\.payload)
    }
}
