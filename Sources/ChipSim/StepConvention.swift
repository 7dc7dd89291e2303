/// What happens inside a tick, and so when a spike is stamped and when an input is felt.
///
/// Both conventions run the same ring buffers and routes; they differ in where a neuron's update
/// consumes the tick's ring-buffer slot, in how long a refractory neuron is held, and in how
/// Izhikevich cells integrate (`docs/step-semantics.md` has the whole account):
///
/// | | ``spinnaker`` | ``brian2`` |
/// |---|---|---|
/// | due slot consumed | at the start of its tick, before the update | after the update of its tick |
/// | latency of a delay d | d | d + h |
/// | refractory hold after the spike tick | ceil(τ_refrac/h) ticks | max(round(τ_refrac/h) − 1, 0) ticks |
/// | Izhikevich | RK2 midpoint, h × 1.85 in the tick after a spike (sPyNNaker) | forward Euler (Brian2, NEST) |
/// | `float64` LIF | the chip's algorithm in double precision | Brian2's: exact for current cells, exponential Euler for conductance cells |
public enum StepConvention: String, Codable, CaseIterable, Sendable {
    /// What sPyNNaker runs on the machine. The default on SpiNNaker targets.
    case spinnaker
    /// Brian2's default schedule (state update, thresholds, synapses, resets), for comparisons
    /// with Brian2 and NEST.
    case brian2

    /// Whether the tick's ring-buffer slot enters the synaptic inputs before the neurons update.
    public var consumesInputFirst: Bool { self == .spinnaker }

    /// Ticks a neuron is held after the tick it fired in (at most ``TimeSteps/maxTicks``, which
    /// is Int32's largest: the chip's refractory timer is an `int32_t`).
    public func refractoryTicks(tauRefrac: Double, dt: Double) -> Int32 {
        switch self {
        case .spinnaker:
            // ceil, forgiving the rounding of decimal time constants (0.3 / 0.1 is 3.0000000000000004).
            let steps = tauRefrac / dt
            let whole = steps.rounded()
            let ticks = abs(steps - whole) <= 1e-9 * max(1, steps) ? whole : steps.rounded(.up)
            return Int32(min(max(ticks, 0), Double(TimeSteps.maxTicks)))
        case .brian2:
            return Int32(max(TimeSteps.ticks(tauRefrac, dt: dt) - 1, 0))
        }
    }
}
