/// How biological time maps onto ticks: the bounds every part of the toolchain holds time to,
/// and the conversion of milliseconds into whole time steps.
public enum TimeSteps {
    /// The longest run, delay or hold in time steps that the chip image and the engine count:
    /// 2^31 − 1.
    public static let maxTicks = Int(Int32.max)
    /// The shortest and the longest time step, ms.
    public static let minTimestepMs = 0.001, maxTimestepMs = 1000.0

    /// `ms` in time steps of `dt` ms, rounded to the nearest, clamped to 0 ... ``maxTicks``.
    public static func ticks(_ ms: Double, dt: Double) -> Int {
        let t = (ms / dt).rounded()
        guard t.isFinite else { return t > 0 ? maxTicks : 0 }
        return Int(min(max(t, 0), Double(maxTicks)))
    }

    /// Whether `ms` is a whole number of time steps of `dt` ms (within rounding of the decimal
    /// numbers people write: 1e-9 of a step).
    public static func isWhole(_ ms: Double, dt: Double) -> Bool {
        let steps = ms / dt
        return abs(steps - steps.rounded()) <= 1e-9 * max(1, abs(steps))
    }
}
