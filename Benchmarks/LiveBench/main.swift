import CZeroMQ
import Foundation
import Runtime

// Release-build benchmark of live I/O (Benchmarks/live.sh runs it; numbers in Benchmarks/README.md):
// the round-trip latency of one lock-step tick, client to simulator and back, on loopback TCP.
// A LiveIOClient sends tick t's spikes and waits for the output of tick t; the simulator side is a
// LiveIOServer whose "simulation" echoes the input neurons to the output stream. Beside it, the
// same PUSH → PULL, PUB → SUB hop with a bare libzmq echo thread: the floor the transport sets.
//
//     LiveBench [TICKS] [KEYS_PER_TICK …]      defaults: 20000 ticks; 0, 16 and 1024 keys per tick
//     LiveBench client CONTROL SPIKES_IN SPIKES_OUT TICKS
//         the client of a real `neurite simulate Examples/live/network.yaml --live`: one spike a
//         tick into `stim`, then the output of the tick from `cells`; prints the round trips.

if CommandLine.arguments.count == 6, CommandLine.arguments[1] == "client" {
    let a = CommandLine.arguments
    let client = try LiveIOClient(endpoints: LiveEndpoints(control: a[2], spikesIn: a[3], spikesOut: a[4]))
    let ticks = Int(a[5])!
    _ = try client.handshake()
    _ = try client.awaitStart()
    var trips: [UInt64] = []
    for t in 0..<ticks {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try client.send("stim", tick: t, neurons: [t % 100])
        while true {
            guard let m = try client.receiveSpikes(timeout: 10) else { throw LiveIOError("tick \(t): no output") }
            if m.header.tick == UInt64(t) { break }
        }
        if t >= 1000 { trips.append(DispatchTime.now().uptimeNanoseconds - t0) }
    }
    try client.endStream("stim", tick: ticks - 1)
    _ = try client.receiveControl(timeout: 10)
    client.close()
    let s = trips.sorted()
    func q(_ p: Double) -> Double { Double(s[min(s.count - 1, Int(p * Double(s.count)))]) / 1000 }
    print(String(format: "neurite simulate --live (ideal timing), 1 spike/tick  median %7.1f µs  p99 %7.1f µs  p99.9 %7.1f µs  (%d ticks)",
                 q(0.5), q(0.99), q(0.999), s.count))
    exit(0)
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let ticks = arguments.first ?? 20_000
let sizes = arguments.count > 1 ? Array(arguments.dropFirst()) : [0, 16, 1024]
let warmUp = 1000

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func report(_ label: String, _ samples: [UInt64]) {
    let s = samples.sorted()
    func q(_ p: Double) -> Double { Double(s[min(s.count - 1, Int(p * Double(s.count)))]) / 1000 }
    let mean = Double(s.reduce(0, +)) / Double(s.count) / 1000
    print(String(format: "%@  median %7.1f µs  p99 %7.1f µs  p99.9 %7.1f µs  max %8.1f µs  mean %7.1f µs  (%d ticks)",
                 label.padding(toLength: 34, withPad: " ", startingAt: 0), q(0.5), q(0.99), q(0.999), Double(s.last!) / 1000, mean,
                 s.count))
}

/// When each tick's message left the client, was handed to the simulation, and its echo came back
/// (each array written by one thread, read after both have finished).
final class Stamps: @unchecked Sendable {
    var sent: [UInt64], handedOver: [UInt64], echoed: [UInt64]
    var error: Error?
    init(_ n: Int) {
        let zeros = [UInt64](repeating: 0, count: n)
        (sent, handedOver, echoed) = (zeros, zeros, zeros)
    }
}

/// Round trips through LiveIOServer in lock-step mode, `keys` spikes per tick: the whole trip,
/// client to hand-over, hand-over to the client.
func serverRoundTrips(keys: Int) throws -> (trip: [UInt64], inbound: [UInt64], outbound: [UInt64]) {
    let size = max(keys, 1)
    var config = LiveIOConfiguration(inputs: [LiveStream(label: "in", streamID: 1, keyBase: 0, size: size)],
                                     outputs: [LiveStream(label: "out", streamID: 2, keyBase: 1 << 20, size: size)], dtNs: 1_000_000)
    config.controlEndpoint = "tcp://127.0.0.1:*"
    config.spikesInEndpoint = "tcp://127.0.0.1:*"
    config.spikesOutEndpoint = "tcp://127.0.0.1:*"
    let server = try LiveIOServer(config)
    let endpoints = server.endpoints
    let total = warmUp + ticks
    let stamps = Stamps(total), done = DispatchSemaphore(value: 0)
    Thread {
        do {
            let client = try LiveIOClient(endpoints: endpoints)
            _ = try client.handshake()
            _ = try client.awaitStart()
            let neurons = Array(0..<keys)
            for t in 0..<total {
                stamps.sent[t] = now()
                try client.send("in", tick: t, neurons: neurons)
                guard let m = try client.receiveSpikes(timeout: 10), m.header.tick == UInt64(t), m.keys.count == keys else {
                    throw LiveIOError("tick \(t): no echo")
                }
                stamps.echoed[t] = now()
            }
            _ = try client.receiveControl(timeout: 10)
            client.close()
        } catch { stamps.error = error }
        done.signal()
    }.start()
    try server.start()
    for t in 0..<total {
        guard case .spikes(let batches) = server.inputs(forTick: t) else { throw LiveIOError("stopped at tick \(t)") }
        stamps.handedOver[t] = now()
        server.publish(tick: t, stream: 0, neurons: batches.first?.neurons ?? [])
    }
    let counters = server.finish(complete: true, ticks: total)
    done.wait()
    if let error = stamps.error { throw error }
    guard counters.balances, counters.totals.delivered == keys * total else { throw LiveIOError("counters: \(counters.totals)") }
    let measured = warmUp..<total
    return (measured.map { stamps.echoed[$0] - stamps.sent[$0] }, measured.map { stamps.handedOver[$0] - stamps.sent[$0] },
            measured.map { stamps.echoed[$0] - stamps.handedOver[$0] })
}

/// The same two hops with no server logic: a thread echoes every PULL message to a PUB socket.
func bareRoundTrips(keys: Int) throws -> [UInt64] {
    func check(_ rc: Int32, _ what: String) throws {
        if rc != 0 { throw LiveIOError("\(what): \(String(cString: zmq_strerror(zmq_errno())))") }
    }
    let context = zmq_ctx_new()!
    defer { zmq_ctx_term(context) }
    let pull = zmq_socket(context, ZMQ_PULL)!, pub = zmq_socket(context, ZMQ_PUB)!
    let push = zmq_socket(context, ZMQ_PUSH)!, sub = zmq_socket(context, ZMQ_SUB)!
    var zero: Int32 = 0
    for s in [pull, pub, push, sub] { try check(zmq_setsockopt(s, ZMQ_LINGER, &zero, 4), "linger") }
    try check(zmq_bind(pull, "tcp://127.0.0.1:*"), "bind")
    try check(zmq_bind(pub, "tcp://127.0.0.1:*"), "bind")
    func endpoint(_ s: UnsafeMutableRawPointer) -> String {
        var buffer = [CChar](repeating: 0, count: 256), size = 256
        zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, &buffer, &size)
        return String(cString: buffer)
    }
    try check(zmq_connect(push, endpoint(pull)), "connect")
    try check(zmq_connect(sub, endpoint(pub)), "connect")
    try check(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0), "subscribe")
    usleep(200_000)  // let the subscription reach the PUB
    let total = warmUp + ticks
    /// The echo thread's two sockets, used by it alone from here on.
    struct EchoSockets: @unchecked Sendable { let pull, pub: UnsafeMutableRawPointer }
    let handed = EchoSockets(pull: pull, pub: pub)
    let echo = Thread {
        var buffer = [UInt8](repeating: 0, count: 8 + 4 * keys)
        for _ in 0..<total {
            let n = zmq_recv(handed.pull, &buffer, buffer.count, 0)
            _ = zmq_send(handed.pub, buffer, Int(n), 0)
        }
    }
    echo.start()
    var samples: [UInt64] = []
    var message = [UInt8](repeating: 1, count: 8 + 4 * keys), reply = message
    for t in 0..<total {
        let t0 = now()
        _ = zmq_send(push, message, message.count, 0)
        _ = zmq_recv(sub, &reply, reply.count, 0)
        if t >= warmUp { samples.append(now() - t0) }
        message[0] &+= 1
    }
    for s in [pull, pub, push, sub] { zmq_close(s) }
    return samples
}

print("live I/O round trip per lock-step tick, loopback TCP, \(ticks) ticks after \(warmUp) of warm-up")
for keys in sizes {
    let server = try serverRoundTrips(keys: keys)
    report("LiveIOServer echo, \(keys) keys/tick", server.trip)
    report("  client → hand-over", server.inbound)
    report("  hand-over → client", server.outbound)
    report("bare libzmq echo, \(keys) keys/tick", try bareRoundTrips(keys: keys))
}
