import Foundation
import XCTest

/// Runs split across processes (`--partitions`, `neurite worker`, `--workers`): the spikes and
/// counts of a one-process run, a stop that ends every rank at the same tick, workers across
/// network namespaces under CURVE, and what is refused.
final class PartitionCLITests: XCTestCase {
    var repository: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
    var dir = ""

    override func setUpWithError() throws {
        dir = try scratchPath("part")
        // A network whose Poisson atoms spike several times in some ticks (those repeats cross
        // the boundary too) over cores of 64 neurons, so that every rank holds several.
        try """
        network: split
        seed: 9
        duration: 200
        populations:
          noise: {size: 300, model: SpikeSourcePoisson, params: {rate: 1500}, neurons_per_core: 64}
          exc: {size: 400, model: IF_curr_exp, record: [spikes], neurons_per_core: 64}
          inh: {size: 100, model: Izhikevich, record: [spikes], neurons_per_core: 64}
        projections:
          - {pre: noise, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.05}, synapse: {weight: 0.4, delay: {uniform: [1, 5]}}}
          - {pre: noise, post: inh, connector: {type: FixedProbabilityConnector, p_connect: 0.05}, synapse: {weight: 0.6, delay: 2}}
          - {pre: exc, post: inh, connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: 0.5, delay: 1}}
          - {pre: inh, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: -1.0, delay: 3}, receptor: inhibitory}
        """.write(toFile: dir + "/split.yaml", atomically: true, encoding: .utf8)
    }

    func file(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    func summary(_ out: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
    }

    func assertSameRun(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try self.file(a + "/spikes.csv"), try self.file(b + "/spikes.csv"), file: file, line: line)
        let sa = try summary(a), sb = try summary(b)
        for key in ["synaptic_events", "packets_sent"] { XCTAssertEqual(sa[key] as? Int, sb[key] as? Int, key, file: file, line: line) }
        XCTAssertEqual(sa["populations"] as? NSDictionary, sb["populations"] as? NSDictionary, file: file, line: line)
    }

    func testSplitRunsGiveTheSpikesAndCountsOfOneProcess() throws {
        for (network, duration) in [(dir + "/split.yaml", "200"), (repository.appendingPathComponent("Examples/cuba.yaml").path, "300")] {
            let one = dir + "/one-\(UUID().uuidString)"
            XCTAssertEqual(try neurite("simulate", network, "--duration", duration, "--out", one).status, 0)
            for ranks in [2, 3] {
                let split = dir + "/split\(ranks)-\(UUID().uuidString)"
                let r = try neurite("simulate", network, "--duration", duration, "--partitions", "\(ranks)", "--out", split)
                XCTAssertEqual(r.status, 0, r.stderr)
                try assertSameRun(one, split)
            }
        }
    }

