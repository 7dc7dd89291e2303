import Foundation
@testable import Runtime
import XCTest

/// Fuzzing of the spike decoder and the input streams' checks: any frames at all are read without
/// a trap, classified, and counted so that the counters balance. Bounded to about 1.5 s here;
/// `NEURITE_FUZZ_SECONDS=60 swift test --filter LiveDecoderFuzz` runs longer, and with
/// `NEURITE_FUZZ_PRINT=1` prints the first input of each outcome as a corpus entry.
final class LiveDecoderFuzzTests: XCTestCase {
    /// `Fixtures/live-fuzz-corpus.json`: inputs written with Python's `struct` from
    /// `docs/live-io.md` (not with the Swift encoder), and what the stateless reading gives.
    struct Entry: Decodable {
        var name: String
        var frames: [String]
        var expect: String

        var bytes: [[UInt8]] {
            frames.map { hex in
                let digits = Array(hex.utf8)
                return stride(from: 0, to: digits.count, by: 2).map {
                    UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
                }
            }
        }
    }

    static func corpus() throws -> [Entry] {
        let url = Bundle.module.url(forResource: "Fixtures/live-fuzz-corpus", withExtension: "json")!
        return try JSONDecoder().decode([Entry].self, from: Data(contentsOf: url))
    }

    static func outcome(_ parse: SpikeParse) -> String {
        switch parse {
        case .message: "taken"
        case .rejected(let reason, _): reason.rawValue
        }
    }

    func testCorpusEntriesAreReadAsExpected() throws {
        let corpus = try Self.corpus()
        XCTAssertGreaterThan(corpus.count, 20)
        for entry in corpus { XCTAssertEqual(Self.outcome(SpikeMessage.parse(entry.bytes)), entry.expect, entry.name) }
    }

    func testFuzzedInputNeverTrapsAndAlwaysBalances() throws {
        let seconds = ProcessInfo.processInfo.environment["NEURITE_FUZZ_SECONDS"].flatMap(Double.init) ?? 1.5
        let seeds = try Self.corpus().map(\.bytes)
        var rng = SplitMix(seed: 20261130)
        let second = LiveStream(label: "b", streamID: 7, keyBase: 0, size: 3)
        var streams = LiveInputStreams([LiveTest.input, second])
        var taken = 0, seen: [String: [[UInt8]]] = [:]
        var tick = 0
        let deadline = Date(timeIntervalSinceNow: seconds)
        while taken % 256 != 0 || Date() < deadline {
            let frames = Self.mutate(seeds[Int(rng.next() % UInt64(seeds.count))], &rng)
            let parse = SpikeMessage.parse(frames)
            if case .message(let m) = parse, m.header.version == SpikeWire.version, frames.count == 3, frames[0] == Array(m.topic.utf8) {
                XCTAssertEqual(m.frames(), frames, "a message read back differs from its frames")
            }
            if seen[Self.outcome(parse)] == nil { seen[Self.outcome(parse)] = frames }
            streams.take(frames)
            taken += 1
            if rng.next() % 8 == 0 {
                tick += Int(rng.next() % 4)
                _ = streams.handOver(tick: tick)
            }
            let c = streams.counters
            let messages = c.reduce(streams.unattributedMessages) { $0 + $1.messages }
            if messages != taken || !c.allSatisfy({ $0.received == $0.delivered + $0.late + $0.rejected + $0.pending }) {
                return XCTFail("counters out of balance after \(taken) inputs; last: \(frames)")
            }
        }
        XCTAssertTrue(Set(streams.rejections.keys).isSuperset(of: [.unknownStream, .topicMismatch, .keyOutOfRange, .sequenceRepeat,
                                                                   .tickInPast, .afterEndOfStream]), "\(streams.rejections.keys)")
        streams.rejectPending()
        XCTAssertTrue(streams.counters.allSatisfy { $0.pending == 0 && $0.received == $0.delivered + $0.late + $0.rejected })
        // The mutations reach every outcome the reader has.
        XCTAssertEqual(Set(seen.keys), Set(SpikeRejection.allCases.map(\.rawValue) + ["taken"]).subtracting(
            [SpikeRejection.unknownStream, .topicMismatch, .keyOutOfRange, .sequenceRepeat, .tickInPast, .afterEndOfStream, .afterRunEnd]
                .map(\.rawValue)))
        if ProcessInfo.processInfo.environment["NEURITE_FUZZ_PRINT"] != nil {
            for (outcome, frames) in seen.sorted(by: { $0.key < $1.key }) {
                let hex = frames.map { $0.map { String(format: "%02x", $0) }.joined() }
                print(#"{"name": "fuzzed", "frames": \#(hex), "expect": "\#(outcome)"}"#)
            }
        }
        print("fuzzed \(taken) inputs in \(seconds) s")
    }

    /// One to three random edits of `seed`: bit flips, byte overwrites, truncation, extension,
    /// frames dropped, repeated or added, and header fields set to edge values.
    static func mutate(_ seed: [[UInt8]], _ rng: inout SplitMix) -> [[UInt8]] {
        var frames = seed
        for _ in 0...(rng.next() % 3) {
            let f = frames.isEmpty ? 0 : Int(rng.next() % UInt64(frames.count))
            switch rng.next() % 9 {
            case 0 where !frames.isEmpty && !frames[f].isEmpty:
                frames[f][Int(rng.next() % UInt64(frames[f].count))] ^= UInt8(1 << (rng.next() % 8))
            case 1 where !frames.isEmpty && !frames[f].isEmpty:
                frames[f][Int(rng.next() % UInt64(frames[f].count))] = UInt8(truncatingIfNeeded: rng.next())
            case 2 where !frames.isEmpty: frames[f].removeLast(Int(rng.next() % UInt64(frames[f].count + 1)))
            case 3 where !frames.isEmpty: frames[f] += (0..<(rng.next() % 9)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            case 4 where !frames.isEmpty: frames.remove(at: f)
            case 5 where !frames.isEmpty && frames.count < 6: frames.insert(frames[f], at: f)
            case 6: frames.append((0..<(rng.next() % 48)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            case 7 where frames.count > 1 && frames[1].count == 40:
                // A header field (stream id, sequence, tick or count) set to an edge value.
                let fields = [(8, 4), (12, 8), (20, 8), (28, 4)]
                let (offset, width) = fields[Int(rng.next() % 4)]
                let values: [UInt64] = [0, 1, 7, 0xFFFF_FFFF, .max, rng.next()]
                let v = values[Int(rng.next() % UInt64(values.count))]
                for b in 0..<width { frames[1][offset + b] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(b))) }
            default:
                if frames.count > 2 && frames[2].count >= 8 { frames[2].swapAt(0, 4) }
            }
        }
        return frames
    }
}

/// A small seeded generator (SplitMix64), so that a failing run can be repeated.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
