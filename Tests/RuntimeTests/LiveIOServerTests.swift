import Foundation
@testable import Runtime
import XCTest

/// The live server over loopback TCP against Swift clients: handshake, lock-step and free-run
/// hand-over, faults from the network, vanished clients, timeouts, the counters' balance.
final class LiveIOServerTests: XCTestCase {
    func testHandshakeWelcomesAndStarts() throws {
        var config = LiveTest.configuration()
        config.ticks = 7
        let server = try LiveIOServer(config)
        let endpoints = server.endpoints
        XCTAssertTrue(endpoints.control.hasPrefix("tcp://127.0.0.1:") && !endpoints.control.hasSuffix("*"), endpoints.control)
        let client = LiveTest.thread {
            let c = try LiveIOClient(endpoints: endpoints)
            let welcome = try c.handshake()
            XCTAssertEqual(welcome.dtNs, 1_000_000)
            XCTAssertEqual(welcome.mode, .lockStep)
            XCTAssertEqual(welcome.ticks, 7)
            XCTAssertEqual(welcome.streams, [LiveStreamInfo(LiveTest.input, .input), LiveStreamInfo(LiveTest.output, .output)])
            XCTAssertEqual(try c.awaitStart(), 0)
            guard case .stop(let complete, let ticks)? = try c.receiveControl(timeout: 10) else { return XCTFail("no STOP") }
            XCTAssertEqual(complete, true)
            XCTAssertEqual(ticks, 0)
            c.close()
        }
        try server.start()
        let counters = server.finish(complete: true, ticks: 0)
        client.join()
        XCTAssertEqual(counters.control.clientsWelcomed, 1)
        XCTAssertEqual(counters.control.clientsReady, 1)
        XCTAssertEqual(counters.control.clientsVanished, 0)
    }

    /// The spikes a client sends at tick t (ticks t % 7 == 3 send nothing at all).
    static func pattern(_ t: Int) -> [Int]? {
        t % 7 == 3 ? nil : (0..<(t % 5)).map { (t * 7 + $0 * 13) % 100 }
    }

    /// Runs `ticks` lock-step ticks echoing input neurons below 50 to the output; the client
    /// either sends everything at once (`pipelined`) or waits for each tick's output, with jitter.
    /// Returns the hand-over of each tick and what the client received.
    func lockStepRun(ticks: Int, pipelined: Bool) throws -> (handOver: [[LiveInputBatch]], echoed: [[UInt32]], counters: LiveCounters) {
        let server = try LiveIOServer(LiveTest.configuration())
        let endpoints = server.endpoints
        let received = Box<[[UInt32]]>([])
        let client = LiveTest.thread {
            let c = try LiveIOClient(endpoints: endpoints)
            _ = try c.handshake()
            _ = try c.awaitStart()
            var rng = SplitMix(seed: 5)
            func receive() throws {
                guard let m = try c.receiveSpikes(timeout: 10) else { throw LiveIOError("no output") }
                if m.header.kind == SpikeMessageKind.spikes.rawValue { received.value.append(m.keys) }
            }
            for t in 0..<ticks {
                if let neurons = Self.pattern(t) { try c.send("stim", tick: t, neurons: neurons) }
                if !pipelined {
                    usleep(UInt32(rng.next() % 300))
                    if Self.pattern(t) != nil { try receive() }
                }
            }
            try c.endStream("stim", tick: ticks)
            while received.value.count < ticks { try receive() }
            _ = try c.receiveControl(timeout: 10)
            c.close()
        }
        try server.start()
        var handOver: [[LiveInputBatch]] = []
        for t in 0..<ticks {
            guard case .spikes(let batches) = server.inputs(forTick: t) else { XCTFail("stopped at \(t)"); break }
            handOver.append(batches)
            server.publish(tick: t, stream: 0, neurons: batches.first?.neurons.filter { $0 < 50 } ?? [])
        }
        let counters = server.finish(complete: true, ticks: ticks)
        client.join()
        return (handOver, received.value, counters)
    }

    func testLockStepIsDeterministicWhateverTheClientsPace() throws {
        let ticks = 300
        let a = try lockStepRun(ticks: ticks, pipelined: true)
        let b = try lockStepRun(ticks: ticks, pipelined: false)
        let expected = (0..<ticks).map { t in
            Self.pattern(t).flatMap { $0.isEmpty ? nil : [LiveInputBatch(stream: 0, neurons: $0.sorted())] } ?? []
        }
        XCTAssertEqual(a.handOver, expected)
        XCTAssertEqual(b.handOver, expected)
        let echoed = expected.map { $0.first?.neurons.filter { $0 < 50 }.map { UInt32(5000 + $0) } ?? [] }
        XCTAssertEqual(a.echoed, echoed)
        XCTAssertEqual(b.echoed, echoed)
        for c in [a.counters, b.counters] {
            XCTAssertTrue(c.balances)
            XCTAssertEqual(c.totals.delivered, expected.joined().reduce(0) { $0 + $1.neurons.count })
            XCTAssertEqual(c.totals.rejected + c.totals.late + c.totals.pending, 0)
            XCTAssertEqual(c.outputs[0].messages, ticks + 1)
            XCTAssertEqual(c.outputs[0].droppedMessages, 0)
        }
    }

