#if canImport(Glibc)
import Glibc
#endif
import ChipSim
import Compiler
import Foundation
@testable import Runtime
import XCTest

/// A run's life: budgets before work, an earlier run replaced only when asked, a stop at a tick
/// boundary that leaves every file whole and a summary that says so, a full disk that stops the run
/// cleanly.
final class RunLifeTests: XCTestCase {
    static let yaml = """
    duration: 400
    populations:
      n: {size: 50, model: IF_curr_exp, params: {i_offset: 1}, record: [spikes, v]}
    """

    func testAStopRequestEndsTheRunAtATickBoundary() throws {
        let image = try compile(Self.yaml).image
        for threads in [1, 3] {
            let dir = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let stop = StopRequest()
            stop.request("a live client vanished")
            let report = try Run.execute(image, options: RunOptions(threads: threads, outputDirectory: dir, stop: stop))
            XCTAssertFalse(report.summary.complete)
            XCTAssertEqual(report.summary.ending, "stopped: a live client vanished")
            XCTAssertEqual(report.summary.ticks, 0)
            XCTAssertEqual(report.summary.ticksRequested, 400)
            let summary = try RunSummary.decode(json: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json")))
            XCTAssertEqual(summary, report.summary)
        }
        let full = try Run.execute(image, options: RunOptions())
        XCTAssertTrue(full.summary.complete)
        XCTAssertEqual(full.summary.ending, "complete")
    }

    /// A stop asked for while the workers run: the run ends at a batch boundary, and its files
    /// are those of a run as long as the ticks it ran, byte for byte (no tick lost at the end,
    /// none past it), on one thread and on two. Recording spikes only, two workers meet once per
    /// batch (worker 0 records a batch while the workers update the next, and decides on the next
    /// batch before they deliver); recording a trace too, they meet twice.
    func testAStopDuringTheRunKeepsEveryTickItRan() throws {
        let yaml = """
        duration: 100000000
        populations:
          n: {size: 60, model: IF_curr_exp, params: {i_offset: 1.2}, record: [spikes]}
          d: {size: 60, model: IF_curr_exp}
        projections:
          - {pre: n, post: d, connector: {type: AllToAllConnector}, synapse: {weight: 0.5, delay: 2}}
        """
        // Two more neurons driven by n, their membrane voltage recorded.
        let traced = yaml.replacingOccurrences(of: "  d: {size: 60, model: IF_curr_exp}\n",
                                               with: "  d: {size: 60, model: IF_curr_exp}\n  w: {size: 2, model: IF_curr_exp, record: [v]}\n")
            + "\n  - {pre: n, post: w, connector: {type: FixedNumberPreConnector, n: 2}, synapse: {weight: 0.5, delay: 2}}"
        for (network, files) in [(yaml, ["spikes.csv"]), (traced, ["spikes.csv", "v.csv"])] {
            let image = try compile(network).image
            for threads in [1, 2] {
                let dir = temporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let stop = StopRequest()
                DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { stop.request("asked") }
                let report = try Run.execute(image, options: RunOptions(threads: threads, outputDirectory: dir, stop: stop))
                XCTAssertEqual(report.summary.ending, "stopped: asked")
                let ran = report.summary.ticks
                XCTAssertGreaterThan(ran, 0)
                XCTAssertLessThan(ran, report.summary.ticksRequested)
                let whole = temporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: whole) }
                let reference = try Run.execute(image, options: RunOptions(durationMs: Double(ran), outputDirectory: whole))
                XCTAssertTrue(reference.summary.complete)
                for file in files {
                    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file)),
                                   try Data(contentsOf: URL(fileURLWithPath: whole + "/" + file)), "\(file), \(threads) threads, \(ran) ticks")
                }
            }
        }
    }

    func testAnEarlierRunIsReplacedOnlyWhenAsked() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Run.execute(try compile(Self.yaml).image, options: RunOptions(outputDirectory: dir))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/v.csv"))
        try "keep me".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        let spikesOnly = try compile(Self.yaml.replacingOccurrences(of: "[spikes, v]", with: "[spikes]")).image
        XCTAssertThrowsError(try Run.execute(spikesOnly, options: RunOptions(outputDirectory: dir))) { error in
            XCTAssertTrue("\(error)".contains("holds an earlier run (mapping.json, provenance.json, spikes.csv, summary.json, v.csv); use --force"), "\(error)")
        }
        _ = try Run.execute(spikesOnly, options: RunOptions(outputDirectory: dir, replaceEarlierRun: true))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/v.csv"), "the earlier run's trace is gone, not left beside the new run")
        XCTAssertEqual(try String(contentsOfFile: dir + "/notes.txt", encoding: .utf8), "keep me", "files that are not a run's stay")
        XCTAssertThrowsError(try Run.execute(spikesOnly, options: RunOptions(outputDirectory: dir + "/notes.txt"))) {
            XCTAssertTrue("\($0)".contains("exists and is not a directory"), "\($0)")
        }
    }

    func testMemoryBudgetIsCheckedBeforeAllocation() throws {
        let image = try compile(Self.yaml).image
        XCTAssertThrowsError(try Run.execute(image, options: RunOptions(maxMemoryBytes: 1000))) { error in
            XCTAssertTrue("\(error)".contains("of memory") && "\(error)".contains("(--max-memory)"), "\(error)")
        }
        // A crafted image of 65,536 one-neuron cores with 16 ring-index bits asks for 8 GiB of
        // ring buffer (34 GB in float64): the estimate sees it before anything is allocated.
        var m = MachineDescription(name: "wide", layout: .rectangle, width: 256, height: 16, wrapsAround: false)
        m.ringBufferIndexBits = 16
        let cores = (0..<(1 << 16)).map { c in
            CoreImage(population: 0, location: CoreLocation(chip: ChipCoordinate(x: c / 16 % 256, y: c / 4096), processor: 1 + c % 16),
                      firstNeuron: c, neuronCount: 1, keyBase: UInt32(c) << 1, keyMask: ~1, initialState: [[-65]],
                      synapses: SynapticMatrix(indexBits: 0, slotBits: 15, shifts: [0, 0], entries: [], rows: .empty, words: [], floatWeights: .perWord([])),
                      sourceEvents: [])
        }
        let crafted = ChipImage(machine: m, network: image.network, populations: [PopulationInfo(
            name: "wide", model: .ifCurrExp, size: 1 << 16, parameters: image.populations[0].parameters, record: [], liveOutput: false,
            cores: Array(0..<(1 << 16)))], cores: cores, routingTables: [], mappingReport: "{}")
        XCTAssertGreaterThan(RunBudget.memoryBytes(crafted, options: RunOptions(arithmetic: .float64)), 34_000_000_000)
        XCTAssertThrowsError(try Run.execute(crafted, options: RunOptions(arithmetic: .float64, maxMemoryBytes: 16 << 30)))
    }

    /// A small filesystem of its own (a tmpfs, where the machine lets the test mount one): a run
    /// whose traces cannot fit is refused before it starts; one that fills the disk with spikes
    /// stops with whole rows and a summary that says why.
    func testAFullDiskStopsTheRunCleanly() throws {
        let mountPoint = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint]
        mount.standardError = Pipe()
        try mount.run()
        mount.waitUntilExit()
        try XCTSkipIf(mount.terminationStatus != 0, "this machine does not let the test mount a small filesystem")
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run()
            umount.waitUntilExit()
        }
        XCTAssertThrowsError(try Run.execute(try compile(Self.yaml.replacingOccurrences(of: "duration: 400", with: "duration: 40000")).image,
                                             options: RunOptions(outputDirectory: mountPoint + "/traces"))) { error in
            XCTAssertTrue("\(error)".contains("of traces into") && "\(error)".contains("free"), "\(error)")
        }
        let spiking = try compile("""
        duration: 20000
        populations:
          n: {size: 1000, model: IF_curr_exp, params: {i_offset: 1}, record: [spikes]}
        """).image
        // On two threads worker 0 records a tick while the workers update the next one.
        for threads in [1, 2] {
            let dir = mountPoint + "/spikes"
            try? FileManager.default.removeItem(atPath: dir)
            XCTAssertThrowsError(try Run.execute(spiking, options: RunOptions(threads: threads, outputDirectory: dir))) { error in
                XCTAssertTrue("\(error)".contains("No space left on device"), "\(error)")
            }
            let rows = try String(contentsOfFile: dir + "/spikes.csv", encoding: .utf8)
            XCTAssertTrue(rows.hasSuffix("\n"))
            let fields = rows.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
            XCTAssertTrue(fields.allSatisfy { $0.count == 3 }, "no partial row")
            let summary = try RunSummary.decode(json: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json")))
            XCTAssertFalse(summary.complete)
            XCTAssertTrue(summary.ending.hasPrefix("failed: cannot write") && summary.ending.contains("No space left on device"), summary.ending)
            XCTAssertGreaterThan(summary.ticks, 0)
            XCTAssertLessThan(fields.compactMap { Double($0[2]) }.max() ?? 0, Double(summary.ticks), "\(threads) threads: no row past the ending")
        }
    }
}
