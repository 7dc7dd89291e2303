import ChipSim

/// One synapse as a connector produces it for a given presynaptic neuron: the postsynaptic
/// neuron's index in the projection's post view, the weight magnitude and the delay.
struct ExpandedSynapse {
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

    mutating func add(_ other: ExpansionCounts) {
        weightsClipped += other.weightsClipped
        delaysClipped += other.delaysClipped
    }
}

/// Draws a projection's synapses one presynaptic neuron at a time, with seeded streams, so that
/// the synapses of any neuron can be drawn on any thread, in any order, any number of times, and
/// come out the same.
///
/// Streams: the connections and the weight and delay values of presynaptic neuron i of
/// projection k come from streams (seed, k, i). Three connectors draw across neurons, once, when
/// the expander is made: FixedNumberPre draws each postsynaptic neuron j's partners from
/// (seed, k, j); FixedTotalNumber with replacement splits its n synapses among the presynaptic
/// neurons by a multinomial draw from (seed, k) (then neuron i draws its partners from
/// (seed, k, i)), without replacement it draws all its pairs from (seed, k, 0); FromList draws
/// the values its rows leave open from (seed, k, 0) in the list's order.
struct ProjectionExpander: Sendable {
    let network: NetworkSpec
    let projectionIndex: Int
    private let prepared: Prepared
    /// What every synapse's values need, taken out of the projection once.
    private let values: ValueRules

    /// What a connector draws across presynaptic neurons, grouped by presynaptic neuron:
    /// neuron i's share is `[start[i] ..< start[i + 1]]` of the lists.
    private enum Prepared: Sendable {
        case none
        /// Partners (post view indices), for FixedNumberPre and FixedTotalNumber without replacement.
        case partners(start: [Int], posts: [Int32])
        /// How many synapses each presynaptic neuron makes (FixedTotalNumber with replacement).
        case counts([Int32])
        /// FromList rows with their values drawn.
        case listed(start: [Int], synapses: [ExpandedSynapse], counts: ExpansionCounts)
        /// Positions of the pre and post views' neurons (DistanceDependentProbability).
        case positions(pre: [SIMD3<Double>], post: [SIMD3<Double>])
    }

    private static let connectionTag: UInt64 = 0x434F_4E4E
    private static let valueTag: UInt64 = 0x5641_4C53
    private static let splitTag: UInt64 = 0x5350_4C54
    /// The stream a population's random positions come from: (seed, tag, population).
    static let structureTag: UInt64 = 0x5354_5243

    init(network: NetworkSpec, projectionIndex k: Int) {
        self.network = network
        projectionIndex = k
        let p = network.projections[k]
        let values = ValueRules(network: network, projection: p)
        self.values = values
        let stream = { (tag: UInt64, i: Int) in RandomStream(seed: network.seed, stream: [tag, UInt64(k), UInt64(i)]) }
        switch p.connector {
        case let .fixedNumberPre(n, allowSelf, withReplacement):
            var chosen = [[Int32]](repeating: [], count: p.pre.count)
            var sampler = Sampler(count: p.pre.count)
            let samePopulation = p.pre.population == p.post.population
            for j in 0..<p.post.count {
                var rng = stream(Self.connectionTag, j)
                let excluded = allowSelf || !samePopulation ? nil : p.pre.index(of: p.post.neuron(j))
                for i in sampler.draw(n, excluding: excluded, withReplacement: withReplacement, &rng) { chosen[i].append(Int32(j)) }
            }
            prepared = Self.grouped(chosen)
        case let .fixedTotalNumber(n, allowSelf, true):
            var rng = RandomStream(seed: network.seed, stream: [Self.splitTag, UInt64(k)])
            let allowed = (0..<p.pre.count).map { i in
                p.post.count - (!allowSelf && Self.selfPartner(p, pre: i) != nil ? 1 : 0)
            }
            prepared = .counts(Self.multinomial(n, weights: allowed, &rng))
        case let .fixedTotalNumber(n, allowSelf, false):
            var rng = stream(Self.connectionTag, 0)
            let pairs = Self.distinctPairs(n, pre: p.pre.count, post: p.post.count, &rng) { i, j in
                allowSelf || !(p.pre.population == p.post.population && p.pre.neuron(i) == p.post.neuron(j))
            }
            var chosen = [[Int32]](repeating: [], count: p.pre.count)
            for (i, j) in pairs { chosen[i].append(Int32(j)) }
            prepared = Self.grouped(chosen)
        case .fromList(let rows):
            var rng = PairedNormals(stream(Self.valueTag, 0))
            var counts = ExpansionCounts()
            var byPre = [[ExpandedSynapse]](repeating: [], count: p.pre.count)
            for r in rows {
                byPre[r.pre].append(values.synapse(r.post, r.weight, r.delay, &rng, &counts))
            }
            var start = [0]
            for list in byPre { start.append(start.last! + list.count) }
            prepared = .listed(start: start, synapses: byPre.flatMap { $0 }, counts: counts)
        case .distanceDependentProbability:
            func positions(_ view: PopulationView) -> [SIMD3<Double>] {
                let population = network.populations[view.population]
                var rng = RandomStream(seed: network.seed, stream: [Self.structureTag, UInt64(view.population)])
                let all = population.structure?.positions(population.size, rng: &rng) ?? []
                return (0..<view.count).map { all[view.neuron($0)] }
            }
            prepared = .positions(pre: positions(p.pre), post: positions(p.post))
        default:
            prepared = .none
        }
    }

