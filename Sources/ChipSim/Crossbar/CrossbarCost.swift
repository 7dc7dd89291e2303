/// The energy and latency of crossbar reads, per component; one read's or a sum of reads'.
///
/// A read (one tile, one set of rows pulsed together) costs
/// - per pulsed row, `row_driver_energy_pj` (``rowDriverPicojoules``);
/// - per cell of a pulsed row, V²·G·t (``cellPicojoules``): V = the row's input × `read_voltage_v`,
///   G = the cell's conductance (both devices of the pair, drift included), t = `read_pulse_ns`.
///   This is the energy at the nominal voltage across each cell: IR drop lowers it slightly;
/// - per output column, with an ADC (`adc_bits` > 0), one conversion of `adc_energy_pj`
///   (``adcPicojoules``); without one, the columns integrate into the neurons, whose update
///   energy the neuron model accounts for.
///
/// Its latency is the read pulse plus, with an ADC, one conversion per column sharing an ADC
/// (`columns_per_adc`, at most the columns in use) of `adc_latency_ns` each.
public struct CrossbarCost: Codable, Equatable, Sendable {
    /// Reads (tiles read with at least one pulsed row).
    public var reads = 0
    /// Row pulses (rows with a nonzero input, summed over reads).
    public var rowPulses = 0
    /// ADC conversions.
    public var adcConversions = 0
    /// Energy of the row drivers, pJ.
    public var rowDriverPicojoules = 0.0
    /// Energy dissipated in the cells, pJ.
    public var cellPicojoules = 0.0
    /// Energy of the ADC conversions, pJ.
    public var adcPicojoules = 0.0
    /// Latency, ns, summed over reads (reads of different tiles can overlap in time; this does
    /// not assume they do).
    public var latencyNanoseconds = 0.0

    public init() {}

    /// Total energy, pJ: the sum of the components.
    public var picojoules: Double { rowDriverPicojoules + cellPicojoules + adcPicojoules }

    public static func += (total: inout CrossbarCost, read: CrossbarCost) {
        total.reads += read.reads
        total.rowPulses += read.rowPulses
        total.adcConversions += read.adcConversions
        total.rowDriverPicojoules += read.rowDriverPicojoules
        total.cellPicojoules += read.cellPicojoules
        total.adcPicojoules += read.adcPicojoules
        total.latencyNanoseconds += read.latencyNanoseconds
    }

    /// The cost of one read of `pulses` rows of a tile with `columns` output columns, whose
    /// pulsed rows hold `conductanceSquaredInput` = Σ_rows input² · Σ_cells G (µS).
    static func read(pulses: Int, conductanceSquaredInput: Double, columns: Int, settings s: CrossbarSettings) -> CrossbarCost {
        var cost = CrossbarCost()
        cost.reads = 1
        cost.rowPulses = pulses
        cost.rowDriverPicojoules = Double(pulses) * s.rowDriverEnergyPicojoules
        // V² (V²) · G (µS = 1e-6 S) · t (ns = 1e-9 s) = 1e-15 J = 1e-3 pJ.
        cost.cellPicojoules = s.readVoltageV * s.readVoltageV * s.readPulseNs * conductanceSquaredInput * 1e-3
        cost.latencyNanoseconds = s.readPulseNs
        if s.adcBits > 0 {
            cost.adcConversions = columns
            cost.adcPicojoules = Double(columns) * s.adcEnergyPicojoules
            cost.latencyNanoseconds += Double(min(s.columnsPerADC, columns)) * s.adcLatencyNs
        }
        return cost
    }
}
