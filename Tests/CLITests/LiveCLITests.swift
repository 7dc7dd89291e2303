import Foundation
import XCTest

/// `neurite simulate --live` end to end: `Examples/live/client.py` drives `Examples/live/network.yaml`
/// through the real binary, and what it gets back is the run of the same network offline; a
/// vanished client, garbage on the sockets, CURVE, and a long run whose counts balance.
final class LiveCLITests: XCTestCase {
    var repository: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
    var network: String { repository.appendingPathComponent("Examples/live/network.yaml").path }
    var clientScript: String { repository.appendingPathComponent("Examples/live/client.py").path }
    var dir = ""

    override func setUpWithError() throws {
        dir = try scratchPath("live")
        let probe = try launch("/usr/bin/env", ["python3", "-c", "import zmq"])
        probe.process.waitUntilExit()
        guard probe.process.terminationStatus == 0 else {
            throw XCTSkip("python3 with pyzmq is not available (scripts/setup.sh installs it); the live client tests need it")
        }
    }

    struct Launched {
        var process: Process
        var output: Pipe
        var errors: Pipe

        func wait() -> (status: Int32, stdout: String, stderr: String) {
            let o = output.fileHandleForReading.readDataToEndOfFile(), e = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
        }
    }

    func launch(_ executable: String, _ arguments: [String]) throws -> Launched {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return Launched(process: process, output: output, errors: errors)
    }

    /// Starts a live run on free loopback ports and returns it with its endpoints (control,
    /// spikes in, spikes out), read from the line it prints once bound.
    func startLive(_ extra: [String], out: String) throws -> (Launched, [String]) {
        let run = try launch(binary.path, ["simulate", network, "--live", "--out", out, "--control", "tcp://127.0.0.1:*",
                                           "--spikes-in", "tcp://127.0.0.1:*", "--spikes-out", "tcp://127.0.0.1:*"] + extra)
        var text = ""
        let handle = run.output.fileHandleForReading
        while !text.contains("waiting for") {
            let chunk = handle.availableData
            guard !chunk.isEmpty else { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("live: ") }) else {
            let rest = run.wait()
            XCTFail("no live line: \(text)\(rest.stdout) \(rest.stderr)")
            throw XCTSkip("the live run did not start")
        }
        let endpoints = line.split(separator: " ").filter { $0.hasPrefix("tcp://") }.map { String($0.trimmingCharacters(in: CharacterSet(charactersIn: ",;"))) }
        XCTAssertEqual(endpoints.count, 3, String(line))
        return (run, endpoints)
    }

    func client(_ endpoints: [String], _ extra: [String]) throws -> Launched {
        try launch("/usr/bin/env", ["python3", clientScript, "--control", endpoints[0], "--spikes-in", endpoints[1], "--spikes-out", endpoints[2]] + extra)
    }

    func summary(_ out: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
    }

    /// Per tick, what the client sent and what came back, from its output lines
    /// `tick t: sent [a, b] | out/cells [c]`.
    func exchange(_ output: String) -> (sent: [[Int]], received: [[Int]]) {
        var sent: [[Int]] = [], received: [[Int]] = []
        func numbers(_ s: Substring) -> [Int] {
            s.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        }
        for line in output.split(separator: "\n") where line.hasPrefix("tick ") {
            let parts = line.split(separator: "|")
            sent.append(numbers(parts[0].split(separator: "sent")[1]))
            received.append(numbers(parts[1].split(separator: "out/cells")[1]))
        }
        return (sent, received)
    }

    /// The live network with `stim` a spike array sending what the client sent.
    func offline(_ sent: [[Int]]) throws -> String {
        var times = Array(repeating: [Int](), count: 100)
        for (t, neurons) in sent.enumerated() { for n in neurons { times[n].append(t) } }
        var yaml = try String(contentsOfFile: network, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "model: SpikeInjector", with: "model: SpikeSourceArray\n    spike_times: [\(times.map { "[\($0.map(String.init).joined(separator: ", "))]" }.joined(separator: ", "))]")
        let path = dir + "/offline.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func cellsSpikes(_ out: String, ticks: Int) throws -> [[Int]] {
        var perTick = Array(repeating: [Int](), count: ticks)
        for line in try String(contentsOfFile: out + "/spikes.csv", encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            guard f[0] == "cells" else { continue }
            perTick[Int(Double(f[2])!.rounded())].append(Int(f[1])!)
        }
        return perTick.map { $0.sorted() }
    }