    private var projection: ProjectionSpec { network.projections[projectionIndex] }

    /// Draws that FromList made when the expander was made (its values are drawn once, in the
    /// list's order); they belong to no presynaptic neuron's expansion.
    var preparedCounts: ExpansionCounts {
        if case .listed(_, _, let counts) = prepared { return counts }
        return ExpansionCounts()
    }

    /// Calls `emit` for every synapse of pre-view neuron `i`, in generation order: by
    /// postsynaptic neuron for every connector but FromList, which keeps its rows' order, and
    /// FixedTotalNumber with replacement, which keeps its draws'. Weights and delays come from the
    /// neuron's value stream, normal deviates two per Box-Muller transform (``PairedNormals``).
    /// `scratch` holds a worker's reusable state (one per thread).
    func expand(pre i: Int, scratch: inout ExpansionScratch, counts: inout ExpansionCounts, _ emit: (ExpandedSynapse) -> Void) {
        let p = projection
        let k = projectionIndex
        let samePopulation = p.pre.population == p.post.population
        let selfPost: Int? = samePopulation ? p.post.index(of: p.pre.neuron(i)) : nil
        var rng = PairedNormals(RandomStream(seed: network.seed, stream: [Self.valueTag, UInt64(k), UInt64(i)]))
        let values = self.values
        func make(_ j: Int) -> ExpandedSynapse { values.synapse(j, nil, nil, &rng, &counts) }

        switch (p.connector, prepared) {
        case let (.allToAll(allowSelf), _):
            for j in 0..<p.post.count where allowSelf || j != selfPost { emit(make(j)) }
        case (.oneToOne, _):
            emit(make(i))
        case (.allButMe, _):
            for j in 0..<p.post.count where j != i { emit(make(j)) }
        case let (.fixedProbability(prob, allowSelf), _):
            guard prob > 0 else { return }
            var connections = RandomStream(seed: network.seed, stream: [Self.connectionTag, UInt64(k), UInt64(i)])
            var j = connections.geometricSkip(p: prob)
            while j < p.post.count {
                if allowSelf || j != selfPost { emit(make(j)) }
                j += 1 + connections.geometricSkip(p: prob)
            }
        case let (.fixedNumberPost(n, allowSelf, withReplacement), _):
            var rng = RandomStream(seed: network.seed, stream: [Self.connectionTag, UInt64(k), UInt64(i)])
            let excluded = allowSelf ? nil : selfPost
            let drawn = scratch.withSampler(projection: k, count: p.post.count) {
                $0.draw(n, excluding: excluded, withReplacement: withReplacement, &rng)
            }
            for j in drawn.sorted() { emit(make(j)) }
        case let (.fixedTotalNumber(_, allowSelf, _), .counts(counts)):
            var rng = RandomStream(seed: network.seed, stream: [Self.connectionTag, UInt64(k), UInt64(i)])
            var made = 0
            while made < Int(counts[i]) {
                let j = Int(rng.next() % UInt64(p.post.count))
                if allowSelf || j != selfPost {
                    emit(make(j))
                    made += 1
                }
            }
        case let (_, .partners(start, posts)):
            for j in posts[start[i]..<start[i + 1]] { emit(make(Int(j))) }
        case let (_, .listed(start, synapses, _)):
            for s in synapses[start[i]..<start[i + 1]] { emit(s) }
        case let (.distanceDependentProbability(expression, space, allowSelf), .positions(pre, post)):
            var connections = RandomStream(seed: network.seed, stream: [Self.connectionTag, UInt64(k), UInt64(i)])
            for j in 0..<p.post.count {
                let probability = expression.evaluate(space.distance(pre[i], post[j]))
                let draw = connections.nextUnit()
                if draw < probability && (allowSelf || j != selfPost) { emit(make(j)) }
            }
        default:
            preconditionFailure("projection \(k): connector and prepared draws do not match")
        }
    }

