import Foundation
import XCTest

/// What a run of the executable gave.
struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
}

extension XCTestCase {
    var binary: URL { Bundle.main.bundleURL.appendingPathComponent("neurite") }

    /// Runs `neurite` with `arguments` and waits for it.
    func neurite(_ arguments: String...) throws -> Result { try neurite(arguments) }

    func neurite(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A new path `neurite-<name>-<UUID>` in the temporary directory, created as a directory when
    /// `create`, and removed with everything under it when the test ends.
    func scratchPath(_ name: String, create: Bool = true) throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("neurite-\(name)-\(UUID().uuidString)")
        if create { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}

/// End-to-end tests of the `neurite` executable: exact output, files written, exit codes
/// (0 success, 1 invalid input, 2 usage error, 3 run-time failure).
final class CLITests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try scratchPath("cli")
        try """
        network: small
        seed: 3
        duration: 100
        populations:
          stim: {size: 10, model: SpikeSourceArray, spike_times: [5, 10, 15]}
          cells: {size: 300, model: IF_curr_exp, record: [spikes, v]}
        projections:
          - {pre: stim, post: cells, connector: {type: AllToAllConnector}, synapse: {weight: 1.5, delay: 2}}
          - {pre: cells, post: cells, connector: {type: FixedProbabilityConnector, p_connect: 0.05}, synapse: {weight: -0.2, delay: 1}, receptor: inhibitory}
        """.write(toFile: dir + "/small.yaml", atomically: true, encoding: .utf8)
    }

    func testCompilePrintsTheMappingSummary() throws {
        let r = try neurite("compile", dir + "/small.yaml", "-o", dir + "/small.nchip", "--report", dir + "/map.json")
        XCTAssertEqual(r.status, 0, r.stderr)
        let size = try FileManager.default.attributesOfItem(atPath: dir + "/small.nchip")[.size] as! Int
        XCTAssertEqual(r.stdout, """
        network small on spinn-5: 300 neurons, 10 spike-source atoms, 7446 synapses
          step convention       spinnaker
          boards used           1 of 1
          chips used            1
          cores used            3
          max routing entries   3 of 1023 per chip (3 before minimisation; 0 removed by default routing)
          longest synaptic row  256 words
          weights rounded to 0  0
          max predicted load    35.0% of a tick (cells, core 0,0,2)
        wrote \(dir)/small.nchip (\(size) bytes)

        """)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/map.json"))) as! [String: Any]
        XCTAssertEqual(report["synapses"] as? Int, 7446)  // 3000 all-to-all + 4446 drawn at p = 0.05 of 90,000
        XCTAssertEqual((report["cores"] as? [Any])?.count, 3)
    }