    func testWorkersAlreadyListeningServeARun() throws {
        let workers = try (0..<2).map { _ in try startWorker(["--listen", "tcp://127.0.0.1:*"]) }
        let one = dir + "/one", split = dir + "/workers"
        XCTAssertEqual(try neurite("simulate", dir + "/split.yaml", "--out", one).status, 0)
        let r = try neurite("simulate", dir + "/split.yaml", "--workers", workers.map(\.endpoint).joined(separator: ","), "--out", split)
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertSameRun(one, split)
        for w in workers {
            w.process.waitUntilExit()
            XCTAssertEqual(w.process.terminationStatus, 0)
            let said = String(decoding: w.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertTrue(said.contains("ticks, complete"), said)
        }
    }

    /// Starts `neurite worker` and reads the endpoint it bound.
    func startWorker(_ arguments: [String], namespace: String? = nil) throws -> (process: Process, output: Pipe, endpoint: String) {
        let process = Process()
        if let namespace {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            process.arguments = ["netns", "exec", namespace, binary.path, "worker"] + arguments
        } else {
            process.executableURL = binary
            process.arguments = ["worker"] + arguments
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let endpoint = String(text.split(separator: "\n").first?.split(separator: " ").last ?? "")
        XCTAssertTrue(text.hasPrefix("worker: listening on tcp://"), text)
        return (process, output, endpoint)
    }

    func testAStopEndsEveryRankAfterTheSameTick() throws {
        let out = dir + "/stopped"
        let process = Process()
        process.executableURL = binary
        process.arguments = ["simulate", repository.appendingPathComponent("Examples/cuba.yaml").path, "--duration", "200000",
                             "--partitions", "2", "--out", out]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the run is under way (its summary says "running"), then interrupt it.
        let deadline = Date(timeIntervalSinceNow: 30)
        while Date() < deadline, (try? summary(out))?["ending"] as? String != "running" { usleep(50_000) }
        usleep(300_000)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let s = try summary(out)
        XCTAssertEqual(s["complete"] as? Bool, false)
        XCTAssertEqual(s["ending"] as? String, "stopped: interrupted (SIGINT)")
        let ticks = s["ticks"] as! Int
        XCTAssertGreaterThan(ticks, 0)
        // The spikes recorded are those of a one-process run of that many ticks.
        let one = dir + "/one"
        XCTAssertEqual(try neurite("simulate", repository.appendingPathComponent("Examples/cuba.yaml").path, "--duration", "\(ticks)", "--out", one).status, 0)
        XCTAssertEqual(try file(out + "/spikes.csv"), try file(one + "/spikes.csv"))
    }

    func testWhatASplitRunRefuses() throws {
        let traced = dir + "/traced.yaml"
        try (try file(dir + "/split.yaml")).replacingOccurrences(of: "record: [spikes], neurons_per_core: 64}\n  inh",
                                                                   with: "record: [spikes, v], neurons_per_core: 64}\n  inh")
            .write(toFile: traced, atomically: true, encoding: .utf8)
        for (args, message) in [
            (["simulate", dir + "/split.yaml", "--partitions", "2", "--timing", "cycle"], "the cycle engine runs in one process"),
            (["simulate", traced, "--partitions", "2"], "records spikes only"),
            (["simulate", dir + "/split.yaml", "--partitions", "2", "--threads", "2"], "one thread per process"),
            (["simulate", dir + "/split.yaml", "--partitions", "1"], "--partitions must be in 2...256"),
        ] {
            let r = try neurite(args + ["--out", dir + "/refused-\(UUID().uuidString)"])
            XCTAssertNotEqual(r.status, 0, args.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
    }

    func testWorkersInOtherNetworkNamespacesUnderCurve() throws {
        let tag = String(UInt32.random(in: 0..<100_000)), ns = "neurite-\(tag)", hostSide = "nv\(tag)h", nsSide = "nv\(tag)n"
        let octet = 1 + Int(tag)! % 200
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip"), ip(["netns", "add", ns]) == 0 else {
            throw XCTSkip("network namespaces cannot be made here (needs `ip` and CAP_SYS_ADMIN/CAP_NET_ADMIN); the across-hosts test is skipped")
        }
        defer {
            _ = ip(["link", "del", hostSide])
            _ = ip(["netns", "del", ns])
        }
        let host = "10.213.\(octet).1", guest = "10.213.\(octet).2"
        for args in [["link", "add", hostSide, "type", "veth", "peer", "name", nsSide], ["link", "set", nsSide, "netns", ns],
                     ["addr", "add", host + "/24", "dev", hostSide], ["link", "set", hostSide, "up"],
                     ["netns", "exec", ns, "ip", "addr", "add", guest + "/24", "dev", nsSide],
                     ["netns", "exec", ns, "ip", "link", "set", nsSide, "up"], ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]] {
            guard ip(args) == 0 else { throw XCTSkip("could not wire the namespace (ip \(args.joined(separator: " "))); the across-hosts test is skipped") }
        }
        for name in ["sim", "worker"] { XCTAssertEqual(try neurite("keygen", dir + "/" + name).status, 0) }
        // Without CURVE a worker refuses to listen beyond loopback.
        let open = try neurite("worker", "--listen", "tcp://\(guest):7001", "--job-timeout", "1")
        XCTAssertNotEqual(open.status, 0)
        XCTAssertTrue(open.stderr.contains("CURVE"), open.stderr)

        let worker = try startWorker(["--listen", "tcp://\(guest):7000", "--curve-keys", dir + "/worker", "--allow-client", dir + "/sim.pub",
                                      "--job-timeout", "60"], namespace: ns)
        let one = dir + "/one", split = dir + "/across"
        XCTAssertEqual(try neurite("simulate", dir + "/split.yaml", "--out", one).status, 0)
        let r = try neurite("simulate", dir + "/split.yaml", "--workers", "tcp://\(guest):7000", "--worker-key", dir + "/worker.pub",
                            "--curve-keys", dir + "/sim", "--boundary", "tcp://\(host):*", "--out", split)
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertSameRun(one, split)
        worker.process.waitUntilExit()
        XCTAssertEqual(worker.process.terminationStatus, 0)
    }

    private func ip(_ args: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