    /// Free-run never waits: spikes for a tick already handed over come with the next call,
    /// counted late; spikes for later ticks wait for them.
    func testFreeRunCountsLateSpikes() throws {
        let server = try LiveIOServer(LiveTest.configuration(.freeRun))
        let endpoints = server.endpoints
        let sent = DispatchSemaphore(value: 0), proceed = DispatchSemaphore(value: 0)
        let client = LiveTest.thread {
            let c = try LiveIOClient(endpoints: endpoints)
            _ = try c.handshake()
            _ = try c.awaitStart()
            proceed.wait()
            try c.send("stim", tick: 1, neurons: [4, 2])
            try c.send("stim", tick: 6, neurons: [9])
            sent.signal()
            _ = try c.receiveControl(timeout: 10)
            c.close()
        }
        try server.start()
        for t in 0..<3 { XCTAssertEqual(server.inputs(forTick: t), .spikes([])) }
        proceed.signal()
        sent.wait()
        XCTAssertTrue(LiveTest.eventually { server.counters().totals.received == 3 })
        XCTAssertEqual(server.inputs(forTick: 3), .spikes([LiveInputBatch(stream: 0, neurons: [2, 4])]))
        XCTAssertEqual(server.inputs(forTick: 5), .spikes([]))
        XCTAssertEqual(server.inputs(forTick: 6), .spikes([LiveInputBatch(stream: 0, neurons: [9])]))
        let c = server.finish(complete: true, ticks: 7)
        client.join()
        XCTAssertEqual(c.inputs[0].late, 2)
        XCTAssertEqual(c.inputs[0].delivered, 1)
        XCTAssertTrue(c.balances)
    }

    /// The fault script over the wire, and garbage on the control channel: everything is counted,
    /// ERROR replies come back, and the server goes on.
    func testMalformedInputIsCountedAndTheRunGoesOn() throws {
        let server = try LiveIOServer(LiveTest.configuration(.freeRun))
        let endpoints = server.endpoints
        let script = LiveTest.faultScript()
        let replies = Box<[ControlMessage]>([])
        let client = LiveTest.thread {
            let c = try LiveIOClient(endpoints: endpoints)
            _ = try c.handshake()
            _ = try c.awaitStart()
            for (_, frames) in script { try c.sendFrames(frames) }
            let garbage = ["not json", #"{"type":"HELLO","protocol":"neurite-spikes/9"}"#, #"{"type":"BOGUS"}"#,
                           #"{"type":"START","tick":0}"#]
            for g in garbage { try c.sendControl(bytes: Array(g.utf8)) }
            for _ in garbage { if let m = try c.receiveControl(timeout: 10) { replies.value.append(m) } }
            let stranger = try LiveIOClient(endpoints: endpoints)
            try stranger.sendControl(.ready(subscriptions: []))
            if let m = try stranger.receiveControl(timeout: 10) { replies.value.append(m) }
            stranger.close()
            _ = try c.receiveControl(timeout: 10)
            c.close()
        }
        try server.start()
        XCTAssertTrue(LiveTest.eventually { server.counters().control.errorsSent == 5 })
        XCTAssertTrue(LiveTest.eventually {
            let c = server.counters()
            return c.inputs[0].messages + c.unattributedMessages == script.count
        })
        XCTAssertEqual(server.inputs(forTick: 5), .spikes([LiveInputBatch(stream: 0, neurons: [0, 1])]))
        let c = server.finish(complete: true, ticks: 10)
        client.join()
        XCTAssertEqual(replies.value.count, 5)
        for reply in replies.value {
            guard case .error(let message) = reply else { return XCTFail("\(reply) is not an ERROR") }
            XCTAssertFalse(message.isEmpty)
        }
        for reason in SpikeRejection.allCases { XCTAssertEqual(c.rejections[reason.rawValue], 1, reason.rawValue) }
        XCTAssertEqual(c.control.wrongProtocol, 1)
        XCTAssertEqual(c.control.malformed, 4)
        XCTAssertEqual(c.inputs[0].delivered, 2)
        XCTAssertEqual(c.inputs[0].sequenceGaps, 1)
        XCTAssertTrue(c.balances)
        XCTAssertEqual(c.totals.pending, 0)
        XCTAssertEqual(c.totals.received, c.totals.delivered + c.totals.rejected)
    }

    func testAVanishedClientStopsALockStepRun() throws {
        let server = try LiveIOServer(LiveTest.configuration())
        let endpoints = server.endpoints
        let consumed = DispatchSemaphore(value: 0)
        let client = LiveTest.thread {
            let c = try LiveIOClient(endpoints: endpoints)
            _ = try c.handshake()
            _ = try c.awaitStart()
            try c.send("stim", tick: 0, neurons: [1])
            try c.send("stim", tick: 1, neurons: [])
            consumed.wait()
            c.close()
        }
        try server.start()
        XCTAssertEqual(server.inputs(forTick: 0), .spikes([LiveInputBatch(stream: 0, neurons: [1])]))
        XCTAssertEqual(server.inputs(forTick: 1), .spikes([]))
        consumed.signal()
        let started = Date()
        XCTAssertEqual(server.inputs(forTick: 2), .stop(.clientVanished(count: 1)))
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        let c = server.finish(complete: false, ticks: 2)
        client.join()
        XCTAssertEqual(c.control.clientsVanished, 1)
        XCTAssertEqual(c.stopReason, "1 live client vanished")
    }

    func testALockStepTickWaitsAtMostTheInputTimeoutAndCanBeInterrupted() throws {
        var config = LiveTest.configuration()
        config.inputTimeout = 0.3
        let server = try LiveIOServer(config)
        let endpoints = server.endpoints
        let release = DispatchSemaphore(value: 0)
        let client = LiveTest.thread {
            let c = try LiveIOClient(endpoints: endpoints)
            _ = try c.handshake()
            _ = try c.awaitStart()
            release.wait()
            c.close()
        }
        try server.start()
        let t0 = Date()
        XCTAssertEqual(server.inputs(forTick: 0), .stop(.inputTimeout(stream: "stim", tick: 0)))
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(t0), 0.29)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 3)
        server.finish(complete: false, ticks: 0)
        release.signal()
        client.join()