    /// `--arithmetic s1615` keeps only the chip's weights (the image then refuses float64 with
    /// exit 3), `--target auto` says which machine it took, `--timings` the compiler's phases.
    func testCompileForS1615OnAutoWithTimings() throws {
        let r = try neurite("compile", dir + "/small.yaml", "-o", dir + "/s.nchip", "--arithmetic", "s1615", "--target", "auto", "--timings")
        XCTAssertEqual(r.status, 0, r.stderr)
        for fragment in ["target                auto: spinn-5, the fewest SpiNN-5 boards that hold the network",
                         "weights               16-bit only (runs in s1615 only)", " s  census (synapses drawn and counted)",
                         " s  fill (synapses drawn and written)", " s  writing the image"] {
            XCTAssertTrue(r.stdout.contains(fragment), "missing '\(fragment)' in\n\(r.stdout)")
        }
        let float = try neurite("simulate", dir + "/s.nchip", "--arithmetic", "float64", "--out", dir + "/r1")
        XCTAssertEqual(float.status, 3)
        XCTAssertTrue(float.stderr.contains("compiled for s1615 only (neurite compile --arithmetic s1615)"), float.stderr)
        XCTAssertEqual(try neurite("simulate", dir + "/s.nchip", "--out", dir + "/r2").status, 0)
        let json = try neurite("inspect", dir + "/s.nchip", "--json")
        let cores = (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any])["cores"] as! [[String: Any]]
        XCTAssertEqual(Set(cores.map { $0["float_weights"] as! String }), ["none"])
    }

    func testInspectShowsWhatTheImageHolds() throws {
        XCTAssertEqual(try neurite("compile", dir + "/small.yaml", "-o", dir + "/small.nchip").status, 0)
        let text = try neurite("inspect", dir + "/small.nchip")
        XCTAssertEqual(text.status, 0, text.stderr)
        for fragment in ["format 2.2", "SYNM (synaptic matrices)", "crc32 0x", "target spinn-5: 48 chips", "cells: IF_curr_exp, 300 neurons on 2 cores",
                         "routing tables: 1 chips with entries"] {
            XCTAssertTrue(text.stdout.contains(fragment), "missing '\(fragment)' in\n\(text.stdout)")
        }
        let json = try neurite("inspect", dir + "/small.nchip", "--json")
        XCTAssertEqual(json.status, 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((object["sections"] as! [Any]).count, 10)
        XCTAssertEqual((object["populations"] as! [[String: Any]]).map { $0["name"] as! String }, ["stim", "cells"])
    }

    func testSimulateWritesTheRunDirectory() throws {
        XCTAssertEqual(try neurite("compile", dir + "/small.yaml", "-o", dir + "/small.nchip").status, 0)
        let fromImage = try neurite("simulate", dir + "/small.nchip", "--out", dir + "/run1", "--threads", "2")
        XCTAssertEqual(fromImage.status, 0, fromImage.stderr)
        XCTAssertTrue(fromImage.stdout.contains("small on spinn-5: ideal timing, s1615 arithmetic, spinnaker step convention, 2 threads"), fromImage.stdout)
        XCTAssertTrue(fromImage.stdout.contains("provenance: dropped packets 0"), fromImage.stdout)
        for file in ["spikes.csv", "v.csv", "summary.json", "provenance.json", "mapping.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/run1/" + file), file)
        }
        let fromNetwork = try neurite("simulate", dir + "/small.yaml", "--out", dir + "/run2", "--threads", "1")
        XCTAssertEqual(fromNetwork.status, 0, fromNetwork.stderr)
        XCTAssertEqual(try String(contentsOfFile: dir + "/run1/spikes.csv", encoding: .utf8),
                       try String(contentsOfFile: dir + "/run2/spikes.csv", encoding: .utf8))
        let float = try neurite("simulate", dir + "/small.yaml", "--arithmetic", "float64", "--duration", "50", "--out", dir + "/run3")
        XCTAssertEqual(float.status, 0, float.stderr)
        XCTAssertTrue(float.stdout.contains("float64 arithmetic"))
        XCTAssertTrue(float.stdout.contains("simulated 50.0 ms in 50 ticks"))
    }

    func testInvalidInputExitsWithOneAndALocatedMessage() throws {
        try "populations:\n  a:\n    size: 0\n    model: IF_curr_exp\n".write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        let r = try neurite("compile", dir + "/bad.yaml")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "\(dir)/bad.yaml:3:11: error: population 'a': 'size' must be > 0 and ≤ 16777216, found 0\n")
        XCTAssertEqual(try neurite("simulate", dir + "/bad.yaml", "--out", dir + "/r").status, 1)
        let missing = try neurite("compile", dir + "/none.yaml")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("cannot read"))
    }

    func testCorruptedImageExitsWithOneNamingTheSection() throws {
        XCTAssertEqual(try neurite("compile", dir + "/small.yaml", "-o", dir + "/small.nchip").status, 0)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/small.nchip")))
        bytes[bytes.count - 3] ^= 0xFF  // inside the last section, the mapping report
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/bad.nchip"))
        for command in ["inspect", "simulate"] {
            let r = try neurite(command, dir + "/bad.nchip")
            XCTAssertEqual(r.status, 1, command)
            XCTAssertTrue(r.stderr.contains("section MAPR (mapping report) is damaged"), r.stderr)
        }
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: dir + "/short.nchip"))
        let short = try neurite("inspect", dir + "/short.nchip")
        XCTAssertEqual(short.status, 1)
        XCTAssertTrue(short.stderr.contains("is truncated"), short.stderr)
    }

    func testUsageErrorsExitWithTwo() throws {
        XCTAssertEqual(try neurite("simulate").status, 2)
        XCTAssertEqual(try neurite("compile", dir + "/small.yaml", "--no-such-option").status, 2)
        XCTAssertEqual(try neurite("simulate", dir + "/small.yaml", "--threads", "0").status, 2)
        XCTAssertEqual(try neurite("simulate", dir + "/small.yaml", "--arithmetic", "float32").status, 2)
        let timing = try neurite("simulate", dir + "/small.yaml", "--timing", "tick")
        XCTAssertEqual(timing.status, 2)
        XCTAssertTrue(timing.stderr.contains("ideal") && timing.stderr.contains("cycle"), timing.stderr)
        XCTAssertEqual(try neurite("frobnicate").status, 2)
        let help = try neurite("--help")
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("compile"))
    }
}