    func testLockStepRunsGiveTheOfflineSpikesInEveryTimingAndThreadCount() throws {
        let ticks = 60
        for extra in [["--timing", "ideal"], ["--timing", "ideal", "--threads", "2"], ["--timing", "cycle"]] {
            let out = dir + "/live-\(extra.joined())"
            let (run, endpoints) = try startLive(["--duration", "\(ticks)"] + extra, out: out)
            let c = try client(endpoints, ["--ticks", "\(ticks)", "--every", "2"]).wait()
            let r = run.wait()
            XCTAssertEqual(c.status, 0, c.stderr)
            XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
            let (sent, received) = exchange(c.stdout)
            XCTAssertEqual(sent.count, ticks)
            XCTAssertGreaterThan(received.joined().count, 20, "the cells answer")
            // What came back is what the run recorded, and what the network does offline.
            XCTAssertEqual(received, try cellsSpikes(out, ticks: ticks), "\(extra)")
            let offlineOut = dir + "/offline-\(extra.joined())"
            let o = try neurite(["simulate", try offline(sent), "--duration", "\(ticks)", "--out", offlineOut] + extra)
            XCTAssertEqual(o.status, 0, o.stderr)
            XCTAssertEqual(received, try cellsSpikes(offlineOut, ticks: ticks), "\(extra)")
            let live = try summary(out)["live"] as! [String: Any], totals = live["totals"] as! [String: Int]
            XCTAssertEqual(totals["received"], sent.joined().count)
            XCTAssertEqual(totals["delivered"], sent.joined().count)
            XCTAssertEqual(totals["rejected"], 0)
        }
    }

