import ChipSim
import Foundation

/// What the compiler did with a network, for people (the `compile` summary) and for tools
/// (`--report`, and `mapping.json` in a run directory).
public struct MappingReport: Codable, Equatable, Sendable {
    public struct Population: Codable, Equatable, Sendable {
        public var name: String
        public var model: String
        public var size: Int
        public var neuronsPerCore: Int
        /// Its cores as `x,y,p`.
        public var cores: [String]
    }

    public struct Projection: Codable, Equatable, Sendable {
        public var label: String
        public var pre: String
        public var post: String
        public var receptor: String
        public var synapses: Int
        /// Synapses whose non-zero weight is 0 in 16-bit fixed point (s1615).
        public var weightsRoundedToZero: Int
    }

    public struct Core: Codable, Equatable, Sendable {
        /// `x,y,p`.
        public var location: String
        public var population: String
        public var firstNeuron: Int
        public var neurons: Int
        public var incomingSynapses: Int
        public var masterPopulationEntries: Int
        public var ringBufferSlots: Int
        /// Weight shift per synapse type (excitatory, inhibitory).
        public var weightShifts: [Int]
        /// Expected cycles per tick (sources at their expected rates, neurons at 30 Hz) over the budget.
        public var predictedLoad: Double
    }

    public var network: String
    public var target: String
    public var timestepMs: Double
    /// The network's step convention (`spinnaker` or `brian2`) and time scale factor.
    public var stepConvention: String
    public var timeScaleFactor: Double
    public var chipsUsed: Int
    public var coresUsed: Int
    public var neurons: Int
    public var synapses: Int
    /// The most routing entries any chip needs (after default-route removal), and the limit.
    public var maxRoutingEntries: Int
    public var routingEntryLimit: Int
    /// Entries that default routing made unnecessary.
    public var defaultRoutesRemoved: Int
    /// Delay-extension cores used (none yet: delays beyond the ring buffer are refused).
    public var delayExtensionCores: Int
    /// Synapses whose non-zero weight became 0 in 16-bit fixed point (s1615).
    public var weightsRoundedToZero: Int
    /// Synapses whose weight exceeded the 16-bit range of an overridden shift (clipped to 0xFFFF).
    public var weightsSaturated: Int
    /// Drawn weights with the wrong sign for their receptor, set to 0.
    public var weightsClipped: Int
    /// Drawn delays below one time step, raised to one step.
    public var delaysClipped: Int
    public var maxRowLength: Int
    /// The highest predicted per-core load (1.0 = the whole tick budget).
    public var maxPredictedLoad: Double
    public var populations: [Population]
    public var projections: [Projection]
    public var cores: [Core]
    /// Entries per chip that has any, as `x,y` → count.
    public var routingEntries: [String: Int]

    /// The report as JSON (sorted keys, snake_case).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public static func decode(json: String) throws -> MappingReport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(MappingReport.self, from: Data(json.utf8))
    }

    /// The human summary `neurite compile` prints.
    public var summary: String {
        var lines: [String] = []
        lines.append("network \(network) on \(target): \(neurons) neurons, \(synapses) synapses")
        lines.append("  step convention       \(stepConvention)\(timeScaleFactor == 1 ? "" : ", ticks stretched ×\(timeScaleFactor)")")
        lines.append("  chips used            \(chipsUsed)")
        lines.append("  cores used            \(coresUsed)")
        lines.append("  max routing entries   \(maxRoutingEntries) of \(routingEntryLimit) per chip (\(defaultRoutesRemoved) removed by default routing)")
        lines.append("  delay extensions      \(delayExtensionCores)")
        lines.append("  longest synaptic row  \(maxRowLength) words")
        lines.append("  weights rounded to 0  \(weightsRoundedToZero)")
        if weightsSaturated > 0 { lines.append("  weights clipped at 16 bits \(weightsSaturated)") }
        if weightsClipped > 0 { lines.append("  weights clipped to 0  \(weightsClipped) (drawn with the wrong sign)") }
        if delaysClipped > 0 { lines.append("  delays raised to dt   \(delaysClipped)") }
        lines.append(String(format: "  max predicted load    %.1f%% of a tick", maxPredictedLoad * 100))
        return lines.joined(separator: "\n")
    }
}