        config.inputTimeout = 30
        let second = try LiveIOServer(config)
        let endpoints2 = second.endpoints
        let client2 = LiveTest.thread {
            let c = try LiveIOClient(endpoints: endpoints2)
            _ = try c.handshake()
            _ = try c.awaitStart()
            release.wait()
            c.close()
        }
        try second.start()
        let t1 = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { second.interrupt() }
        XCTAssertEqual(second.inputs(forTick: 0), .stop(.interrupted))
        XCTAssertLessThan(Date().timeIntervalSince(t1), 2)
        second.finish(complete: false, ticks: 0)
        release.signal()
        client2.join()
    }

    func testStartTimesOutWithoutClients() throws {
        var config = LiveTest.configuration()
        config.startTimeout = 0.2
        let server = try LiveIOServer(config)
        XCTAssertThrowsError(try server.start()) { XCTAssertTrue("\($0)".contains("0 of 1 live clients were READY"), "\($0)") }
        server.finish(complete: false, ticks: 0)
    }

    /// Thousands of ticks in and out on loopback, the client at most 20 ticks ahead: every spike
    /// is delivered at its tick, every output arrives in sequence, and the counts balance.
    func testSoakThousandsOfTicksBalance() throws {
        let ticks = 20_000
        let server = try LiveIOServer(LiveTest.configuration())
        let endpoints = server.endpoints
        let outcome = Box<(sent: Int, outputs: Int, spikesOut: Int, gaps: Int)>((0, 0, 0, 0))
        let client = LiveTest.thread {
            let c = try LiveIOClient(endpoints: endpoints)
            _ = try c.handshake()
            _ = try c.awaitStart()
            var sent = 0, outputs = 0, spikesOut = 0, gaps = 0, nextSequence: UInt64 = 0
            func receive() throws {
                guard let m = try c.receiveSpikes(timeout: 10) else { throw LiveIOError("no output after \(outputs)") }
                if m.header.sequence != nextSequence { gaps += 1 }
                nextSequence = m.header.sequence + 1
                outputs += 1
                spikesOut += m.keys.count
            }
            for t in 0..<ticks {
                let neurons = (0..<(t % 9)).map { ($0 * 11 + t) % 100 }
                try c.send("stim", tick: t, neurons: Array(Set(neurons)))
                sent += Set(neurons).count
                if t >= 20 { try receive() }
            }
            try c.endStream("stim", tick: ticks - 1)
            while outputs < ticks + 1 { try receive() }
            outcome.value = (sent, outputs, spikesOut, gaps)
            _ = try c.receiveControl(timeout: 10)
            c.close()
        }
        try server.start()
        var echoed = 0
        for t in 0..<ticks {
            guard case .spikes(let batches) = server.inputs(forTick: t) else { return XCTFail("stopped at \(t)") }
            let neurons = batches.first?.neurons.filter { $0 < 50 } ?? []
            echoed += neurons.count
            server.publish(tick: t, stream: 0, neurons: neurons)
        }
        let c = server.finish(complete: true, ticks: ticks)
        client.join()
        XCTAssertTrue(c.balances)
        XCTAssertEqual(c.totals.received, outcome.value.sent)
        XCTAssertEqual(c.totals.delivered, outcome.value.sent)
        XCTAssertEqual(c.outputs[0].messages, ticks + 1)
        XCTAssertEqual(c.outputs[0].spikes, echoed)
        XCTAssertEqual(outcome.value.outputs, ticks + 1)
        XCTAssertEqual(outcome.value.spikesOut, echoed)
        XCTAssertEqual(outcome.value.gaps, 0)
    }
}

/// A value a test's client thread fills in.
final class Box<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
