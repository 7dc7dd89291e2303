import ChipSim

/// One synapse as a connector produces it: view-local indices, weight magnitude, delay.
struct ExpandedSynapse {
    var pre: Int32
    var post: Int32
    /// Magnitude (the receptor gives the sign), nA, µS or mV.
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
/// Streams: the connections and the weight and delay values of presynaptic neuron i of
/// projection k come from streams (seed, k, i); FixedNumberPre draws each postsynaptic neuron
/// j's partners from (seed, k, j), FixedTotalNumber all its pairs from (seed, k, 0). So the
/// synapses never depend on how the work is split.
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
    /// The stream a population's random positions come from: (seed, tag, population).
    static let structureTag: UInt64 = 0x5354_5243

    /// Calls `emit` for every synapse, in generation order (by presynaptic neuron for every
    /// connector but FromList, which keeps its rows' order).
    mutating func expand(_ emit: (ExpandedSynapse) -> Void) {
        let p = projection
        let pre = p.pre, post = p.post
        let samePopulation = pre.population == post.population
        func isSelf(_ i: Int, _ j: Int) -> Bool { samePopulation && pre.neuron(i) == post.neuron(j) }

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
        case let .fixedNumberPre(n, allowSelf, withReplacement):
            var chosen: [[Int32]] = Array(repeating: [], count: pre.count)
            var sampler = Sampler(count: pre.count)
            for j in 0..<post.count {
                var rng = stream(Self.connectionTag, j)
                let excluded = allowSelf || !samePopulation ? nil : pre.index(of: post.neuron(j))
                for i in sampler.draw(n, excluding: excluded, withReplacement: withReplacement, &rng) { chosen[i].append(Int32(j)) }
            }
            for i in 0..<pre.count {
                var values = stream(Self.valueTag, i)
                for j in chosen[i] { emit(synapse(i, Int(j), nil, nil, &values)) }
            }
        case let .fixedNumberPost(n, allowSelf, withReplacement):
            var sampler = Sampler(count: post.count)
            for i in 0..<pre.count {
                var rng = stream(Self.connectionTag, i)
                var values = stream(Self.valueTag, i)
                let excluded = allowSelf || !samePopulation ? nil : post.index(of: pre.neuron(i))
                for j in sampler.draw(n, excluding: excluded, withReplacement: withReplacement, &rng).sorted() {
                    emit(synapse(i, j, nil, nil, &values))
                }
            }
        case let .fixedTotalNumber(n, allowSelf, withReplacement):
            var rng = stream(Self.connectionTag, 0)
            let pairs = Self.totalNumberPairs(n, pre: pre.count, post: post.count, withReplacement: withReplacement, &rng) {
                allowSelf || !isSelf($0, $1)
            }
            var k = 0
            while k < pairs.count {
                let i = pairs[k].0
                var values = stream(Self.valueTag, i)
                while k < pairs.count, pairs[k].0 == i {
                    emit(synapse(i, pairs[k].1, nil, nil, &values))
                    k += 1
                }
            }
        case let .distanceDependentProbability(expression, space, allowSelf):
            let prePositions = positions(of: pre), postPositions = positions(of: post)
            for i in 0..<pre.count {
                var connections = stream(Self.connectionTag, i)
                var values = stream(Self.valueTag, i)
                for j in 0..<post.count {
                    let probability = expression.evaluate(space.distance(prePositions[i], postPositions[j]))
                    let draw = connections.nextUnit()
                    if draw < probability && (allowSelf || !isSelf(i, j)) { emit(synapse(i, j, nil, nil, &values)) }
                }
            }
        case .fromList(let rows):
            var values = stream(Self.valueTag, 0)
            for r in rows { emit(synapse(r.pre, r.post, r.weight, r.delay, &values)) }
        }
    }

    /// The positions of a view's neurons, from its population's structure.
    private func positions(of view: PopulationView) -> [SIMD3<Double>] {
        let population = network.populations[view.population]
        var rng = RandomStream(seed: network.seed, stream: [Self.structureTag, UInt64(view.population)])
        let all = population.structure?.positions(population.size, rng: &rng) ?? []
        return (0..<view.count).map { all[view.neuron($0)] }
    }

    /// `n` (pre, post) pairs that `allowed` admits, sorted; with replacement each is drawn
    /// uniformly, without it `n` distinct pairs (at most as many as there are allowed pairs).
    static func totalNumberPairs(_ n: Int, pre: Int, post: Int, withReplacement: Bool, _ rng: inout RandomStream,
                                 allowed: (Int, Int) -> Bool) -> [(Int, Int)] {
        let space = pre * post
        guard space > 0, n > 0 else { return [] }
        var pairs: [(Int, Int)] = []
        if !withReplacement && n * 4 >= space {
            // Dense: selection sampling over every allowed pair, in order.
            let candidates = (0..<space).filter { allowed($0 / post, $0 % post) }
            var needed = min(n, candidates.count)
            for (k, index) in candidates.enumerated() where needed > 0 {
                if Double(needed) > rng.nextUnit() * Double(candidates.count - k) {
                    pairs.append((index / post, index % post))
                    needed -= 1
                }
            }
            return pairs
        }
        var seen = Set<Int>()
        var attempts = 0
        while pairs.count < n && attempts < 100 * n + 1000 {
            attempts += 1
            let index = Int(rng.next() % UInt64(space))
            let (i, j) = (index / post, index % post)
            guard allowed(i, j) else { continue }
            if !withReplacement && !seen.insert(index).inserted { continue }
            pairs.append((i, j))
        }
        return pairs.sorted { $0 < $1 }
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
        let ticks = Int32(max(1, TimeSteps.ticks(d, dt: dt)))
        return ExpandedSynapse(pre: Int32(i), post: Int32(j), weight: abs(w), delayTicks: ticks)
    }
}

/// Draws `n` of the indices 0 ..< count, with or without replacement, optionally never one
/// excluded index. Without replacement it runs a partial Fisher–Yates shuffle over a kept
/// permutation and undoes its swaps, so each draw costs O(n), not O(count).
struct Sampler {
    private var permutation: [Int]
    private var swaps: [(Int, Int)] = []

    init(count: Int) { permutation = Array(0..<count) }

    mutating func draw(_ n: Int, excluding excluded: Int?, withReplacement: Bool, _ rng: inout RandomStream) -> [Int] {
        let count = permutation.count
        let available = count - (excluded == nil ? 0 : 1)
        guard available > 0, n > 0 else { return [] }
        if withReplacement {
            var out: [Int] = []
            out.reserveCapacity(n)
            while out.count < n {
                let k = Int(rng.next() % UInt64(count))
                if k != excluded { out.append(k) }
            }
            return out
        }
        // Move the excluded index out of the way (to the end), then shuffle the front.
        if let excluded { swap(excluded, count - 1) }
        let take = min(n, available)
        var out: [Int] = []
        out.reserveCapacity(take)
        for k in 0..<take {
            swap(k, k + Int(rng.next() % UInt64(available - k)))
            out.append(permutation[k])
        }
        while let (a, b) = swaps.popLast() { permutation.swapAt(a, b) }
        return out
    }

    private mutating func swap(_ a: Int, _ b: Int) {
        permutation.swapAt(a, b)
        swaps.append((a, b))
    }
}
