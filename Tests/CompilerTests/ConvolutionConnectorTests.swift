import ChipSim
@testable import Compiler
import Foundation
import XCTest

/// `ConvolutionConnector`: every tap at every position where its target lies in the map, with the
/// tap's weight and delay (checked against a direct enumeration), and located errors.
final class ConvolutionConnectorTests: XCTestCase {
    /// Two 5 × 4 input maps onto three output maps.
    func network(_ connector: String, receptor: String = "excitatory", synapse: String = "{}") -> String {
        """
        populations:
          events: {size: 40, model: SpikeSourceArray, spike_times: []}
          maps: {size: 60, model: IF_curr_delta}
        projections:
          - pre: events
            post: maps
            connector: \(connector)
            synapse: \(synapse)
            receptor: \(receptor)
        """
    }

    static let taps: [[Double]] = [[0, 0, 0, 0, 1.5, 1], [0, 1, -1, 2, 0.25, 3], [1, -2, 2, 1, 2, 11], [1, 0, 0, 0, 0.5, 2], [0, 4, 0, 1, 1, 1]]

    func testEveryTapAtEveryPositionInTheMap() throws {
        let list = "[" + Self.taps.map { "[" + $0.map { String($0) }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
        let s = decodeSynapses(try compile(network("{type: ConvolutionConnector, shape: [5, 4], taps: \(list)}")).image)
        var expected: [[Int]] = []
        for t in Self.taps {
            for y in 0..<4 {
                for x in 0..<5 {
                    let tx = x + Int(t[1]), ty = y + Int(t[2])
                    guard (0..<5).contains(tx), (0..<4).contains(ty) else { continue }
                    expected.append([(Int(t[0]) * 4 + y) * 5 + x, (Int(t[3]) * 4 + ty) * 5 + tx, Int(t[4] * 100), Int(t[5])])
                }
            }
        }
        XCTAssertEqual(s.map { [$0.sourceNeuron, $0.targetNeuron, Int(($0.weight * 100).rounded()), $0.delay] }.sorted { $0.lexicographicallyPrecedes($1) },
                       expected.sorted { $0.lexicographicallyPrecedes($1) })
        XCTAssertEqual(ConvolutionKernel(width: 5, height: 4, inChannels: 2, outChannels: 3, taps: Self.taps.map {
            ConvolutionKernel.Tap(inChannel: Int($0[0]), dx: Int($0[1]), dy: Int($0[2]), outChannel: Int($0[3]), weight: $0[4], delay: $0[5])
        }).synapseCount, expected.count)
    }

    func testTapsFromAFile() throws {
        let dir = NSTemporaryDirectory() + "conv-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ("# in_channel dx dy out_channel weight delay\n" + Self.taps.map { $0.map { String($0) }.joined(separator: ",") }.joined(separator: "\n"))
            .write(toFile: dir + "/taps.csv", atomically: true, encoding: .utf8)
        let yaml = network("{type: Convolution, shape: [5, 4], file: taps.csv}")
        let fromFile = decodeSynapses(try NetworkCompiler.compile(try NetworkParser.parse(yaml, file: dir + "/net.yaml", baseDirectory: dir), target: .spinn5).image)
        let list = "[" + Self.taps.map { "[" + $0.map { String($0) }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"
        XCTAssertEqual(Set(fromFile), Set(decodeSynapses(try compile(network("{type: ConvolutionConnector, shape: [5, 4], taps: \(list)}")).image)))
    }

    func testErrorsSayWhereAndWhat() {
        for (connector, extra, message) in [
            ("{type: ConvolutionConnector, shape: [6, 4], taps: []}", "{}", "need views of whole maps; pre has 40 neurons and post 60"),
            ("{type: ConvolutionConnector, shape: [5, 4], taps: [[2, 0, 0, 0, 1, 1]]}", "{}", "tap 1: input channel 2 is out of range 0..<2"),
            ("{type: ConvolutionConnector, shape: [5, 4], taps: [[0, 0, 0, 3, 1, 1]]}", "{}", "tap 1: output channel 3 is out of range 0..<3"),
            ("{type: ConvolutionConnector, shape: [5, 4], taps: [[0, 0, 0, 0, 1]]}", "{}", "tap 1: expected 'in_channel dx dy out_channel weight delay', six numbers"),
            ("{type: ConvolutionConnector, shape: [5, 4], taps: [[0, 0.5, 0, 0, 1, 1]]}", "{}", "tap 1: channels and offsets must be integers"),
            ("{type: ConvolutionConnector, shape: [5, 4], taps: [[0, 0, 0, 0, -1, 1]]}", "{}", "tap 1: excitatory weight -1.0 must be ≥ 0 mV"),
            ("{type: ConvolutionConnector, shape: [5, 4], taps: [[0, 0, 0, 0, 1, 0.5]]}", "{}", "tap 1: delay 0.5 ms is below one time step"),
            ("{type: ConvolutionConnector, shape: [5, 4], taps: []}", "{weight: 1}", "a ConvolutionConnector's taps give every synapse its weight and delay"),
            ("{type: ConvolutionConnector, shape: [5, 4]}", "{}", "ConvolutionConnector takes its taps from a 'file' or a 'taps' list"),
            ("{type: ConvolutionConnector, shape: [5, 4], file: missing.csv}", "{}", "missing.csv"),
        ] {
            XCTAssertThrowsError(try compile(network(connector, synapse: extra)), connector) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
                XCTAssertTrue("\(error)".hasPrefix("test.yaml:"), "\(error)")
            }
        }
    }
}
