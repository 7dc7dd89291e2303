import Foundation

/// The spikes of `spikes.csv` (`population,neuron,time_ms`), held compactly for the raster and
/// the rate curves of a report: one population index, neuron and time per spike.
public struct SpikeTable: Sendable {
    /// Population names in the order they were first seen.
    public var populations: [String] = []
    public var population: [UInt16] = []
    public var neuron: [Int32] = []
    public var timeMs: [Float] = []

    public var count: Int { neuron.count }

    /// Parses the file's bytes. Rows that are not `name,integer,number` (the header, a row cut
    /// short by an interrupted run) are skipped and counted in `skippedRows`.
    public init(csv bytes: [UInt8]) {
        var index: [Substring: UInt16] = [:]
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 3, let n = Int32(fields[1]), let t = Float(fields[2]) else {
                skippedRows += 1
                continue
            }
            let name = fields[0]
            let p: UInt16
            if let known = index[name] {
                p = known
            } else {
                p = UInt16(populations.count)
                index[name] = p
                populations.append(String(name))
            }
            population.append(p)
            neuron.append(n)
            timeMs.append(t)
        }
    }

    /// Lines that were not spikes (the header included).
    public private(set) var skippedRows = 0
}
