import ChipSim

/// One synapse as a connector produces it: population-local indices, weight magnitude, delay.
struct ExpandedSynapse {
    var pre: Int32
    var post: Int32
    /// Magnitude (the receptor gives the sign), nA or µS.
    var weight: Double
    var delayTicks: Int32
}

/// What expansion had to change about drawn values, reported in the mapping report.
struct ExpansionCounts {
    /// Drawn weights whose sign was wrong for the receptor, set to 0.
    var weightsClipped = 0
    /// Drawn delays below one time step, raised to one.
    var delaysClipped = 0
}

/// Expands a projection's connector into synapses with seeded draws.
///
/// Streams: connection draws and weight/delay draws for presynaptic neuron i of projection k
/// come from stream (seed, k, i) (for FixedNumberPre, postsynaptic neuron j: (seed, k, j)), so
/// the synapses never depend on how the work is split.
struct ConnectorExpansion {
    let network: NetworkSpec
    let projectionIndex: Int
    var counts = ExpansionCounts()

    init(network: NetworkSpec, projectionIndex: Int) {
        self.network = network
        self.projectionIndex = projectionIndex
    }

    private var projection: ProjectionSpec { network.projections[projectionIndex] }

    private func stream(_ tag: UInt64, _ i: Int) -> RandomStream {
        RandomStream(seed: network.seed, stream: [tag, UInt64(projectionIndex), UInt64(i)])
    }

    private static let connectionTag: UInt64 = 0x434F_4E4E
    private static let valueTag: UInt64 = 0x5641_4C53

    /// Calls `emit` for every synapse, in (pre, post) generation order.
    mutating func expand(_ emit: (ExpandedSynapse) -> Void) {
        let p = projection
        let pre = p.pre.range, post = p.post.range
        let samePopulation = p.pre.population == p.post.population
        func isSelf(_ i: Int, _ j: Int) -> Bool { samePopulation && pre.lowerBound + i == post.lowerBound + j }

        switch p.connector {
        case .allToAll(let allowSelf):
            for i in 0..<pre.count {
                var values = stream(Self.valueTag, i)
                for j in 0..<post.count where allowSelf || !isSelf(i, j) {
                    emit(synapse(i, j, nil, nil, &values))
                }
            }
        case .oneToOne:
            for i in 0..<pre.count {
                var values = stream(Self.valueTag, i)
                emit(synapse(i, i, nil, nil, &values))
            }
        case let .fixedProbability(prob, allowSelf):
            guard prob > 0 else { return }
            for i in 0..<pre.count {
                var connections = stream(Self.connectionTag, i)
                var values = stream(Self.valueTag, i)
                var j = connections.geometricSkip(p: prob)
                while j < post.count {
                    if allowSelf || !isSelf(i, j) { emit(synapse(i, j, nil, nil, &values)) }
                    j += 1 + connections.geometricSkip(p: prob)
                }
            }
        case let .fixedNumberPre(n, allowSelf):
            var chosen: [[Int]] = Array(repeating: [], count: pre.count)
            var candidates: [Int] = []
            for j in 0..<post.count {
                var rng = stream(Self.connectionTag, j)
                candidates = (0..<pre.count).filter { allowSelf || !isSelf($0, j) }
                let take = min(n, candidates.count)
                for k in 0..<take {
                    let r = k + Int(rng.next() % UInt64(candidates.count - k))
                    candidates.swapAt(k, r)
                    chosen[candidates[k]].append(j)
                }
            }
            for i in 0..<pre.count {
                var values = stream(Self.valueTag, i)
                for j in chosen[i] { emit(synapse(i, j, nil, nil, &values)) }
            }
        case .fromList(let rows):
            var values = stream(Self.valueTag, 0)
            for r in rows { emit(synapse(r.pre, r.post, r.weight, r.delay, &values)) }
        }
    }

    private mutating func synapse(_ i: Int, _ j: Int, _ weight: Double?, _ delay: Double?, _ rng: inout RandomStream) -> ExpandedSynapse {
        let p = projection
        let dt = network.timestep
        let postModel = network.populations[p.post.population].model
        var w = weight ?? p.weight.draw(&rng)
        let negativeExpected = p.receptor == .inhibitory && !postModel.isConductanceBased
        if (negativeExpected && w > 0) || (!negativeExpected && w < 0) {
            counts.weightsClipped += 1
            w = 0
        }
        var d = delay ?? p.delay.draw(&rng)
        if d < dt {
            counts.delaysClipped += 1
            d = dt
        }
        let ticks = Int32(max(1, StepConvention.ticks(d, dt: dt)))
        return ExpandedSynapse(pre: Int32(i), post: Int32(j), weight: abs(w), delayTicks: ticks)
    }
}
