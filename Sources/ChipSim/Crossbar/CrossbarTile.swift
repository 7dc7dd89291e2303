import Foundation

/// One crossbar tile: a signed weight matrix programmed once onto G⁺/G⁻ pairs
/// (``ProgrammedConductances``), read by pulsing rows.
///
/// At programming (and whenever the time since programming changes) the tile computes its
/// effective weights E (`rows` × `cols`, in the user's weight units per unit input): the column
/// currents per volt on each row, drift and IR drop included (``IRDrop``), G⁺ array minus G⁻
/// array, divided by the conductance scale. A read of inputs x (1 per spiking row) is then
///
///     y_c = Σ_r x_r·E[r][c]  (+ read noise)  → ADC (if any)
///
/// in the units of W·x: with every nonideality off, y = W·x up to floating-point rounding.
/// Read noise is an additive Gaussian of σ = `read_noise`·Gmax on each device of each pulsed row,
/// drawn anew per read; summed over a column it is a Gaussian of σ = `read_noise`·Gmax·√(2·Σx²)
/// (in current per volt, divided by the scale), which is what is drawn, one value per column,
/// from the tile's read stream (seed, stream…, 2), advanced by every read. (Noise current is
/// not attenuated by the wires: a second-order effect.) The ADC is signed and symmetric: it
/// rounds to 2^(bits−1) − 1 steps either side of 0 over ± `adc_full_scale_rows` rows at full
/// weight, i.e. ±`adc_full_scale_rows`·weightMax in weight units, and clips beyond.
///
/// The hot path reads the few pulsed rows of E straight from a buffer the tile owns: no
/// allocation, no reference counting per read. A tile is used by one thread at a time.
public final class CrossbarTile: @unchecked Sendable {
    /// The settings it was built with (``CrossbarSettings/timeSinceProgrammingSeconds`` follows
    /// ``setTimeSinceProgramming(_:)``).
    public private(set) var settings: CrossbarSettings
    /// What its devices hold.
    public let conductances: ProgrammedConductances
    /// Rows (inputs) and columns (outputs) in use.
    public var rows: Int { conductances.rows }
    public var cols: Int { conductances.cols }
    /// The energy and latency of every read so far.
    public private(set) var totalCost = CrossbarCost()

    /// E, row-major, weight units per unit input.
    private let effective: UnsafeMutableBufferPointer<Double>
    /// Σ over a row's cells of G⁺ + G⁻ (µS, drift included), for the cell energy.
    private let rowConductance: UnsafeMutableBufferPointer<Double>
    /// One read's column outputs before they are added to the caller's buffer.
    private let scratch: UnsafeMutableBufferPointer<Double>
    @exclusivity(unchecked) private var readStream: RandomStream
    /// Read noise σ per column for Σx² = 1/2, weight units.
    private let noiseScale: Double
    private let adcStep: Double, adcLevels: Double

    /// Programs `weights` (row-major, `rows` × `cols`, rows = inputs) onto a tile. Random draws
    /// come from streams (`seed`, `stream` + [purpose]) (``ProgrammedConductances/Stream``);
    /// `weightMax`, if given, is the weight magnitude mapped to Gmax − Gmin (default: the
    /// largest |w|). Throws if the matrix does not fit or the settings have a problem.
    public convenience init(weights: [Double], rows: Int, cols: Int, settings: CrossbarSettings, seed: UInt64,
                            stream: [UInt64] = [], weightMax: Double? = nil) throws {
        let programmed = try ProgrammedConductances(weights: weights, rows: rows, cols: cols, settings: settings, seed: seed,
                                                    stream: stream, weightMax: weightMax)
        self.init(programmed: programmed, settings: settings, seed: seed, stream: stream)
    }

    /// A tile whose devices hold `programmed` (made with the same `settings`).
    public init(programmed: ProgrammedConductances, settings: CrossbarSettings, seed: UInt64, stream: [UInt64] = []) {
        precondition(settings.problem == nil, settings.problem ?? "")
        self.settings = settings
        conductances = programmed
        effective = .allocate(capacity: programmed.rows * programmed.cols)
        rowConductance = .allocate(capacity: programmed.rows)
        scratch = .allocate(capacity: programmed.cols)
        readStream = RandomStream(seed: seed, stream: stream + [ProgrammedConductances.Stream.readNoise.rawValue])
        noiseScale = settings.readNoise * settings.gMaxMicrosiemens / programmed.scale
        adcLevels = Double((1 << max(settings.adcBits - 1, 0)) - 1)
        adcStep = settings.adcBits > 0 ? settings.adcFullScaleRows * programmed.weightMax / adcLevels : 0
        computeEffectiveWeights()
    }

    deinit {
        effective.deallocate()
        rowConductance.deallocate()
        scratch.deallocate()
    }

    /// Reads the tile at `seconds` since programming from now on: the conductances drift
    /// (``CrossbarSettings/driftFactor``) and the effective weights are computed again.
    public func setTimeSinceProgramming(_ seconds: Double) throws {
        var s = settings
        try s.set("time_since_programming_s", to: seconds)
        settings = s
        computeEffectiveWeights()
    }

