import Foundation

/// The settings of a memristor-crossbar target: tile size, device model, nonidealities, readout,
/// and the energy and latency figures of a read (DESIGN §4).
///
/// Every number is a default of `research/crossbar.md` §7 (sources in `docs/crossbar.md`) and a
/// key of the `crossbar:` block of `configs/crossbar.yaml`, also accepted by
/// `--set KEY=VALUE` (``set(_:to:)``). Each nonideality is switched off by setting it to 0;
/// with all of them at 0 (`levels`, `programming_noise`, `read_noise`, `stuck_on_rate`,
/// `stuck_off_rate`, `wire_resistance_ohm`, `adc_bits`, `drift_nu`) a tile computes W·x exactly.
public struct CrossbarSettings: Codable, Equatable, Sendable {
    /// Rows (inputs, word lines) per tile. Default 256 (NeuRRAM, HERMES, MNSIM).
    public var tileRows: Int
    /// Columns (outputs, bit lines) per tile. Default 256.
    public var tileCols: Int
    /// Highest programmable conductance, µS. Default 40 (RRAM, Wan et al. 2022 as fitted by aihwkit).
    public var gMaxMicrosiemens: Double
    /// Lowest programmable conductance (the off state), µS. Default 1 (on/off ratio 40).
    public var gMinMicrosiemens: Double
    /// Conductance levels per device, evenly spaced from Gmin to Gmax; 0 = continuous.
    /// Default 16 (4 bits; a differential pair then holds 31 signed levels).
    public var levels: Int
    /// Programming noise: σ of an additive Gaussian on each device's conductance, as a fraction
    /// of Gmax, drawn once per programming. Default 0.025 (research §7.1, simple mode).
    public var programmingNoise: Double
    /// Read noise: σ of an additive Gaussian on each device's conductance, as a fraction of Gmax,
    /// drawn anew for every read. Default 0.01 (aihwkit's ReRAM advice).
    public var readNoise: Double
    /// Probability that a device is stuck at Gmax whatever it is programmed to. Default 0.001 (MNSIM).
    public var stuckOnRate: Double
    /// Probability that a device is stuck at Gmin. Default 0.001 (MNSIM).
    public var stuckOffRate: Double
    /// Wire resistance per cell segment of rows and columns, Ω; 0 = ideal wires. Default 1.
    public var wireResistanceOhm: Double
    /// Amplitude of a read pulse (a spike on a row), V. Default 0.2.
    public var readVoltageV: Double
    /// Width of a read pulse, ns. Default 10 (NeuroSim).
    public var readPulseNs: Double
    /// ADC resolution in bits (signed, 2^(bits−1) − 1 levels each side of 0); 0 = no ADC: the
    /// column currents integrate straight into the neurons. Default 8.
    public var adcBits: Int
    /// The ADC's full scale: ± the column current of this many rows at full weight
    /// (Gmax − Gmin at the read voltage). Default 8, which puts one ADC step at about one level of a
    /// 16-level device with 8 bits (CrossSim's GRANULAR range, 127/15 ≈ 8.5 rows).
    public var adcFullScaleRows: Double
    /// Energy of one ADC conversion, pJ. Default 1.56 (ISAAC's 8-bit ADC: 2 mW at 1.28 GS/s).
    public var adcEnergyPicojoules: Double
    /// Latency of one ADC conversion, ns. Default 9 (NeuroSim's SAR rule, bits + 1 ns).
    public var adcLatencyNs: Double
    /// Columns that share one ADC and are converted one after another. Default 1.
    public var columnsPerADC: Int
    /// Energy of driving one read pulse onto a row (line C·V²), pJ. Default 0.1 (order of magnitude).
    public var rowDriverEnergyPicojoules: Double
    /// Power-law drift exponent ν: G(t) = G₀·((t + t₀)/t₀)^−ν. Default 0 (RRAM relaxes rather
    /// than drifts; 0.05–0.1 models PCM, aihwkit).
    public var driftNu: Double
    /// Drift reference time t₀, s. Default 20 (aihwkit's PCM model).
    public var driftT0Seconds: Double
    /// Time since programming t at which the tile is read, s. Default 0.
    public var timeSinceProgrammingSeconds: Double

    public init(
        tileRows: Int = 256, tileCols: Int = 256, gMaxMicrosiemens: Double = 40, gMinMicrosiemens: Double = 1,
        levels: Int = 16, programmingNoise: Double = 0.025, readNoise: Double = 0.01,
        stuckOnRate: Double = 0.001, stuckOffRate: Double = 0.001, wireResistanceOhm: Double = 1,
        readVoltageV: Double = 0.2, readPulseNs: Double = 10, adcBits: Int = 8, adcFullScaleRows: Double = 8,
        adcEnergyPicojoules: Double = 1.56, adcLatencyNs: Double = 9, columnsPerADC: Int = 1,
        rowDriverEnergyPicojoules: Double = 0.1, driftNu: Double = 0, driftT0Seconds: Double = 20,
        timeSinceProgrammingSeconds: Double = 0
    ) {
        self.tileRows = tileRows
        self.tileCols = tileCols
        self.gMaxMicrosiemens = gMaxMicrosiemens
        self.gMinMicrosiemens = gMinMicrosiemens
        self.levels = levels
        self.programmingNoise = programmingNoise
        self.readNoise = readNoise
        self.stuckOnRate = stuckOnRate
        self.stuckOffRate = stuckOffRate
        self.wireResistanceOhm = wireResistanceOhm
        self.readVoltageV = readVoltageV
        self.readPulseNs = readPulseNs
        self.adcBits = adcBits
        self.adcFullScaleRows = adcFullScaleRows
        self.adcEnergyPicojoules = adcEnergyPicojoules
        self.adcLatencyNs = adcLatencyNs
        self.columnsPerADC = columnsPerADC
        self.rowDriverEnergyPicojoules = rowDriverEnergyPicojoules
        self.driftNu = driftNu
        self.driftT0Seconds = driftT0Seconds
        self.timeSinceProgrammingSeconds = timeSinceProgrammingSeconds
    }

    /// The settings with every nonideality switched off: continuous levels, no noise, no stuck
    /// devices, ideal wires, no ADC, no drift. A tile then computes W·x exactly.
    public static var ideal: CrossbarSettings {
        CrossbarSettings(levels: 0, programmingNoise: 0, readNoise: 0, stuckOnRate: 0, stuckOffRate: 0,
                         wireResistanceOhm: 0, adcBits: 0, driftNu: 0)
    }

    /// The factor every conductance has drifted by at ``timeSinceProgrammingSeconds``: 1 when
    /// ``driftNu`` or the time is 0.
    public var driftFactor: Double {
        driftNu == 0 ? 1 : pow((timeSinceProgrammingSeconds + driftT0Seconds) / driftT0Seconds, -driftNu)
    }
}
