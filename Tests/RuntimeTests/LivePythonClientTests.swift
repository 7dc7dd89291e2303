import Foundation
@testable import Runtime
import XCTest

/// `Examples/live/client.py` (pyzmq) against a Swift harness server that echoes each input neuron
/// n as neuron (n + 1) mod 10: the client's whole output is checked.
final class LivePythonClientTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs `python3` with `arguments`; returns its status and output.
    static func python(_ arguments: [String]) throws -> (process: Process, output: Pipe, errors: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return (process, output, errors)
    }

    /// Skips the test where python3 cannot import zmq.
    static func requirePyzmq() throws {
        let probe = try python(["-c", "import zmq"])
        probe.process.waitUntilExit()
        guard probe.process.terminationStatus == 0 else {
            throw XCTSkip("python3 with pyzmq is not available (scripts/setup.sh installs it with pip); Examples/live/client.py not run")
        }
    }

    func testTheExampleClientDrivesALockStepRun() throws {
        try Self.requirePyzmq()
        let ticks = 12
        var config = LiveTest.configuration(inputs: [LiveStream(label: "stim", streamID: 1, keyBase: 100, size: 10)],
                                            outputs: [LiveStream(label: "echo", streamID: 2, keyBase: 200, size: 10)])
        config.ticks = ticks
        let server = try LiveIOServer(config)
        let e = server.endpoints
        let script = Self.repository.appendingPathComponent("Examples/live/client.py").path
        let client = try Self.python([script, "--control", e.control, "--spikes-in", e.spikesIn, "--spikes-out", e.spikesOut,
                                      "--every", "3"])
        try server.start()
        var sent: [[Int]] = []
        for t in 0..<ticks {
            guard case .spikes(let batches) = server.inputs(forTick: t) else { return XCTFail("stopped at tick \(t)") }
            let neurons = batches.first?.neurons ?? []
            sent.append(neurons)
            server.publish(tick: t, stream: 0, neurons: neurons.map { ($0 + 1) % 10 })
        }
        let counters = server.finish(complete: true, ticks: ticks)
        let out = String(decoding: client.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: client.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        client.process.waitUntilExit()
        XCTAssertEqual(client.process.terminationStatus, 0, err)
        let pattern = (0..<ticks).map { t in t % 3 == 0 ? Array(Set([t % 10, (7 * t + 3) % 10])).sorted() : [] }
        XCTAssertEqual(sent, pattern)
        let expected = ["client: dt 1000000 ns, lock-step, driving in/stim for 12 ticks"]
            + (0..<ticks).map { t in "tick \(t): sent \(pattern[t]) | out/echo \(pattern[t].map { ($0 + 1) % 10 }.sorted())" }
            + ["client: STOP after 12 ticks, complete true"]
        XCTAssertEqual(out.split(separator: "\n").map(String.init), expected)
        XCTAssertTrue(counters.balances)
        XCTAssertEqual(counters.totals.delivered, pattern.joined().count)
        XCTAssertEqual(counters.totals.rejected, 0)
    }

    /// The client process killed mid-run: the waiting tick learns at once that it vanished.
    func testAKilledClientIsSeenToVanish() throws {
        try Self.requirePyzmq()
        var config = LiveTest.configuration(inputs: [LiveStream(label: "stim", streamID: 1, keyBase: 100, size: 10)],
                                            outputs: [LiveStream(label: "echo", streamID: 2, keyBase: 200, size: 10)])
        config.inputTimeout = 30
        let server = try LiveIOServer(config)
        let e = server.endpoints
        let script = Self.repository.appendingPathComponent("Examples/live/client.py").path
        let client = try Self.python([script, "--control", e.control, "--spikes-in", e.spikesIn, "--spikes-out", e.spikesOut,
                                      "--ticks", "1000"])
        try server.start()
        for t in 0..<5 {
            guard case .spikes(let batches) = server.inputs(forTick: t) else { return XCTFail("stopped at tick \(t)") }
            server.publish(tick: t, stream: 0, neurons: batches.first?.neurons ?? [])
        }
        guard case .spikes = server.inputs(forTick: 5) else { return XCTFail("stopped at tick 5") }
        kill(client.process.processIdentifier, SIGKILL)
        let t0 = Date()
        XCTAssertEqual(server.inputs(forTick: 6), .stop(.clientVanished(count: 1)))
        XCTAssertLessThan(Date().timeIntervalSince(t0), 5)
        client.process.waitUntilExit()
        let c = server.finish(complete: false, ticks: 6)
        XCTAssertEqual(c.control.clientsVanished, 1)
        XCTAssertTrue(c.balances)
    }
}
