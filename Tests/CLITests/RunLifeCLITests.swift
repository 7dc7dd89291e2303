#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest

/// A real run stopped by SIGINT or SIGTERM, and outputs that must not replace what is not a file.
final class RunLifeCLITests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try scratchPath("life")
        try """
        duration: 1000000
        populations:
          n: {size: 500, model: IF_curr_exp, params: {i_offset: 1}, record: [spikes, v]}
        """.write(toFile: dir + "/long.yaml", atomically: true, encoding: .utf8)
    }

    /// The run stops at a tick boundary, flushes every file, writes its summary with
    /// `"complete": false` and exits 128 + the signal.
    func testSignalsStopARunCleanly() throws {
        for (signal, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            let out = dir + "/run\(signal)"
            let process = Process()
            process.executableURL = binary
            process.arguments = ["simulate", dir + "/long.yaml", "--out", out]
            process.standardOutput = Pipe()
            process.standardError = Pipe()
            try process.run()
            // Wait until the run is writing rows, then signal it.
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: out + "/v.csv")[.size] as? Int) ?? 0) < 300_000 {
                usleep(20_000)
            }
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, code, "signal \(signal)")
            let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
            XCTAssertEqual(summary["complete"] as? Bool, false)
            XCTAssertEqual(summary["ending"] as? String, signal == SIGINT ? "stopped: interrupted (SIGINT)" : "stopped: terminated (SIGTERM)")
            let ticks = summary["ticks"] as! Int
            XCTAssertGreaterThan(ticks, 0)
            XCTAssertLessThan(ticks, 1_000_000)
            let v = try String(contentsOfFile: out + "/v.csv", encoding: .utf8)
            XCTAssertTrue(v.hasSuffix("\n"), "no row cut in half")
            let rows = v.split(separator: "\n").dropFirst()
            XCTAssertEqual(rows.count, 500 * ticks, "every sampled tick whole: one row per neuron")
            for file in ["provenance.json", "mapping.json", "spikes.csv"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + file), file)
            }
        }
    }

    func testOutputsReplaceOnlyRegularFiles() throws {
        try "populations:\n  a: {size: 2, model: IF_curr_exp}\n".write(toFile: dir + "/small.yaml", atomically: true, encoding: .utf8)
        XCTAssertEqual(mkfifo(dir + "/fifo", 0o644), 0)
        for target in [dir + "/fifo", "/dev/null", dir] {
            for options in [["-o", target], ["-o", dir + "/x.nchip", "--report", target]] {
                let r = try neurite(["compile", dir + "/small.yaml"] + options)
                XCTAssertEqual(r.status, 1, "\(options)")
                XCTAssertTrue(r.stderr.contains("cannot write '\(target)': it exists and is not a regular file"), r.stderr)
            }
        }
        var info = stat()
        XCTAssertEqual(lstat(dir + "/fifo", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "the FIFO is still a FIFO")
        XCTAssertEqual(lstat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
        XCTAssertEqual(try neurite("compile", dir + "/small.yaml", "-o", dir + "/small.nchip").status, 0)
        XCTAssertEqual(try neurite("compile", dir + "/small.yaml", "-o", dir + "/small.nchip").status, 0, "a regular file is replaced")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        XCTAssertFalse(names.contains { $0.hasPrefix(".small.nchip") }, "no temporary file is left: \(names)")
    }
}