    func testAVanishedClientStopsTheRunAtATickBoundary() throws {
        let out = dir + "/vanished"
        let (run, endpoints) = try startLive(["--duration", "100000"], out: out)
        let c = try client(endpoints, ["--ticks", "100000"])
        // Let it run a little, then kill it without a goodbye.
        let handle = c.output.fileHandleForReading
        var seen = ""
        while seen.components(separatedBy: "tick ").count < 50 {
            let chunk = handle.availableData
            guard !chunk.isEmpty else { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        c.process.terminate()
        c.process.waitUntilExit()
        let r = run.wait()
        XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("the live run stopped early: 1 live client vanished"), r.stderr)
        let s = try summary(out)
        XCTAssertEqual(s["complete"] as? Bool, false)
        XCTAssertEqual(s["ending"] as? String, "stopped: 1 live client vanished")
        let live = s["live"] as! [String: Any], totals = live["totals"] as! [String: Int]
        XCTAssertEqual(totals["received"], totals["delivered"]! + totals["late"]! + totals["rejected"]! + totals["pending"]!)
        XCTAssertGreaterThan(s["ticks"] as! Int, 40)
    }

    func testGarbageOnTheSocketsIsCountedAndTheRunGoesOn() throws {
        let out = dir + "/garbage"
        let ticks = 20
        let (run, endpoints) = try startLive(["--duration", "\(ticks)"], out: out)
        // A client that says HELLO and READY, then sends bad messages beside good ones.
        let script = """
            import json, struct, sys, zmq
            control, spikes_in, spikes_out = sys.argv[1:4]
            ctx = zmq.Context(); c = ctx.socket(zmq.DEALER); p = ctx.socket(zmq.PUSH)
            for s in (c, p): s.linger = 2000
            c.connect(control); p.connect(spikes_in)
            c.send(b"not json at all")
            c.send(json.dumps({"type": "HELLO", "protocol": "neurite-spikes/1"}).encode())
            while json.loads(c.recv_multipart()[-1])["type"] != "WELCOME": pass
            c.send(json.dumps({"type": "READY", "subscriptions": []}).encode())
            while json.loads(c.recv_multipart()[-1])["type"] != "START": pass
            H = struct.Struct("<IHBBIQQIQ")
            def msg(magic=0x4B50534E, version=0x0100, seq=0, tick=0, keys=(), count=None, topic=b"in/stim"):
                body = struct.pack(f"<{len(keys)}I", *keys)
                return [topic, H.pack(magic, version, 1, 0, 1, seq, tick, len(keys) if count is None else count, 0), body]
            p.send_multipart([b"in/stim", b"short"])                    # truncated header
            p.send_multipart(msg(magic=0xDEADBEEF))                     # wrong magic
            p.send_multipart(msg(version=0x0200))                       # wrong major version
            p.send_multipart(msg(keys=(1, 2), count=5))                 # count and body disagree
            p.send_multipart(msg(keys=(2, 1)))                          # keys not ascending
            seq = 0
            for t in range(\(ticks)):
                # At tick 10 a key outside the stream rejects the whole message (its good spike too).
                p.send_multipart(msg(seq=seq, tick=t, keys=(t % 100,) if t != 10 else (t, 1000000))); seq += 1
                if t == 5:
                    p.send_multipart(msg(seq=seq, tick=2, keys=(7,))); seq += 1   # a tick already past
            p.send_multipart(msg(seq=seq, tick=\(ticks - 1), keys=()))
            while json.loads(c.recv_multipart()[-1])["type"] != "STOP": pass
            """
        let c = try launch("/usr/bin/env", ["python3", "-c", script] + endpoints).wait()
        let r = run.wait()
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let s = try summary(out)
        XCTAssertEqual(s["complete"] as? Bool, true)
        let live = s["live"] as! [String: Any], totals = live["totals"] as! [String: Int]
        XCTAssertEqual(totals["delivered"], ticks - 1, "every spike of a good message arrived in its tick")
        XCTAssertEqual(totals["received"], totals["delivered"]! + totals["late"]! + totals["rejected"]! + totals["pending"]!)
        let rejections = (live["rejections"] as! [String: Int]).filter { $0.value > 0 }
        XCTAssertEqual(Set(rejections.keys), ["bad_header_size", "bad_magic", "unsupported_version", "count_mismatch", "keys_not_ascending",
                                              "key_out_of_range", "tick_in_past"])
        let control = live["control"] as! [String: Int]
        XCTAssertGreaterThan(control["malformed"]!, 0)
        let stim = (s["populations"] as! [String: [String: Any]])["stim"]!
        XCTAssertEqual(stim["spikes"] as? Int, ticks - 1)
    }

    func testEndpointsBeyondLoopbackNeedCurveAndTheRightKey() throws {
        let open = try neurite("simulate", network, "--live", "--duration", "5", "--out", dir + "/open", "--control", "tcp://0.0.0.0:*")
        XCTAssertNotEqual(open.status, 0)
        XCTAssertTrue(open.stderr.contains("CURVE"), open.stderr)

        for name in ["sim", "friend", "stranger"] { XCTAssertEqual(try neurite("keygen", dir + "/" + name).status, 0) }
        let secured = ["--curve-keys", dir + "/sim", "--allow-client", dir + "/friend.pub"]
        // A client with a key the simulator does not know is refused: nobody says READY.
        let (refusing, e1) = try startLive(["--duration", "5", "--start-timeout", "3"] + secured, out: dir + "/refused")
        let stranger = try client(e1, ["--keys", dir + "/stranger", "--server-key", dir + "/sim.pub", "--timeout", "4"]).wait()
        let r1 = refusing.wait()
        XCTAssertNotEqual(stranger.status, 0)
        XCTAssertEqual(r1.status, 3, r1.stderr)
        XCTAssertTrue(r1.stderr.contains("0 of 1 live clients were READY"), r1.stderr)
        // The client whose public key was given runs.
        let (accepting, e2) = try startLive(["--duration", "5"] + secured, out: dir + "/accepted")
        let friend = try client(e2, ["--keys", dir + "/friend", "--server-key", dir + "/sim.pub", "--ticks", "5"]).wait()
        let r2 = accepting.wait()
        XCTAssertEqual(friend.status, 0, friend.stderr)
        XCTAssertEqual(r2.status, 0, r2.stderr)
    }

    func testALongLockStepRunBalancesItsCounts() throws {
        let ticks = 4000
        let out = dir + "/soak"
        let (run, endpoints) = try startLive(["--duration", "\(ticks)"], out: out)
        let c = try client(endpoints, ["--ticks", "\(ticks)"]).wait()
        let r = run.wait()
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertEqual(r.status, 0, r.stderr)
        let (sent, received) = exchange(c.stdout)
        let s = try summary(out), live = s["live"] as! [String: Any]
        let totals = live["totals"] as! [String: Int]
        XCTAssertEqual(totals["received"], sent.joined().count)
        XCTAssertEqual(totals["delivered"], totals["received"])
        let outputs = live["outputs"] as! [[String: Any]]
        XCTAssertEqual(outputs[0]["spikes"] as? Int, received.joined().count)
        XCTAssertEqual(outputs[0]["dropped_spikes"] as? Int, 0)
        let cells = (s["populations"] as! [String: [String: Any]])["cells"]!
        XCTAssertEqual(cells["spikes"] as? Int, received.joined().count)
    }
}

/// The progress line's text, and its silence off a terminal.
final class ProgressLineCLITests: XCTestCase {
    func testARunWithoutATerminalDrawsNoProgressAndAnInjectorWithoutLiveSaysSo() throws {
        let network = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/live/network.yaml").path
        let out = try scratchPath("progress", create: false)
        let r = try neurite("simulate", network, "--duration", "50", "--out", out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("\r"), "no progress line on a pipe")
        XCTAssertTrue(r.stdout.contains("warning: SpikeInjector population 'stim' sent nothing: it takes its spikes from live clients (simulate --live)"), r.stdout)
    }
}
