import Foundation
@testable import Runtime
import XCTest

/// The per-tick boundary exchange between ranks, each on a thread of its own with its own
/// context (as separate processes would be), over loopback TCP.
final class BoundaryExchangeTests: XCTestCase {
    /// What rank `from` sends rank `to` at `tick` (sometimes nothing), unsorted.
    static func batch(from: Int, to: Int, tick: Int) -> [UInt32] {
        var rng = SplitMix(seed: UInt64(from * 1_000_003 + to * 1009 + tick))
        return (0..<(rng.next() % 6)).map { UInt32(from << 16 | Int($0) * 97 + Int(rng.next() % 90)) }.reversed()
    }

    /// Binds `n` ranks, connects them, and runs `body(rank, exchange)` on one thread per rank.
    func ranks(_ n: Int, security: (Int) -> BoundarySecurity? = { _ in nil },
               _ body: @escaping @Sendable (Int, BoundaryExchange) throws -> Void) throws {
        let exchanges = try (0..<n).map { try BoundaryExchange(rank: $0, listen: "tcp://127.0.0.1:*", security: security($0)) }
        let endpoints = exchanges.map(\.endpoint)
        let handed = Box(exchanges)
        let threads = (0..<n).map { r in
            LiveTest.thread {
                let exchange = handed.value[r]
                try exchange.connect(peers: endpoints)
                try body(r, exchange)
                exchange.close()
            }
        }
        for t in threads { t.join(timeout: 30) }
    }

    func testEveryRankGetsEveryBatchInRankOrder() throws {
        let n = 4, ticks = 300
        try ranks(n) { r, exchange in
            var rng = SplitMix(seed: UInt64(r))
            for tick in 0..<ticks {
                if rng.next() % 4 == 0 { usleep(UInt32(rng.next() % 200)) }
                let got = try exchange.exchange(tick: tick, outgoing: (0..<n).map { Self.batch(from: r, to: $0, tick: tick) })
                let expected = (0..<n).map { $0 == r ? [] : Self.batch(from: $0, to: r, tick: tick).sorted() }
                if got != expected { throw LiveIOError("rank \(r) tick \(tick): got \(got), expected \(expected)") }
            }
        }
    }

    /// Ticks may skip; a rank can run a tick ahead of the others, whose batches wait for it.
    func testSkippedTicksAndEarlyBatches() throws {
        try ranks(3) { r, exchange in
            for tick in stride(from: 2, to: 200, by: 3) {
                if r == 0 { usleep(300) }
                let got = try exchange.exchange(tick: tick, outgoing: (0..<3).map { [UInt32($0 + 10 * r + 100 * tick)] })
                let expected = (0..<3).map { $0 == r ? [] : [UInt32(r + 10 * $0 + 100 * tick)] }
                if got != expected { throw LiveIOError("rank \(r) tick \(tick): got \(got)") }
            }
        }
    }

    func testCurveBetweenRanks() throws {
        let keys = try (0..<3).map { _ in try CurveKeyPair.generate() }
        try ranks(3, security: { BoundarySecurity(keys: keys[$0], peerPublicKeys: keys.map(\.publicKey)) }) { r, exchange in
            for tick in 0..<20 {
                let got = try exchange.exchange(tick: tick, outgoing: (0..<3).map { [UInt32($0 * 100 + r)] })
                if got != (0..<3).map({ $0 == r ? [] : [UInt32(r * 100 + $0)] }) { throw LiveIOError("rank \(r) tick \(tick): got \(got)") }
            }
        }
    }

    func testAMissingRankTimesOutAndAnInterruptEndsTheWait() throws {
        let a = try BoundaryExchange(rank: 0, listen: "tcp://127.0.0.1:*")
        let b = try BoundaryExchange(rank: 1, listen: "tcp://127.0.0.1:*")
        a.timeout = 0.3
        try a.connect(peers: [a.endpoint, b.endpoint])
        let t0 = Date()
        XCTAssertThrowsError(try a.exchange(tick: 0, outgoing: [[], [1]])) {
            XCTAssertTrue("\($0)".contains("nothing from rank 1"), "\($0)")
        }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(t0), 0.29)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 3)
        a.timeout = 30
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { a.interrupt() }
        XCTAssertThrowsError(try a.exchange(tick: 1, outgoing: [[], []])) { XCTAssertTrue("\($0)".contains("interrupted"), "\($0)") }
        XCTAssertLessThan(Date().timeIntervalSince(t0), 3)
        a.close()
        b.close()
    }

    /// A batch that breaks the pair's sequence (here a forged one) is an error, not a silent skip.
    func testABrokenSequenceIsAnError() throws {
        let a = try BoundaryExchange(rank: 0, listen: "tcp://127.0.0.1:*")
        let forger = try ZMQSocket(ZMQContext(), .push, lingerMs: 1000)
        try forger.connect(a.endpoint)
        try a.connect(peers: [a.endpoint, "tcp://127.0.0.1:9"])
        let header = SpikeHeader(kind: .spikes, streamID: 1, sequence: 5, tick: 0, count: 0)
        try forger.send(SpikeMessage(topic: "boundary/1", header: header, keys: []).frames())
        XCTAssertThrowsError(try a.exchange(tick: 0, outgoing: [[], []])) {
            XCTAssertTrue("\($0)".contains("sequence 5, expected 0"), "\($0)")
        }
        forger.close()
        a.close()
    }

    func testANonLoopbackListenNeedsCurve() {
        XCTAssertThrowsError(try BoundaryExchange(rank: 0, listen: "tcp://0.0.0.0:*")) {
            XCTAssertTrue("\($0)".contains("refusing"), "\($0)")
        }
    }
}
