/// The weight matrices a crossbar core's tiles hold, derived from the core's synaptic matrix in
/// the image (its master population table, rows and full-precision weights) and the routes, so
/// that the compiler's report and the loaded chip read the same matrices from the same image.
///
/// A core's synapses are grouped by (delay, synapse type): each group is one matrix whose rows
/// are the source neurons with at least one synapse of that delay and type onto the core (in
/// ascending order of source core, then neuron) and whose columns are the core's neurons. A
/// read pulses the rows whose neurons spiked in a tick; its column outputs (weight units) are
/// added into the ring-buffer slot `delay` ticks on, for that type. Weights are magnitudes, as
/// in the synaptic matrix (the receptor decides the sign); several synapses between one pair
/// with the same delay and type add up in one cell.
///
/// Only neuron cores are crossbar cores: spike sources receive nothing, and delay-extension
/// cores relay spikes digitally (their weight-1 rows are the relay, not synapses).
public struct CrossbarCoreMatrix: Equatable, Sendable {
    /// One source neuron, a row of a group: its core (index in the image) and local index.
    public struct Source: Equatable, Hashable, Sendable {
        public var core: Int
        public var neuron: Int
    }

    /// One (delay, type) matrix.
    public struct Group: Equatable, Sendable {
        /// Ticks (1 … 2^delayBits, as the synapse words give them) and synapse type (0
        /// excitatory, 1 inhibitory).
        public var delay: Int
        public var type: Int
        /// The rows, in order.
        public var sources: [Source]
        /// Row-major, `sources.count` × the core's neurons, in the network's weight units.
        public var weights: [Double]
        /// Per row, the synapses (synapse words) it stands for: a read of the row counts these
        /// as synaptic events.
        public var synapses: [Int]
    }

    /// The core's index in the image, and its neurons (the columns of every group).
    public let core: Int
    public let neurons: Int
    /// Sorted by (delay, type).
    public let groups: [Group]

    /// The random-stream path of group `g`'s tiles on core `core` (then the tile index and the
    /// purpose, ``ProgrammedConductances/Stream``), under the network's seed.
    public static func stream(core: Int, group: Int) -> [UInt64] { [0x5842_4152, UInt64(core), UInt64(group)] }

    /// Bytes the programmed tiles of `image`'s crossbar cores hold at most, for the run's memory
    /// estimate: per core, one effective matrix of doubles per (delay, type) matrix, each counted
    /// with every source row of the core's master population table (an upper bound) by the
    /// core's neurons. 0 for a digital image.
    public static func memoryEstimate(_ image: ChipImage) -> Int {
        guard image.machine.crossbar != nil else { return 0 }
        var bytes = 0
        for c in image.cores.indices where isCrossbarCore(image, c) {
            let m = image.cores[c].synapses
            var present = [Bool](repeating: false, count: (2 << m.delayBits) + 2)
            for word in m.words {
                let (_, type, delay) = m.decode(word)
                present[delay << 1 | type] = true
            }
            let matrices = present.reduce(0) { $0 + ($1 ? 1 : 0) }
            let rows = m.entries.reduce(0) { $0 + Int($1.rows) }
            bytes += matrices * rows * image.cores[c].neuronCount * MemoryLayout<Double>.stride
        }
        return bytes
    }

    /// Whether core `c` of `image` is a crossbar core: the image is for a crossbar target and the
    /// core is a neuron core (not a delay extension).
    public static func isCrossbarCore(_ image: ChipImage, _ c: Int) -> Bool {
        image.machine.crossbar != nil && image.cores[c].delayExtension == nil
    }

    /// The matrices of crossbar core `core`, from the sources whose packets reach it
    /// (`routes.incoming`) and its master population table. The synaptic matrix must have
    /// full-precision weights (the validator makes sure a crossbar image has them).
    public init(image: ChipImage, routes: PacketRoutes, core: Int) {
        let target = image.cores[core], m = target.synapses, n = target.neuronCount
        self.core = core
        neurons = n
        var index: [Int: Int] = [:]  // delay << 1 | type → group
        var groups: [Group] = []
        var rowOf: [[Source: Int]] = []
        for source in Array(Set(routes.incoming[core])).sorted() {
            guard let e = m.lookup(image.cores[source].keyBase) else { continue }
            let entry = m.entries[e]
            for r in 0..<min(Int(entry.rows), image.cores[source].neuronCount) {
                for k in m.row(entry, r) {
                    let (neuron, type, delay) = m.decode(m.words[k])
                    let key = delay << 1 | type
                    let g: Int
                    if let found = index[key] { g = found } else {
                        g = groups.count
                        index[key] = g
                        groups.append(Group(delay: delay, type: type, sources: [], weights: [], synapses: []))
                        rowOf.append([:])
                    }
                    let s = Source(core: source, neuron: r)
                    let row: Int
                    if let found = rowOf[g][s] { row = found } else {
                        row = groups[g].sources.count
                        rowOf[g][s] = row
                        groups[g].sources.append(s)
                        groups[g].weights += repeatElement(0, count: n)
                        groups[g].synapses.append(0)
                    }
                    groups[g].weights[row * n + neuron] += m.floatWeight(k)
                    groups[g].synapses[row] += 1
                }
            }
        }
        self.groups = groups.sorted { ($0.delay, $0.type) < ($1.delay, $1.type) }
    }

    /// The matrices of every crossbar core of `image` (none for a digital image), by core index.
    public static func all(image: ChipImage, routes: PacketRoutes) -> [CrossbarCoreMatrix] {
        image.cores.indices.filter { isCrossbarCore(image, $0) && !image.cores[$0].synapses.entries.isEmpty }
            .map { CrossbarCoreMatrix(image: image, routes: routes, core: $0) }
    }

    /// Group `g` split over tiles and programmed with `settings` under `seed`: what the chip
    /// loads (``TiledCrossbar/init(program:settings:seed:stream:)``) and the report describes.
    public func program(group g: Int, settings: CrossbarSettings, seed: UInt64) throws -> CrossbarProgram {
        let group = groups[g]
        return try CrossbarProgram(weights: group.weights, rows: group.sources.count, cols: neurons, settings: settings, seed: seed,
                                   stream: Self.stream(core: core, group: g))
    }
}
