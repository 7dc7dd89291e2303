import Foundation
@testable import Runtime
import XCTest

/// Loopback by default, CURVE to bind anything else, and a ZAP handler that lets in only the
/// allowed client keys.
final class LiveSecurityTests: XCTestCase {
    func testOnlyHostLocalEndpointsAreLocal() {
        for e in ["tcp://127.0.0.1:5560", "tcp://127.3.2.1:*", "tcp://localhost:1", "tcp://[::1]:5", "tcp://lo:5560", "ipc:///tmp/x",
                  "inproc://a"] {
            XCTAssertTrue(EndpointPolicy.isLocal(e), e)
        }
        for e in ["tcp://0.0.0.0:5560", "tcp://*:5560", "tcp://10.0.0.1:5560", "tcp://eth0:1", "tcp://128.0.0.1:1", "tcp://127.0.0:1",
                  "tcp://[::]:5", "pgm://eth0;239.1.1.1:5555", "tcp://127.0.0.1", "nonsense"] {
            XCTAssertFalse(EndpointPolicy.isLocal(e), e)
        }
    }

    func testANonLoopbackBindNeedsCurve() throws {
        var config = LiveTest.configuration()
        config.spikesOutEndpoint = "tcp://0.0.0.0:*"
        XCTAssertThrowsError(try LiveIOServer(config)) {
            XCTAssertTrue("\($0)".contains("refusing to bind the spikes-out endpoint"), "\($0)")
        }
        config.curve = CurveServerSecurity(keys: try CurveKeyPair.generate(), allowedClientKeys: [])
        XCTAssertNoThrow(try config.validate())
    }

    func testAnEndpointInUseIsAnErrorThatSaysSo() throws {
        let first = try LiveIOServer(LiveTest.configuration(clients: 0))
        var config = LiveTest.configuration(clients: 0)
        config.spikesInEndpoint = first.endpoints.spikesIn
        XCTAssertThrowsError(try LiveIOServer(config)) {
            XCTAssertEqual("\($0)", "bind PULL \(first.endpoints.spikesIn): Address already in use")
        }
        first.finish(complete: true, ticks: 0)
    }

    func testKeyFilesRoundTrip() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keys = try CurveKeyPair.generate()
        try keys.write(to: dir + "/sim")
        XCTAssertEqual(try CurveKeyPair.read(from: dir + "/sim"), keys)
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/sim.key")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertNotEqual(try CurveKeyPair.generate(), keys)
        try "# nothing here\n\n".write(toFile: dir + "/bad.pub", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CurveKeyPair.readKeyFile(dir + "/bad.pub"))
        XCTAssertThrowsError(try CurveKeyPair(publicKey: "short", secretKey: keys.secretKey))
    }

    /// CURVE on (over loopback): the allowed client runs; a client with another key pair gets no
    /// answer at all and is counted as refused.
    func testAClientWithoutTheRightKeyIsRefused() throws {
        let serverKeys = try CurveKeyPair.generate(), allowed = try CurveKeyPair.generate(), stranger = try CurveKeyPair.generate()
        var config = LiveTest.configuration()
        config.curve = CurveServerSecurity(keys: serverKeys, allowedClientKeys: [allowed.publicKey])
        let server = try LiveIOServer(config)
        let endpoints = server.endpoints
        let refused = LiveTest.thread {
            let curve = CurveClientSecurity(keys: stranger, serverPublicKey: serverKeys.publicKey)
            let c = try LiveIOClient(endpoints: endpoints, curve: curve)
            try c.sendControl(.hello(protocolName: SpikeWire.controlProtocol))
            XCTAssertNil(try c.receiveControl(timeout: 1))
            c.close()
        }
        refused.join()
        let client = LiveTest.thread {
            let c = try LiveIOClient(endpoints: endpoints, curve: CurveClientSecurity(keys: allowed, serverPublicKey: serverKeys.publicKey))
            _ = try c.handshake()
            _ = try c.awaitStart()
            try c.send("stim", tick: 0, neurons: [3])
            guard let out = try c.receiveSpikes(timeout: 10) else { return XCTFail("no output") }
            XCTAssertEqual(out.keys, [5003])
            _ = try c.receiveControl(timeout: 10)
            c.close()
        }
        try server.start()
        XCTAssertEqual(server.inputs(forTick: 0), .spikes([LiveInputBatch(stream: 0, neurons: [3])]))
        server.publish(tick: 0, stream: 0, neurons: [3])
        let c = server.finish(complete: true, ticks: 1)
        client.join()
        XCTAssertGreaterThanOrEqual(c.control.refusedHandshakes, 1)
        XCTAssertEqual(c.control.clientsWelcomed, 1)
        XCTAssertEqual(c.control.messages, 2)
    }
}
