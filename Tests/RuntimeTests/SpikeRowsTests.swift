import ChipSim
import Foundation
@testable import Runtime
import XCTest

/// `spikes.csv` written by several workers, each formatting its own cores' rows (in batches of
/// 15 ticks, the delay), is byte for byte the file one thread writes; where the populations'
/// name order does not follow their cores, the recorder formats every row itself.
final class SpikeRowsTests: XCTestCase {
    /// Three populations (one not recorded) of 600 cells on three cores each, declared in the
    /// order `names` gives them, driven by Poisson sources.
    static func network(_ names: [String]) -> String {
        let cells = names.map { name in
            "  \(name): {size: 600, model: IF_curr_exp, record: \(name == "silent" ? "[]" : "[spikes]"), params: {tau_m: 10, cm: 0.25, v_thresh: -55}}"
        }.joined(separator: "\n")
        let drives = names.map { name in
            "  - {pre: drive, post: \(name), connector: {type: FixedProbabilityConnector, p_connect: 0.05}, synapse: {weight: 0.6, delay: 1.5}}"
        }.joined(separator: "\n")
        return """
        network: rows
        timestep: 0.1
        duration: 60
        seed: 7
        populations:
          drive: {size: 300, model: SpikeSourcePoisson, params: {rate: 40}}
        \(cells)
        projections:
        \(drives)
        """
    }

    func testSpikeFileDoesNotDependOnThreadCount() throws {
        for (names, follows) in [(["alpha", "silent", "beta"], true), (["zeta", "alpha", "beta"], false)] {
            let image = try compile(Self.network(names)).image
            XCTAssertEqual(try Recorder(image: image, options: RunOptions(outputDirectory: temporaryDirectory())).rowsFollowCores, follows,
                           "\(names)")
            var files: [String] = []
            for threads in [1, 2, 3] {
                let dir = temporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: dir) }
                _ = try Run.execute(image, options: RunOptions(arithmetic: .s1615, threads: threads, outputDirectory: dir))
                files.append(try String(contentsOfFile: dir + "/spikes.csv", encoding: .utf8))
            }
            XCTAssertGreaterThan(files[0].split(separator: "\n").count, 300, "\(names): the cells fire")
            XCTAssertTrue(files[0].contains("\nbeta,") && !files[0].contains("silent"), "\(names)")
            XCTAssertEqual(files[1], files[0], "\(names), 2 threads")
            XCTAssertEqual(files[2], files[0], "\(names), 3 threads")
        }
    }

    /// Rows grow their buffer as they need and keep what was there.
    func testRowBufferGrows() {
        let rows = RowBuffer(capacity: 4), texts = RowTextStore()
        rows.appendRows(texts.text("pop,"), [0, 7], texts.text(",0.5\n"))
        rows.appendRows(texts.text("cells,"), [Int](), texts.text(",1\n"))
        rows.appendRows(texts.text("n,"), [9, 10, 99, 100, 1234567, Int.max], texts.text(",12.25\n"))
        Array(",2\n".utf8).withUnsafeBufferPointer { bytes in
            RowText.with(bytes) { end in rows.appendRows(texts.text("core,"), [UInt16(0), 3, 65535], plus: 256, end) }
        }
        // A prefix and a suffix longer than a chunk.
        rows.appendRows(texts.text("a_population_name,"), [5, 42], texts.text(",1234567.125000000\n"))
        XCTAssertEqual(String(decoding: UnsafeBufferPointer(rebasing: rows.bytes[0..<rows.count]), as: UTF8.self),
                       "pop,0,0.5\npop,7,0.5\nn,9,12.25\nn,10,12.25\nn,99,12.25\nn,100,12.25\nn,1234567,12.25\n"
                       + "n,\(Int.max),12.25\ncore,256,2\ncore,259,2\ncore,65791,2\n"
                       + "a_population_name,5,1234567.125000000\na_population_name,42,1234567.125000000\n")
    }
}