    /// The post-view index of pre-view neuron `i`'s own neuron, if the post view holds it.
    private static func selfPartner(_ p: ProjectionSpec, pre i: Int) -> Int? {
        p.pre.population == p.post.population ? p.post.index(of: p.pre.neuron(i)) : nil
    }

    private static func grouped(_ lists: [[Int32]]) -> Prepared {
        var start = [0]
        start.reserveCapacity(lists.count + 1)
        for list in lists { start.append(start.last! + list.count) }
        return .partners(start: start, posts: lists.flatMap { $0 })
    }

    /// `n` items split among categories of the given sizes, each item falling in category i with
    /// probability sizes[i] / Σ sizes: a multinomial draw, by a binomial per category.
    static func multinomial(_ n: Int, weights: [Int], _ rng: inout RandomStream) -> [Int32] {
        var remaining = n
        var left = weights.reduce(0, +)
        var out = [Int32](repeating: 0, count: weights.count)
        for (i, w) in weights.enumerated() where remaining > 0 && w > 0 {
            let c = w == left ? remaining : Binomial.draw(remaining, Double(w) / Double(left), &rng)
            out[i] = Int32(clamping: c)
            remaining -= c
            left -= w
        }
        return out
    }

    /// `n` distinct (pre, post) pairs that `allowed` admits, sorted (at most as many as there are
    /// allowed pairs).
    static func distinctPairs(_ n: Int, pre: Int, post: Int, _ rng: inout RandomStream, allowed: (Int, Int) -> Bool) -> [(Int, Int)] {
        let space = pre * post
        guard space > 0, n > 0 else { return [] }
        var pairs: [(Int, Int)] = []
        if n * 4 >= space {
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
            guard allowed(i, j), seen.insert(index).inserted else { continue }
            pairs.append((i, j))
        }
        return pairs.sorted { $0 < $1 }
    }
}

/// How a projection's synapse values are made, taken out of its spec once.
private struct ValueRules: Sendable {
    let weight: ValueSpec
    let delay: ValueSpec
    /// The receptor wants negative weights (inhibitory onto a current-based cell).
    let negativeExpected: Bool
    let timestep: Double

    init(network: NetworkSpec, projection p: ProjectionSpec) {
        weight = p.weight
        delay = p.delay
        negativeExpected = p.receptor == .inhibitory && !network.populations[p.post.population].model.isConductanceBased
        timestep = network.timestep
    }

    /// One synapse onto post-view neuron `j`: the given weight and delay, or draws from `rng`; a
    /// weight of the wrong sign for the receptor becomes 0, a delay below one step one step
    /// (both counted).
    @inline(__always)
    func synapse<S: DeviateSource>(_ j: Int, _ w0: Double?, _ d0: Double?, _ rng: inout S, _ counts: inout ExpansionCounts) -> ExpandedSynapse {
        var w = w0 ?? weight.draw(&rng)
        if (negativeExpected && w > 0) || (!negativeExpected && w < 0) {
            counts.weightsClipped += 1
            w = 0
        }
        var d = d0 ?? delay.draw(&rng)
        if d < timestep {
            counts.delaysClipped += 1
            d = timestep
        }
        let ticks = Int32(clamping: max(1, TimeSteps.ticks(d, dt: timestep)))
        return ExpandedSynapse(post: Int32(j), weight: abs(w), delayTicks: ticks)
    }
}

/// A worker's reusable state for ``ProjectionExpander/expand(pre:scratch:counts:_:)``: the
/// FixedNumberPost samplers, one per projection, kept between neurons.
struct ExpansionScratch {
    private var samplers: [Int: Sampler] = [:]

    mutating func withSampler<R>(projection k: Int, count: Int, _ body: (inout Sampler) -> R) -> R {
        var sampler = samplers.removeValue(forKey: k) ?? Sampler(count: count)
        defer { samplers[k] = sampler }
        return body(&sampler)
    }
}

/// Draws `n` of the indices 0 ..< count, with or without replacement, optionally never one
/// excluded index. Without replacement it runs a partial Fisher–Yates shuffle over a kept
/// permutation and undoes its swaps, so each draw costs O(n), not O(count), and the draws do not
/// depend on what the sampler drew before.
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
