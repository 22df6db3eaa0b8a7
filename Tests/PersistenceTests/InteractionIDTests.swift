import Foundation
import Synchronization
import Testing

@testable import Persistence

@Suite("InteractionID")
struct InteractionIDTests {
    @Test("an id is 24 lowercase hex characters starting with the current second")
    func format() throws {
        let before = UInt32(Date().timeIntervalSince1970)
        let id = InteractionID.generate()
        let after = UInt32(Date().timeIntervalSince1970)
        #expect(id.utf8.count == 24)
        #expect(id.allSatisfy { "0123456789abcdef".contains($0) })
        let seconds = try #require(InteractionID.seconds(of: id))
        #expect(seconds >= before && seconds <= after)
    }

    @Test("ids from a later second sort after ids from an earlier second")
    func ordering() {
        let early = (0..<100).map { _ in InteractionID.generate(seconds: 1_781_000_000) }
        let late = (0..<100).map { _ in InteractionID.generate(seconds: 1_781_000_001) }
        #expect(early.allSatisfy { e in late.allSatisfy { e < $0 } })
        #expect(InteractionID.generate(seconds: 0x00FF_FFFF) < InteractionID.generate(seconds: 0x0100_0000))
    }

    @Test("ids generated concurrently from many tasks are all distinct")
    func uniqueUnderConcurrency() async {
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<5000).map { _ in InteractionID.generate() } }
            }
            var all: [String] = []
            for await chunk in group { all += chunk }
            return all
        }
        #expect(ids.count == 40_000)
        #expect(Set(ids).count == 40_000)
    }

    @Test("ids share the per-process random middle bytes")
    func processRandomPart() {
        let a = InteractionID.generate()
        let b = InteractionID.generate()
        #expect(a.dropFirst(8).prefix(10) == b.dropFirst(8).prefix(10))
    }

    @Test("strings that are not ids have no timestamp")
    func rejectsNonIDs() {
        #expect(InteractionID.seconds(of: "xyz") == nil)
        #expect(InteractionID.seconds(of: String(repeating: "g", count: 24)) == nil)
    }
}

@Suite("InteractionID ordering within a process")
struct InteractionIDOrderingTests {
    @Test("ids made one after another always sort in the order they were made, across a counter's whole range")
    func strictlyIncreasing() {
        var previous = InteractionID.generate()
        for _ in 0..<70_000 {
            let next = InteractionID.generate()
            #expect(next > previous, "\(next) after \(previous)")
            if next <= previous { break }
            previous = next
        }
    }

    @Test("a clock stepped back keeps the later second, so ids still increase")
    func clockSteppedBack() {
        let now = UInt32(Date().timeIntervalSince1970)
        let first = InteractionID.generate(seconds: now)
        let afterStepBack = InteractionID.generate(seconds: now - 5)
        #expect(afterStepBack > first)
        #expect((InteractionID.seconds(of: afterStepBack) ?? 0) >= now)
    }
}
