import ChipSim
@testable import Compiler
import Foundation
import XCTest

/// `Examples/microcircuit.yaml` is the full-scale Potjans-Diesmann model that
/// `Examples/microcircuit.py` writes (its compilation and run are benchmarks, not tests:
/// `Benchmarks/microcircuit.sh`).
final class MicrocircuitExampleTests: XCTestCase {
    var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples").path
    }

    func testTheExampleIsTheFullScaleModel() throws {
        let network = try NetworkParser.parse(contentsOf: examples + "/microcircuit.yaml")
        XCTAssertEqual(network.timestep, 0.1)
        let cells = network.populations.filter { !$0.model.isSource }
        XCTAssertEqual(cells.map(\.name), ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"])
        XCTAssertEqual(cells.map(\.size), [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
        XCTAssertEqual(cells.reduce(0) { $0 + $1.size }, 77169)
        // Background: one Poisson atom per neuron at 8 Hz × K_ext.
        let background = network.populations.filter(\.model.isSource)
        XCTAssertEqual(background.map(\.size), cells.map(\.size))
        XCTAssertEqual(background.map { $0.parameters["rate"]! }, [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100].map { 8.0 * $0 })
        let expected = ExpansionBudget.expectedSynapses(network)
        let recurrent = network.projections.indices.filter { !network.populations[network.projections[$0].pre.population].model.isSource }
        XCTAssertEqual(recurrent.count, 64 - 9, "every pair of the connection table but its nine zeros")
        XCTAssertEqual(recurrent.reduce(0.0) { $0 + expected[$1] }, 2.99e8, accuracy: 0.01e8)
        // 87.81 pA for a 0.15 mV PSP, doubled from L4E to L2/3E; inhibitory −4×.
        let l4e = network.projections.first { $0.label == "L4E-L23E" }!, l23i = network.projections.first { $0.label == "L23I-L23E" }!
        XCTAssertEqual(l4e.weight.typical, 2 * 0.0878085, accuracy: 1e-6)
        XCTAssertEqual(l23i.weight.typical, -4 * 0.0878085, accuracy: 1e-6)
        XCTAssertEqual(l23i.delay.typical, 0.75)
    }

    func testTheGeneratorWritesTheExample() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", examples + "/microcircuit.py"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(text, try String(contentsOfFile: examples + "/microcircuit.yaml", encoding: .utf8))
    }
}
