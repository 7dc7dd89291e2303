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
        /// Ticks of delay its cores' ring buffers hold (0 for spike sources); longer delays go
        /// through delay-extension cores.
        public var ringBufferSlots: Int
        /// Why it has fewer neurons per core than it asked for (`DTCM`, `row length`, `SDRAM`), if
        /// it does.
        public var fewerNeuronsPerCoreBecause: String?
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
        /// The sum of its weights as the 16-bit field holds them over their sum as written
        /// (s1615; 1 where every weight is exact): rounding to the target's weight resolution
        /// makes a projection's weights stronger (above 1) or weaker on the chip. Nil without
        /// weights, and in reports of images compiled before it was counted.
        public var chipWeightRatio: Double?
    }

    public struct Core: Codable, Equatable, Sendable {
        /// `x,y,p`.
        public var location: String
        public var population: String
        /// `neurons`, or `delay extension` for a core that relays spikes later.
        public var role: String
        /// The delay-extension stage (1, 2, …); 0 for a neuron core.
        public var delayStage: Int
        public var firstNeuron: Int
        public var neurons: Int
        public var incomingSynapses: Int
        public var masterPopulationEntries: Int
        public var ringBufferSlots: Int
        /// Weight shift per synapse type (excitatory, inhibitory).
        public var weightShifts: [Int]
        /// Bytes of SDRAM its synaptic matrix takes on the chip (rows padded as the chip lays
        /// them out) and of DTCM its ring buffer, neuron state and table take.
        public var sdramBytes: Int
        public var dtcmBytes: Int
        /// Expected packets and synaptic events per tick at the expected rates: sources at their
        /// rates, spike arrays at their busiest neuron's, neurons at `spikes_per_second`
        /// (default 30 Hz).
        public var expectedPacketsPerTick: Double
        public var expectedSynapticEventsPerTick: Double
        /// CPU cycles per tick the cost model predicts at those rates, and that over the tick's
        /// budget (1.0 = the whole tick).
        public var predictedCycles: Double
        public var predictedLoad: Double
    }

    /// One chip's routing table.
    public struct RoutingTableSize: Codable, Equatable, Sendable {
        /// `x,y`.
        public var chip: String
        /// Entries before any minimisation (one per source core whose packets cross the chip).
        public var before: Int
        /// Entries in the image.
        public var after: Int
        /// Whether ordered covering had to run (the table did not fit after default routing).
        public var compressed: Bool
    }

    /// What one crossbar tile holds (crossbar target): one tile of one (delay, type) matrix of a
    /// core (``CrossbarCoreMatrix``).
    public struct CrossbarTile: Codable, Equatable, Sendable {
        /// The core, `x,y,p`, and its population.
        public var core: String
        public var population: String
        /// The matrix: its delay in ticks, its receptor, and the projections whose synapses it
        /// holds (those from the populations of its rows onto this population with this receptor).
        public var delayTicks: Int
        public var receptor: String
        public var projections: [String]
        /// The tile's index in the matrix, the rows (source neurons, by their order in the matrix)
        /// and columns (the core's neurons) of the matrix it holds.
        public var tile: Int
        public var rows: [Int]
        public var columns: [Int]
        /// Cells holding a weight, and their share of the tile's cells.
        public var cellsUsed: Int
        public var utilization: Double
        /// Weights that are not 0, the magnitude mapped to Gmax − Gmin, weights quantization
        /// turned into 0, weights clipped, devices stuck at Gmax and at Gmin.
        public var nonzeroWeights: Int
        public var weightMax: Double
        public var weightsRoundedToZero: Int
        public var weightsClipped: Int
        public var stuckOn: Int
        public var stuckOff: Int
    }

    /// The crossbar tiles of a crossbar target, with their totals.
    public struct Crossbar: Codable, Equatable, Sendable {
        /// Tile size, rows × columns.
        public var tileRows: Int
        public var tileCols: Int
        public var tiles: [CrossbarTile]
        /// Cells used over all tiles' cells.
        public var utilization: Double
        public var weightsRoundedToZero: Int
        public var weightsClipped: Int
        public var stuckDevices: Int
    }

    public var network: String
    public var target: String
    /// How the target was chosen: `given`, or `auto` (the fewest SpiNN-5 boards that hold it).
    public var targetChoice: String
    public var timestepMs: Double
    /// The network's step convention (`spinnaker` or `brian2`) and time scale factor.
    public var stepConvention: String
    public var timeScaleFactor: Double
    /// SpiNN-5 boards of the target (0 for a rectangle of chips) and of them those used.
    public var boards: Int
    public var boardsUsed: Int
    public var chipsUsed: Int
    public var coresUsed: Int
    /// Neurons of cell populations, and atoms of spike sources.
    public var neurons: Int
    public var sourceAtoms: Int
    public var synapses: Int
    /// The most routing entries any chip needs in the image, and the limit.
    public var maxRoutingEntries: Int
    public var routingEntryLimit: Int
    /// The most entries any chip had before minimisation.
    public var maxRoutingEntriesBefore: Int
    /// Entries that default routing made unnecessary.
    public var defaultRoutesRemoved: Int
    /// Chips whose tables ordered covering compressed.
    public var chipsCompressed: Int
    /// Delay-extension cores used, and the most stages of any chain.
    public var delayExtensionCores: Int
    public var delayStages: Int
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
    /// Whether the image keeps full-precision weights for `float64` runs.
    public var floatWeights: Bool
    public var populations: [Population]
    public var projections: [Projection]
    public var cores: [Core]
    /// Entries per chip that has any, as `x,y` → count (in the image).
    public var routingEntries: [String: Int]
    /// Every chip's table before and after minimisation, in chip order.
    public var routingTables: [RoutingTableSize]
    /// The crossbar tiles (crossbar target only; absent on the digital target).
    public var crossbar: Crossbar?

    /// The report as JSON (sorted keys, snake_case).
    public func json() -> String { Self.json(self) }

    /// Any part of the report as the report writes it (sorted keys, snake_case).
    public static func json<T: Encodable>(_ part: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try! encoder.encode(part), as: UTF8.self)
    }

    public static func decode(json: String) throws -> MappingReport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(MappingReport.self, from: Data(json.utf8))
    }

    /// The human summary `neurite compile` prints.
    public var summary: String {
        var lines: [String] = []
        lines.append("network \(network) on \(target): \(neurons) neurons, \(sourceAtoms > 0 ? "\(sourceAtoms) spike-source atoms, " : "")\(synapses) synapses")
        if targetChoice == "auto" { lines.append("  target                auto: \(target), the fewest SpiNN-5 boards that hold the network") }
        lines.append("  step convention       \(stepConvention)\(timeScaleFactor == 1 ? "" : ", ticks stretched ×\(timeScaleFactor)")")
        if boards > 0 { lines.append("  boards used           \(boardsUsed) of \(boards)") }
        lines.append("  chips used            \(chipsUsed)")
        lines.append("  cores used            \(coresUsed)\(delayExtensionCores > 0 ? " (\(delayExtensionCores) delay extensions, up to \(delayStages) stage\(delayStages == 1 ? "" : "s"))" : "")")
        for p in populations where p.fewerNeuronsPerCoreBecause != nil {
            lines.append("  \(p.name): \(p.neuronsPerCore) neurons per core (\(p.fewerNeuronsPerCoreBecause!))")
        }
        lines.append("  max routing entries   \(maxRoutingEntries) of \(routingEntryLimit) per chip (\(maxRoutingEntriesBefore) before minimisation; \(defaultRoutesRemoved) removed by default routing\(chipsCompressed > 0 ? ", \(chipsCompressed) chip\(chipsCompressed == 1 ? "" : "s") compressed by ordered covering" : ""))")
        lines.append("  longest synaptic row  \(maxRowLength) words")
        lines.append("  weights rounded to 0  \(weightsRoundedToZero)")
        if weightsSaturated > 0 { lines.append("  weights clipped at 16 bits \(weightsSaturated)") }
        if weightsClipped > 0 { lines.append("  weights clipped to 0  \(weightsClipped) (drawn with the wrong sign)") }
        if delaysClipped > 0 { lines.append("  delays raised to dt   \(delaysClipped)") }
        if let busiest = cores.max(by: { $0.predictedLoad < $1.predictedLoad }) {
            lines.append(String(format: "  max predicted load    %.1f%% of a tick (%@, core %@)", maxPredictedLoad * 100, busiest.population, busiest.location))
        }
        if !floatWeights { lines.append("  weights               16-bit only (runs in s1615 only)") }
        if let x = crossbar {
            let cells = x.tiles.reduce(0) { $0 + $1.cellsUsed }
            lines.append(String(format: "  crossbar tiles        %d of %d × %d cells (%d cells used, %.1f%% of them)", x.tiles.count, x.tileRows, x.tileCols,
                                cells, x.utilization * 100))
            lines.append("  crossbar weights      \(x.weightsRoundedToZero) quantized to 0, \(x.weightsClipped) clipped; \(x.stuckDevices) stuck devices")
        }
        return lines.joined(separator: "\n")
    }
}
