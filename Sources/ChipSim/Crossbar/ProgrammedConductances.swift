import Foundation

/// What each device of a tile holds after programming: a signed weight matrix mapped onto G⁺/G⁻
/// differential pairs, quantized, with programming noise and stuck devices.
///
/// Cell (r, c) joins row r (an input) to column c (an output). A weight w is stored as
///
///     G⁺ = Gmin + s·max(w, 0),   G⁻ = Gmin + s·max(−w, 0),   s = (Gmax − Gmin) / weightMax
///
/// (one-sided differential pair: the unused device stays at Gmin, as CrossSim's BALANCED
/// ONE_SIDED core and aihwkit's single-pair converter do), so G⁺ − G⁻ = s·w. `weightMax` is the
/// largest |w| unless given; larger weights are clipped to it. Then, in this order and each only
/// when switched on:
/// 1. quantization to `levels` evenly spaced conductances from Gmin to Gmax (round half to
///    even, CrossSim's rule), so a pair holds 2·levels − 1 signed weights;
/// 2. programming noise: an additive Gaussian of σ = `programming_noise`·Gmax per device, the
///    result clipped at 0 µS (CrossSim's NormalIndependent model);
/// 3. stuck devices: each device is stuck at Gmax with probability `stuck_on_rate`, else at
///    Gmin with probability `stuck_off_rate`, whatever it was programmed to.
///
/// Drift is not applied here: it depends on the time of reading (``CrossbarSettings/driftFactor``).
/// Each nonideality draws from its own stream, (seed, stream…, purpose), in row-major order,
/// G⁺ before G⁻, so switching one off leaves the draws of the others as they were.
public struct ProgrammedConductances: Equatable, Sendable {
    /// Rows (inputs) and columns (outputs) the weights occupy.
    public let rows: Int, cols: Int
    /// G⁺ per cell, µS, row-major.
    public let positive: [Double]
    /// G⁻ per cell, µS, row-major.
    public let negative: [Double]
    /// The weight magnitude mapped to Gmax − Gmin, in the user's weight units.
    public let weightMax: Double
    /// µS of G⁺ − G⁻ per unit of weight: (Gmax − Gmin) / ``weightMax``.
    public let scale: Double
    /// Nonzero weights that quantization turned into 0.
    public let weightsRoundedToZero: Int
    /// Weights larger in magnitude than ``weightMax``, clipped to it.
    public let weightsClipped: Int
    /// Devices stuck at Gmax and at Gmin.
    public let stuckOn: Int, stuckOff: Int

    /// The purposes of a tile's random streams, the last element of each stream path.
    public enum Stream: UInt64, Sendable {
        case programmingNoise = 0, stuckDevices = 1, readNoise = 2
    }

    /// Programs `weights` (row-major, `rows` × `cols`, rows = inputs) with `settings`; random draws
    /// come from streams (`seed`, `stream` + [purpose]). Throws if the matrix does not fit a tile,
    /// holds a value that is not finite, or the settings have a ``CrossbarSettings/problem``.
    public init(weights: [Double], rows: Int, cols: Int, settings: CrossbarSettings, seed: UInt64, stream: [UInt64] = [],
                weightMax: Double? = nil) throws {
        if let problem = settings.problem { throw CrossbarError("the crossbar settings have \(problem)") }
        guard rows >= 1, cols >= 1, weights.count == rows * cols else {
            throw CrossbarError("a weight matrix of \(rows) × \(cols) needs \(rows * cols) values, found \(weights.count)")
        }
        guard rows <= settings.tileRows, cols <= settings.tileCols else {
            throw CrossbarError("a \(rows) × \(cols) weight matrix does not fit a \(settings.tileRows) × \(settings.tileCols) tile")
        }
        if let bad = weights.firstIndex(where: { !$0.isFinite }) {
            throw CrossbarError("weight (\(bad / cols), \(bad % cols)) is \(weights[bad]); expected a finite number")
        }
        if let weightMax, !(weightMax > 0 && weightMax.isFinite) {
            throw CrossbarError("weightMax must be a positive number, found \(weightMax)")
        }
        let largest = weights.reduce(0) { max($0, abs($1)) }
        let wMax = weightMax ?? (largest > 0 ? largest : 1)
        let gMin = settings.gMinMicrosiemens, gRange = settings.gMaxMicrosiemens - settings.gMinMicrosiemens
        let steps = Double(max(settings.levels - 1, 0))

        var pos = [Double](repeating: gMin, count: rows * cols), neg = pos
        var roundedToZero = 0, clipped = 0
        for (i, w) in weights.enumerated() where w != 0 {
            var u = abs(w) / wMax
            if u > 1 { u = 1; clipped += 1 }
            if settings.levels > 0 {
                u = (u * steps).rounded(.toNearestOrEven) / steps
                if u == 0 { roundedToZero += 1 }
            }
            if w > 0 { pos[i] = gMin + gRange * u } else { neg[i] = gMin + gRange * u }
        }
        if settings.programmingNoise > 0 {
            var random = RandomStream(seed: seed, stream: stream + [Stream.programmingNoise.rawValue])
            let sd = settings.programmingNoise * settings.gMaxMicrosiemens
            for i in 0..<pos.count {
                pos[i] = max(0, pos[i] + random.normal(mean: 0, sd: sd))
                neg[i] = max(0, neg[i] + random.normal(mean: 0, sd: sd))
            }
        }
        var on = 0, off = 0
        if settings.stuckOnRate + settings.stuckOffRate > 0 {
            var random = RandomStream(seed: seed, stream: stream + [Stream.stuckDevices.rawValue])
            func stick(_ g: inout Double) {
                let u = random.nextUnit()
                if u < settings.stuckOnRate {
                    g = settings.gMaxMicrosiemens; on += 1
                } else if u < settings.stuckOnRate + settings.stuckOffRate {
                    g = gMin; off += 1
                }
            }
            for i in 0..<pos.count {
                stick(&pos[i])
                stick(&neg[i])
            }
        }
        self.rows = rows
        self.cols = cols
        positive = pos
        negative = neg
        self.weightMax = wMax
        scale = gRange / wMax
        weightsRoundedToZero = roundedToZero
        weightsClipped = clipped
        stuckOn = on
        stuckOff = off
    }
}
