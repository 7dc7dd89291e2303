import Foundation
@testable import Runtime
import XCTest

/// Live I/O servers and clients on ephemeral loopback ports, for the live tests.
enum LiveTest {
    static let input = LiveStream(label: "stim", streamID: 1, keyBase: 1000, size: 100)
    static let output = LiveStream(label: "cells", streamID: 2, keyBase: 5000, size: 50)

    /// A configuration on `tcp://127.0.0.1:*` with one input and one output stream, short timeouts.
    static func configuration(_ mode: LiveMode = .lockStep, inputs: [LiveStream] = [input], outputs: [LiveStream] = [output],
                              clients: Int = 1) -> LiveIOConfiguration {
        var c = LiveIOConfiguration(inputs: inputs, outputs: outputs, dtNs: 1_000_000, mode: mode)
        c.controlEndpoint = "tcp://127.0.0.1:*"
        c.spikesInEndpoint = "tcp://127.0.0.1:*"
        c.spikesOutEndpoint = "tcp://127.0.0.1:*"
        c.clients = clients
        c.startTimeout = 10
        c.inputTimeout = 10
        return c
    }

    /// Runs `body` on a thread of its own (a client owns its sockets on one thread) and returns a
    /// handle to wait for it and get what it threw.
    static func thread(_ body: @escaping @Sendable () throws -> Void) -> Joinable {
        let joinable = Joinable()
        Thread {
            do { try body() } catch { joinable.error = error }
            joinable.done.signal()
        }.start()
        return joinable
    }

    /// Polls `condition` for up to `timeout` seconds.
    static func eventually(timeout: Double = 5, _ condition: () -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(2000)
        }
        return condition()
    }
}

/// A thread to wait for.
final class Joinable: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    var error: Error?

    /// Waits at most `timeout` s; fails the test if the thread threw or did not finish.
    func join(timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line) {
        guard done.wait(timeout: .now() + timeout) == .success else { return XCTFail("thread did not finish", file: file, line: line) }
        if let error { XCTFail("thread threw: \(error)", file: file, line: line) }
    }
}

extension LiveTest {
    /// Frames of a message on `LiveTest.input` (or any stream id and topic), version 1.0 unless told.
    static func frames(topic: String = "in/stim", kind: UInt8 = 1, version: UInt16 = 0x0100, stream: UInt32 = 1, sequence: UInt64,
                       tick: UInt64, keys: [UInt32], count: UInt32? = nil) -> [[UInt8]] {
        var header = SpikeHeader(version: version, kind: .spikes, streamID: stream, sequence: sequence, tick: tick,
                                 count: count ?? UInt32(keys.count))
        header.kind = kind
        return SpikeMessage(topic: topic, header: header, keys: keys).frames()
    }

    /// A script of messages on `LiveTest.input` that hits every rejection but `after_run_end` once
    /// (that one comes when a run of fewer than 1000 ticks finishes), with what each should give
    /// (nil: taken). Taken: 2 spikes at tick 5, 1 at tick 1000; a sequence gap of 1.
    static func faultScript() -> [(expect: SpikeRejection?, frames: [[UInt8]])] {
        let ok = frames(sequence: 0, tick: 5, keys: [1000, 1001])
        var badMagic = ok
        badMagic[1][0] ^= 0xFF
        return [
            (nil, ok),
            (.sequenceRepeat, frames(sequence: 0, tick: 6, keys: [1002])),
            (.tickInPast, frames(sequence: 1, tick: 5, keys: [1003])),
            (.keyOutOfRange, frames(sequence: 1, tick: 6, keys: [1000, 1100])),
            (.topicMismatch, frames(topic: "in/other", sequence: 2, tick: 7, keys: [1004])),
            (.unknownStream, frames(stream: 99, sequence: 0, tick: 7, keys: [7])),
            (.missingFrames, Array(frames(sequence: 2, tick: 7, keys: []).prefix(2))),
            (.extraFrames, frames(sequence: 2, tick: 7, keys: [1005]) + [[1, 2, 3]]),
            (.badHeaderSize, [Array("in/stim".utf8), Array(repeating: 0, count: 39), []]),
            (.badMagic, badMagic),
            (.unsupportedVersion, frames(version: 0x0200, sequence: 2, tick: 7, keys: [1005])),
            (.unknownKind, frames(kind: 3, sequence: 2, tick: 7, keys: [1005])),
            (.countMismatch, frames(sequence: 2, tick: 7, keys: [1005], count: 2)),
            (.endOfStreamWithKeys, frames(kind: 2, sequence: 2, tick: 7, keys: [1005])),
            (.keysNotAscending, frames(sequence: 2, tick: 7, keys: [1006, 1005])),
            (nil, frames(sequence: 3, tick: 1000, keys: [1007])),
            (nil, frames(kind: 2, sequence: 4, tick: 1000, keys: [])),
            (.afterEndOfStream, frames(sequence: 5, tick: 1001, keys: [1008])),
        ]
    }
}