    /// The effective weights E (row-major, `rows` × `cols`): what a read of row r alone gives
    /// before read noise and the ADC.
    public var effectiveWeights: [Double] { Array(effective) }

    // MARK: Reads

    /// One read with the rows in `activeRows` (distinct, each < ``rows``) pulsed: adds the
    /// column outputs (weight units) to `output[0 ..< cols]` and returns the read's cost. No
    /// rows, no read: nothing is added, no noise is drawn, the cost is zero.
    @discardableResult
    public func read(activeRows: UnsafeBufferPointer<Int>, addingInto output: UnsafeMutablePointer<Double>) -> CrossbarCost {
        guard !activeRows.isEmpty else { return CrossbarCost() }
        let n = cols, s = scratch.baseAddress!, e = effective.baseAddress!
        s.update(repeating: 0, count: n)
        var conductance = 0.0
        for r in activeRows {
            precondition(r >= 0 && r < rows, "row \(r) is outside the tile's \(rows) rows")
            let row = e + r * n
            for c in 0..<n { s[c] += row[c] }
            conductance += rowConductance[r]
        }
        return finish(pulses: activeRows.count, sumOfSquares: Double(activeRows.count), conductance: conductance, into: output)
    }

    /// One read with real-valued inputs `input[0 ..< rows]` (row r pulsed at input·`read_voltage_v`;
    /// rows at 0 are not pulsed): adds the column outputs to `output[0 ..< cols]`.
    @discardableResult
    public func read(input: UnsafeBufferPointer<Double>, addingInto output: UnsafeMutablePointer<Double>) -> CrossbarCost {
        precondition(input.count == rows, "\(input.count) inputs for \(rows) rows")
        let n = cols, s = scratch.baseAddress!, e = effective.baseAddress!
        s.update(repeating: 0, count: n)
        var pulses = 0, sumOfSquares = 0.0, conductance = 0.0
        for (r, x) in input.enumerated() where x != 0 {
            let row = e + r * n
            for c in 0..<n { s[c] += x * row[c] }
            pulses += 1
            sumOfSquares += x * x
            conductance += x * x * rowConductance[r]
        }
        guard pulses > 0 else { return CrossbarCost() }
        return finish(pulses: pulses, sumOfSquares: sumOfSquares, conductance: conductance, into: output)
    }

    /// One read with the rows in `activeRows` pulsed; the column outputs.
    public func read(activeRows: [Int]) -> [Double] {
        var out = [Double](repeating: 0, count: cols)
        activeRows.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { _ = read(activeRows: a, addingInto: $0.baseAddress!) }
        }
        return out
    }

    /// One read with real-valued inputs; the column outputs.
    public func read(input: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: cols)
        input.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { _ = read(input: x, addingInto: $0.baseAddress!) } }
        return out
    }

    /// Read noise, the ADC, and the cost, for the column sums in the scratch buffer.
    private func finish(pulses: Int, sumOfSquares: Double, conductance: Double, into output: UnsafeMutablePointer<Double>) -> CrossbarCost {
        let n = cols, s = scratch.baseAddress!
        if noiseScale > 0 {
            let sd = noiseScale * (2 * sumOfSquares).squareRoot()
            var random = readStream
            var c = 0
            while c < n {
                let (a, b) = random.normalPair()
                s[c] += sd * a
                if c + 1 < n { s[c + 1] += sd * b }
                c += 2
            }
            readStream = random
        }
        if adcStep > 0 {
            let step = adcStep, levels = adcLevels
            for c in 0..<n { s[c] = min(max((s[c] / step).rounded(.toNearestOrEven), -levels), levels) * step }
        }
        for c in 0..<n { output[c] += s[c] }
        let cost = CrossbarCost.read(pulses: pulses, conductanceSquaredInput: conductance, columns: n, settings: settings)
        totalCost += cost
        return cost
    }

    // MARK: Programming state

    private func computeEffectiveWeights() {
        let f = settings.driftFactor, p = conductances
        let arrays = [p.positive, p.negative].map { g in f == 1 ? g : g.map { $0 * f } }
        var solved = arrays
        if settings.wireResistanceOhm > 0 {
            let r = settings.wireResistanceOhm
            solved.withUnsafeMutableBufferPointer { out in
                DispatchQueue.concurrentPerform(iterations: 2) { i in
                    out[i] = IRDrop.effectiveConductances(arrays[i], rows: p.rows, cols: p.cols, wireResistanceOhm: r)
                }
            }
        }
        for i in 0..<(p.rows * p.cols) { effective[i] = (solved[0][i] - solved[1][i]) / p.scale }
        for r in 0..<p.rows {
            var sum = 0.0
            for c in 0..<p.cols { sum += arrays[0][r * p.cols + c] + arrays[1][r * p.cols + c] }
            rowConductance[r] = sum
        }
    }
}
