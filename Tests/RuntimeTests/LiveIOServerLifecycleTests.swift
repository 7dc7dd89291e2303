import Foundation
@testable import Runtime
import XCTest

/// The live server's life: several clients, a client's STOP, output held back and then dropped
/// (and counted) for a subscriber that does not read, and no file descriptors left behind.
final class LiveIOServerLifecycleTests: XCTestCase {
    /// Two clients, one feeding the input and one only watching: START waits for both, both get
    /// every output.
    func testStartWaitsForEveryClient() throws {
        let server = try LiveIOServer(LiveTest.configuration(clients: 2))
        let endpoints = server.endpoints
        let ready = DispatchSemaphore(value: 0)
        func client(feeds: Bool) -> Joinable {
            LiveTest.thread {
                let c = try LiveIOClient(endpoints: endpoints)
                if !feeds { ready.wait() }
                _ = try c.handshake()
                _ = try c.awaitStart()
                if feeds { for t in 0..<10 { try c.send("stim", tick: t, neurons: [t]) } }
                for t in 0..<10 {
                    guard let m = try c.receiveSpikes(timeout: 10) else { throw LiveIOError("no output \(t)") }
                    XCTAssertEqual(m.keys, [5000 + UInt32(t)])
                }
                _ = try c.receiveControl(timeout: 10)
                c.close()
            }
        }
        let feeder = client(feeds: true), watcher = client(feeds: false)
        let started = Box(false)
        let starter = LiveTest.thread {
            try server.start()
            started.value = true
        }
        usleep(200_000)
        XCTAssertFalse(started.value, "START went out with one client of two READY")
        ready.signal()
        starter.join()
        for t in 0..<10 {
            guard case .spikes(let batches) = server.inputs(forTick: t) else { return XCTFail("stopped at \(t)") }
            server.publish(tick: t, stream: 0, neurons: batches.first?.neurons ?? [])
        }
        let c = server.finish(complete: true, ticks: 10)
        feeder.join()
        watcher.join()
        XCTAssertEqual(c.control.clientsReady, 2)
        XCTAssertEqual(c.totals.delivered, 10)
    }

    func testAClientsStopEndsTheRun() throws {
        let server = try LiveIOServer(LiveTest.configuration())
        let endpoints = server.endpoints
        let client = LiveTest.thread {
            let c = try LiveIOClient(endpoints: endpoints)
            _ = try c.handshake()
            _ = try c.awaitStart()
            try c.sendControl(.stop(complete: nil, ticks: nil))
            guard case .stop(let complete, _)? = try c.receiveControl(timeout: 10) else { throw LiveIOError("no STOP") }
            XCTAssertEqual(complete, false)
            c.close()
        }
        try server.start()
        XCTAssertEqual(server.inputs(forTick: 0), .stop(.clientStopped))
        XCTAssertEqual(server.stopReason, .clientStopped)
        let c = server.finish(complete: false, ticks: 0)
        client.join()
        XCTAssertEqual(c.stopReason, "a live client sent STOP")
    }

    /// A subscriber that never reads: output is held back up to the backlog, then dropped and
    /// counted; every message published is either sent or dropped, and the simulation never waits.
    func testOutputForASubscriberThatDoesNotReadIsDroppedAndCounted() throws {
        var config = LiveTest.configuration(.freeRun, outputs: [LiveStream(label: "cells", streamID: 2, keyBase: 0, size: 1000)])
        config.highWaterMark = 10
        config.outputBacklog = 10
        let server = try LiveIOServer(config)
        let endpoints = server.endpoints
        let release = DispatchSemaphore(value: 0)
        let client = LiveTest.thread {
            let c = try LiveIOClient(endpoints: endpoints, highWaterMark: 10)
            _ = try c.handshake()
            _ = try c.awaitStart()
            release.wait()
            c.close()
        }
        try server.start()
        let ticks = 3000, all = Array(0..<1000)
        let t0 = Date()
        for t in 0..<ticks {
            _ = server.inputs(forTick: t)
            server.publish(tick: t, stream: 0, neurons: all)
        }
        XCTAssertLessThan(Date().timeIntervalSince(t0), 5)
        XCTAssertTrue(LiveTest.eventually { server.counters().outputs[0].droppedMessages > 0 })
        let c = server.finish(complete: true, ticks: ticks)
        release.signal()
        client.join()
        let out = c.outputs[0]
        XCTAssertEqual(out.messages + out.droppedMessages, ticks + 1)
        XCTAssertEqual(out.spikes + out.droppedSpikes, ticks * 1000)
        XCTAssertGreaterThan(out.messages, 10)
    }

    /// Servers made and finished (or just released) leave no file descriptor open. Each server
    /// holds about ten (sockets, epoll, signalling pipes), so 20 that leaked would leave 200; the
    /// slack allows for other tests' threads closing or opening a few meanwhile.
    func testNothingIsLeftOpen() throws {
        func openDescriptors() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0 }
        func cycle(finishing: Bool) throws {
            let server = try LiveIOServer(LiveTest.configuration(.freeRun, clients: 0))
            try server.start()
            XCTAssertEqual(server.inputs(forTick: 0), .spikes([]))
            if finishing { server.finish(complete: true, ticks: 1) }
        }
        try cycle(finishing: true)
        let before = openDescriptors()
        for i in 0..<20 { try cycle(finishing: i % 2 == 0) }
        XCTAssertLessThan(openDescriptors() - before, 5)
    }
}
