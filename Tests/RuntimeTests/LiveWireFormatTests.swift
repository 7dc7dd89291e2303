import Foundation
@testable import Runtime
import XCTest

/// The spike wire format of DESIGN §5.4 and its checks, without sockets.
final class LiveWireFormatTests: XCTestCase {
    func testHeaderLayoutIsByteExact() {
        let header = SpikeHeader(kind: .spikes, flags: 0xA5, streamID: 0x0403_0201, sequence: 0x0C0B_0A09_0807_0605,
                                 tick: 0x1413_1211_100F_0E0D, count: 0x1817_1615, sentNs: 0x201F_1E1D_1C1B_1A19)
        let bytes = header.encoded()
        XCTAssertEqual(bytes.count, 40)
        XCTAssertEqual(Array(bytes[0..<4]), Array("NSPK".utf8))
        XCTAssertEqual(Array(bytes[4..<8]), [0x00, 0x01, 0x01, 0xA5])
        XCTAssertEqual(Array(bytes[8..<40]), (1...32).map { UInt8($0) })
        XCTAssertEqual(try SpikeHeader.decode(bytes).get(), header)
    }

    func testMessagesRoundTrip() {
        for keys: [UInt32] in [[], [0], [3, 9, 4_000_000_000]] {
            let message = SpikeMessage(topic: "out/x", header: SpikeHeader(kind: .spikes, streamID: 7, sequence: 3, tick: 11,
                                                                         count: UInt32(keys.count), sentNs: 99), keys: keys)
            let frames = message.frames()
            XCTAssertEqual(frames.count, 3)
            XCTAssertEqual(frames[2].count, keys.count * 4)
            XCTAssertEqual(SpikeMessage.parse(frames), .message(message))
        }
        // A later minor version may add trailing frames and flag bits: they are skipped.
        var frames = LiveTest.frames(version: 0x0103, sequence: 0, tick: 1, keys: [1000])
        frames[1][7] = 0x80
        guard case .message(let m) = SpikeMessage.parse(frames + [[9, 9]]) else { return XCTFail("minor 3 not read") }
        XCTAssertEqual(m.keys, [1000])
        XCTAssertEqual(m.header.flags, 0x80)
    }

    func testControlMessagesRoundTrip() {
        let welcome = LiveWelcome(dtNs: 100_000, mode: .freeRun, ticks: 42,
                                  streams: [LiveStreamInfo(LiveTest.input, .input), LiveStreamInfo(LiveTest.output, .output)])
        let messages: [ControlMessage] = [
            .hello(protocolName: "neurite-spikes/1"), .welcome(welcome), .ready(subscriptions: ["out/cells"]), .start(tick: 0),
            .stop(complete: false, ticks: 17), .stop(complete: nil, ticks: nil), .error(message: "no"),
        ]
        for m in messages { XCTAssertEqual(try ControlMessage.decode(m.encoded()).get(), m) }
        XCTAssertEqual(String(decoding: ControlMessage.hello(protocolName: "neurite-spikes/1").encoded(), as: UTF8.self),
                       #"{"protocol":"neurite-spikes\/1","type":"HELLO"}"#)
        for garbage in ["", "[]", "{}", #"{"type":7}"#, #"{"type":"NOPE"}"#, #"{"type":"HELLO"}"#, #"{"type":"START","tick":1.5}"#,
                        #"{"type":"WELCOME","dt_ns":-1,"mode":"lock-step","streams":[]}"#, "\u{1}\u{2}"] {
            XCTAssertThrowsError(try ControlMessage.decode(Array(garbage.utf8)).get(), garbage)
        }
    }

    /// Every rejection of the fault script is counted once, the stream goes on, and the counters
    /// balance throughout.
    func testEveryRejectionIsCountedAndTheCountsBalance() {
        var streams = LiveInputStreams([LiveTest.input])
        var expected: [SpikeRejection: Int] = [:]
        for (expect, frames) in LiveTest.faultScript() {
            streams.take(frames)
            if let expect { expected[expect, default: 0] += 1 }
            XCTAssertEqual(streams.rejections, expected, "after a message expected to give \(expect.map(\.rawValue) ?? "nothing")")
            let c = streams.counters[0]
            XCTAssertEqual(c.received, c.delivered + c.late + c.rejected + c.pending)
        }
        // Unknown stream, and the three whose header cannot be trusted: size, magic, major version.
        XCTAssertEqual(streams.unattributedMessages, 4)
        XCTAssertEqual(streams.counters[0].sequenceGaps, 1)
        XCTAssertEqual(streams.counters[0].pending, 3)
        XCTAssertTrue(streams.counters[0].ended)
        XCTAssertEqual(streams.handOver(tick: 5), [LiveInputBatch(stream: 0, neurons: [0, 1])])
        XCTAssertEqual(streams.counters[0].delivered, 2)
        streams.rejectPending()
        XCTAssertEqual(streams.rejections[.afterRunEnd], 1)
        XCTAssertEqual(Set(streams.rejections.keys), Set(SpikeRejection.allCases))
        XCTAssertEqual(streams.counters[0].pending, 0)
        let c = streams.counters[0]
        XCTAssertEqual(c.received, c.delivered + c.late + c.rejected)
    }

    /// Free-run hand-over: what is queued for earlier ticks comes with the next call, counted late,
    /// merged in ascending order; later ticks wait.
    func testHandOverCountsLateSpikes() {
        var streams = LiveInputStreams([LiveTest.input])
        streams.take(LiveTest.frames(sequence: 0, tick: 2, keys: [1005, 1009]))
        streams.take(LiveTest.frames(sequence: 1, tick: 3, keys: [1001, 1007]))
        streams.take(LiveTest.frames(sequence: 2, tick: 9, keys: [1002]))
        XCTAssertEqual(streams.firstIncomplete(at: 9), nil)
        XCTAssertEqual(streams.firstIncomplete(at: 10), 0)
        XCTAssertEqual(streams.handOver(tick: 3), [LiveInputBatch(stream: 0, neurons: [1, 5, 7, 9])])
        XCTAssertEqual(streams.handOver(tick: 4), [])
        XCTAssertEqual(streams.handOver(tick: 9), [LiveInputBatch(stream: 0, neurons: [2])])
        XCTAssertEqual(streams.counters[0].late, 2)
        XCTAssertEqual(streams.counters[0].delivered, 3)
    }
}
