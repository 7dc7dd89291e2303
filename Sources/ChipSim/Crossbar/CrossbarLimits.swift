/// The settings by name, with the bounds of each: what the tile model can count, allocate and
/// compute with. Target files, `--set` overrides and tiles are all held to them.
extension CrossbarSettings {
    /// One setting: its key in `configs/crossbar.yaml` and `--set`, whether it is a whole number,
    /// and the values it may take.
    public struct Key: Sendable {
        public let name: String
        public let isInteger: Bool
        public let range: ClosedRange<Double>
        let read: @Sendable (CrossbarSettings) -> Double
        let write: @Sendable (inout CrossbarSettings, Double) -> Void

        static func integer(_ name: String, _ path: WritableKeyPath<CrossbarSettings, Int> & Sendable, _ range: ClosedRange<Int>) -> Key {
            Key(name: name, isInteger: true, range: Double(range.lowerBound)...Double(range.upperBound),
                read: { Double($0[keyPath: path]) }, write: { $0[keyPath: path] = Int($1) })
        }

        static func real(_ name: String, _ path: WritableKeyPath<CrossbarSettings, Double> & Sendable,
                         _ range: ClosedRange<Double>) -> Key {
            Key(name: name, isInteger: false, range: range, read: { $0[keyPath: path] }, write: { $0[keyPath: path] = $1 })
        }

        /// The range as the messages show it.
        public var rangeText: String {
            isInteger ? "\(Int(range.lowerBound))...\(Int(range.upperBound))" : "\(range.lowerBound)...\(range.upperBound)"
        }
    }

    /// The largest tile side, rows or columns. 4096.
    public static let maxTileSide = 4096
    /// Any conductance, µS. 10^6 (1 S).
    public static let maxConductance = 1e6
    /// Any energy (pJ), time (ns, s), resistance (Ω) or voltage (V) figure. 10^9.
    public static let maxFigure = 1e9

    /// Every setting, in the order of `configs/crossbar.yaml`.
    public static let keys: [Key] = [
        .integer("tile_rows", \.tileRows, 1...maxTileSide),
        .integer("tile_cols", \.tileCols, 1...maxTileSide),
        .real("g_max_us", \.gMaxMicrosiemens, 1e-9...maxConductance),
        .real("g_min_us", \.gMinMicrosiemens, 0...maxConductance),
        .integer("levels", \.levels, 0...(1 << 16)),
        .real("programming_noise", \.programmingNoise, 0...1),
        .real("read_noise", \.readNoise, 0...1),
        .real("stuck_on_rate", \.stuckOnRate, 0...1),
        .real("stuck_off_rate", \.stuckOffRate, 0...1),
        .real("wire_resistance_ohm", \.wireResistanceOhm, 0...maxFigure),
        .real("read_voltage_v", \.readVoltageV, 1e-9...maxFigure),
        .real("read_pulse_ns", \.readPulseNs, 1e-9...maxFigure),
        .integer("adc_bits", \.adcBits, 0...24),
        .real("adc_full_scale_rows", \.adcFullScaleRows, 1e-9...maxFigure),
        .real("adc_energy_pj", \.adcEnergyPicojoules, 0...maxFigure),
        .real("adc_latency_ns", \.adcLatencyNs, 0...maxFigure),
        .integer("columns_per_adc", \.columnsPerADC, 1...maxTileSide),
        .real("row_driver_energy_pj", \.rowDriverEnergyPicojoules, 0...maxFigure),
        .real("drift_nu", \.driftNu, 0...10),
        .real("drift_t0_s", \.driftT0Seconds, 1e-9...maxFigure),
        .real("time_since_programming_s", \.timeSinceProgrammingSeconds, 0...maxFigure),
    ]

    /// The setting called `name`, if there is one.
    public static func key(named name: String) -> Key? { keys.first { $0.name == name } }

    /// The value of a setting, as a number.
    public func value(of key: Key) -> Double { key.read(self) }

    /// Why a tile cannot be built with these settings, if it cannot.
    public var problem: String? {
        for key in Self.keys {
            let v = key.read(self)
            if !key.range.contains(v) { return "'\(key.name)' of \(Self.format(v)); expected \(key.rangeText)" }
        }
        if gMinMicrosiemens >= gMaxMicrosiemens {
            return "'g_min_us' (\(Self.format(gMinMicrosiemens))) must be below 'g_max_us' (\(Self.format(gMaxMicrosiemens)))"
        }
        if levels == 1 { return "'levels' of 1; expected 0 (continuous) or 2...\(1 << 16)" }
        if adcBits == 1 { return "'adc_bits' of 1 leaves no level either side of 0; expected 0 (no ADC) or 2...24" }
        if stuckOnRate + stuckOffRate > 1 {
            return "'stuck_on_rate' + 'stuck_off_rate' = \(Self.format(stuckOnRate + stuckOffRate)); expected at most 1"
        }
        return nil
    }

    /// A number as the messages and the CLI print it: integers without a fraction.
    public static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
