import Foundation

/// Bounds on what a Poisson source may ask of a core.
public enum PoissonLimits {
    /// Expected spikes per atom and tick, rate × timestep, at most 10,000: a core of 256 atoms
    /// then sends at most a few million packets a tick.
    public static let maxSpikesPerTick = 10_000.0
}

/// SpikeSourcePoisson as sPyNNaker's `spike_source_poisson.c` draws it: per atom and tick a
/// Poisson count with mean λ = rate·h, by Knuth's product of uniforms for λ < 10 and by a
/// rounded normal approximation above. Each core draws from its own seeded stream. A class: its
/// core holds it unretained, and its state changes in place.
final class PoissonSource {
    let lambda: Double
    let expMinusLambda: Double
    let startTick: Int, endTick: Int
    var rng: RandomStream

    init(_ p: [String: Double], dt: Double, rng: RandomStream) {
        lambda = p["rate"]! * dt / 1000
        expMinusLambda = exp(-lambda)
        startTick = TimeSteps.ticks(p["start"]!, dt: dt)
        endTick = TimeSteps.ticks(p["start"]! + p["duration"]!, dt: dt)
        self.rng = rng
    }

    func emit(tick: Int, atoms n: Int, spikes: inout SpikeList) {
        guard tick >= startTick, tick < endTick, lambda > 0 else { return }
        for i in 0..<n {
            var count = 0
            if lambda < 10 {
                var product = rng.nextUnit()
                while product > expMinusLambda {
                    count += 1
                    product *= rng.nextUnit()
                }
            } else {
                count = Int(min(max(rng.normal(mean: lambda, sd: lambda.squareRoot()).rounded(), 0), 100 * lambda))
            }
            for _ in 0..<count { spikes.append(UInt16(truncatingIfNeeded: i)) }
        }
    }
}

/// SpikeSourceArray: replays the image's (tick, neuron) events in order. A class, as
/// ``PoissonSource`` is, for the same reason.
final class SpikeArraySource {
    let events: [SourceEvent]
    var next = 0

    init(events: [SourceEvent]) {
        self.events = events
    }

    func emit(tick: Int, spikes: inout SpikeList) {
        while next < events.count, Int(events[next].tick) < tick { next += 1 }
        while next < events.count, Int(events[next].tick) == tick {
            spikes.append(events[next].neuron)
            next += 1
        }
    }
}