/// Messages that say why: numbers out of range on the command line are usage errors (exit 2) with
/// the range, files that cannot be read say what the system said, warnings go to standard error.
final class CLIMessageTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try scratchPath("cli")
        try """
        duration: 20
        populations:
          s: {size: 2, model: SpikeSourceArray, spike_times: [5, 12.5, 30]}
          n: {size: 2, model: IF_curr_exp, record: [spikes]}
        projections:
          - {pre: s, post: n, connector: {type: OneToOneConnector}, synapse: {weight: 5, delay: 1}}
        """.write(toFile: dir + "/net.yaml", atomically: true, encoding: .utf8)
    }

    func testOutOfRangeNumbersAreUsageErrorsWithTheRange() throws {
        let cases: [([String], String)] = [
            (["--duration", "-1"], "--duration must be a number of ms in 0...2147483647000.0"),
            (["--duration", "1e12"], "--duration must be at most 2147483647.0 ms (2147483647 time steps of 1.0 ms), found 1000000000000.0"),
            (["--duration", "10.5"], "--duration 10.5 ms is not a whole number of 1.0 ms time steps"),
            (["--threads", "0"], "--threads must be in 1...1024, found 0"),
            (["--threads", "-2"], "--threads must be in 1...1024, found -2"),
            (["--time-scale-factor", "-1"], "--time-scale-factor must be > 0"),
            (["--step-convention", "nest"], "--step-convention"),
        ]
        for (options, message) in cases {
            let r = try neurite(["simulate", dir + "/net.yaml", "--out", dir + "/run"] + options)
            XCTAssertEqual(r.status, 2, "\(options): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(options): \(r.stderr)")
        }
    }

    /// `--kernels` naming a set this CPU cannot run is a usage error that lists the features the
    /// CPU lacks, and only those (skipped where the CPU runs every set).
    func testKernelsTheCPUCannotRunAreAUsageErrorListingWhatItLacks() throws {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = Set(info.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(whereSeparator: { " \t:".contains($0) }) ?? [])
        guard !flags.contains("avx512f") else { throw XCTSkip("this CPU runs the avx512 kernels") }
        let r = try neurite(["simulate", dir + "/net.yaml", "--out", dir + "/run", "--kernels", "avx512"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("--kernels avx512: the avx512 kernels need CPU features this one lacks ("), r.stderr)
        let listed = r.stderr.split(separator: "(").dropFirst().first?.split(separator: ")").first?.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        } ?? []
        XCTAssertTrue(listed.contains("avx512f"), r.stderr)
        XCTAssertTrue(listed.allSatisfy { !flags.contains(Substring($0)) }, "lists only what the CPU lacks: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("the fastest it runs is "), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/run"))
    }

    func testUnreadableFilesSayWhy() throws {
        let missing = try neurite("compile", dir + "/none.yaml")
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "error: cannot read '\(dir)/none.yaml': No such file or directory\n")
        let directory = try neurite("simulate", dir)
        XCTAssertEqual(directory.status, 1)
        XCTAssertEqual(directory.stderr, "error: cannot read '\(dir)': Is a directory\n")
        let inspect = try neurite("inspect", dir + "/none.nchip")
        XCTAssertTrue(inspect.stderr.contains("No such file or directory"), inspect.stderr)
        let target = try neurite("compile", dir + "/net.yaml", "--target", dir + "/board.yaml")
        XCTAssertEqual(target.status, 1)
        XCTAssertTrue(target.stderr.contains("target file: cannot read '\(dir)/board.yaml': No such file or directory"), target.stderr)
        if getuid() != 0 {
            try "populations: {}".write(toFile: dir + "/locked.yaml", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: dir + "/locked.yaml")
            XCTAssertTrue(try neurite("compile", dir + "/locked.yaml").stderr.contains("Permission denied"))
        }
    }

    func testADelayBetweenTimeStepsIsReported() throws {
        let net = dir + "/delay.yaml"
        try """
        network: d
        duration: 20
        populations:
          a: {size: 4, model: SpikeSourceArray, spike_times: [1]}
          b: {size: 4, model: IF_curr_exp}
        projections:
          - {pre: a, post: b, connector: {type: OneToOneConnector}, synapse: {weight: 0.5, delay: 1.5}}
        """.write(toFile: net, atomically: true, encoding: .utf8)
        let compiled = try neurite("compile", net, "-o", dir + "/delay.nchip")
        XCTAssertEqual(compiled.status, 0, compiled.stderr)
        XCTAssertTrue(compiled.stderr.contains("delay 1.5 ms is not a whole number of 1.0 ms time steps; the synapses get 2.0 ms (the nearest step)"),
                      compiled.stderr)
    }

    func testConventionAndWarningsAreReported() throws {
        let compiled = try neurite("compile", dir + "/net.yaml", "-o", dir + "/net.nchip")
        XCTAssertEqual(compiled.status, 0, compiled.stderr)
        XCTAssertTrue(compiled.stderr.contains("warning: population 's': 2 spike times (the first 12.5 ms) fall between 1.0 ms time steps"), compiled.stderr)
        XCTAssertTrue(compiled.stderr.contains("warning: population 's': 2 spike times are at or after the end of the run (20.0 ms)"), compiled.stderr)
        XCTAssertTrue(compiled.stdout.contains("step convention       spinnaker"), compiled.stdout)
        let run = try neurite("simulate", dir + "/net.nchip", "--out", dir + "/run", "--step-convention", "brian2", "--time-scale-factor", "2")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("s1615 arithmetic, brian2 step convention"), run.stdout)
        XCTAssertTrue(run.stdout.contains("warning: 2 spike-source-array spikes fall at or after the end of the run (20.0 ms) and were not emitted"), run.stdout)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/run/summary.json"))) as! [String: Any]
        XCTAssertEqual(summary["step_convention"] as? String, "brian2")
        XCTAssertEqual(summary["time_scale_factor"] as? Double, 2)
    }
}
