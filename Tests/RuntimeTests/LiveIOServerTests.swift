import Foundation
@testable import Runtime
import XCTest

/// The live server over loopback TCP against Swift clients: handshake, lock-step and free-run
/// hand-over, faults, the counters' balance.
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
}
