import Foundation

/// The crossbar cores of a loaded chip (a crossbar target's image): each core's
/// ``CrossbarCoreMatrix`` groups programmed onto tiles once, at load (with the IR-drop solve of
/// every tile, once per programming state), and the reads that take spikes into the cores'
/// ring-buffer regions.
///
/// A spike that reaches a crossbar core marks its row in every group that has it. When the core
/// takes in a tick's spikes (the ideal engine's delivery, the cycle engine's transfer), each group
/// with marked rows is read once: the marked rows are one read pulse each (a neuron that spiked
/// twice in the tick pulses its row in a second read), and the column outputs, in weight units,
/// are added into the ring-buffer slot `delay` ticks after the spikes' tick for the group's
/// synapse type — as doubles in `float64`, as the 16-bit units the chip's ring buffer holds
/// (round(y · 2^(15 − shift)), ×1024 for conductances, clipped to 0…0xFFFF) in `s1615`. A read
/// counts the synapses of its rows as synaptic events, and its energy and latency
/// (``CrossbarCost``) into the core's tally.
///
/// Reads happen in the order of the spikes' ticks, and within a tick group by group, so each
/// tile's read-noise stream advances the same way whatever the number of threads.
final class CrossbarDelivery {
    /// One (delay, type) matrix of a core, on its tiles.
    final class Group {
        let delay: Int, type: Int
        let tiles: TiledCrossbar
        /// Per row, the synapses it stands for.
        let synapses: [Int]
        /// The row's ring position of neuron 0, before the tick's term: delay, type and (added
        /// per column) neuron, as in ``SynapticDelivery``.
        let position: UInt32
        /// 16-bit ring units per weight unit (`s1615`).
        let fixedScale: Double
        /// Rows marked since the last read, non-decreasing (spikes arrive in source order).
        var marked: [Int] = []
        /// One read's distinct rows, and the rows left for another read.
        var pulse: [Int] = []
        var again: [Int] = []

        init(delay: Int, type: Int, tiles: TiledCrossbar, synapses: [Int], position: UInt32, fixedScale: Double) {
            self.delay = delay
            self.type = type
            self.tiles = tiles
            self.synapses = synapses
            self.position = position
            self.fixedScale = fixedScale
        }
    }

    /// One crossbar core.
    final class Core {
        let neurons: Int
        let groups: [Group]
        /// One group's column outputs, weight units.
        let output: UnsafeMutableBufferPointer<Double>

        init(neurons: Int, groups: [Group]) {
            self.neurons = neurons
            self.groups = groups
            output = .allocate(capacity: neurons)
            output.initialize(repeating: 0)
        }

        deinit { output.deallocate() }
    }

    /// Where a source neuron's spike marks a row: the target core (index in the image), its group, the row.
    struct Mark {
        var core: Int32
        var group: Int32
        var row: Int32
    }

    /// Per image core, its crossbar core (nil for digital cores).
    let cores: [Core?]
    /// Per source core, the global index of its neuron 0.
    private let neuronBase: [Int]
    /// Per global source neuron g, its marks `marks[markStart[g] ..< markStart[g + 1]]`, by target core.
    private let markStart: [Int]
    private let marks: [Mark]

    /// Programs the tiles of every crossbar core of `image` (whose machine has crossbar settings;
    /// a validated image, whose crossbar cores all have finite full-precision weights).
    init(image: ChipImage, routes: PacketRoutes, layout: RingLayout) {
        let settings = image.machine.crossbar!, seed = image.network.seed
        var base = [Int](repeating: 0, count: image.cores.count + 1)
        for (c, core) in image.cores.enumerated() { base[c + 1] = base[c] + core.neuronCount }
        neuronBase = base
        var cores = [Core?](repeating: nil, count: image.cores.count)
        var marksOf = [[Mark]](repeating: [], count: base[image.cores.count])
        for matrix in CrossbarCoreMatrix.all(image: image, routes: routes) {
            let c = matrix.core, m = image.cores[c].synapses
            let conductance = image.populations[image.cores[c].population].model.isConductanceBased
                ? Double(1 << SynapticMatrix.conductanceScaleBits) : 1
            let regionMask = layout.size[c] - 1
            var groups: [Group] = []
            for (g, group) in matrix.groups.enumerated() {
                let program: CrossbarProgram
                do { program = try matrix.program(group: g, settings: settings, seed: seed) } catch {
                    preconditionFailure("the validator admitted a crossbar core that cannot be programmed: \(error)")
                }
                let tiles = TiledCrossbar(program: program, settings: settings, seed: seed, stream: CrossbarCoreMatrix.stream(core: c, group: g))
                groups.append(Group(
                    delay: group.delay, type: group.type, tiles: tiles, synapses: group.synapses,
                    position: UInt32((group.delay << layout.slotShift[c] | group.type << m.indexBits) & regionMask),
                    fixedScale: pow(2, Double(15 - Int(m.shifts[group.type]))) * conductance))
                for (row, s) in group.sources.enumerated() {
                    marksOf[base[s.core] + s.neuron].append(Mark(core: Int32(c), group: Int32(g), row: Int32(row)))
                }
            }
            cores[c] = Core(neurons: matrix.neurons, groups: groups)
        }
        self.cores = cores
        var start = [0]
        start.reserveCapacity(marksOf.count + 1)
        for list in marksOf { start.append(start.last! + list.count) }
        markStart = start
        marks = marksOf.flatMap { $0 }
    }

    /// Marks the rows global source neuron `g`'s spike pulses on the crossbar cores in `targets`.
    @inline(__always)
    private func mark(neuron g: Int, on targets: Range<Int>) {
        for k in markStart[g]..<markStart[g + 1] {
            let m = marks[k]
            if targets.contains(Int(m.core)) { cores[Int(m.core)]!.groups[Int(m.group)].marked.append(Int(m.row)) }
        }
    }

    /// Marks the row of spike `neuron` of source core `source` on crossbar core `core` (a packet
    /// the core processed, in cycle timing).
    func mark(source: Int, neuron: Int, on core: Int) {
        mark(neuron: neuronBase[source] + neuron, on: core..<(core + 1))
    }

    /// The ideal engine's delivery onto the crossbar cores among `range`: marks the rows of every
    /// spike of the tick (per source core s, `counts[s]` local indices at `spikes[s]`), then reads
    /// each core's groups into its region (`regions[c]`, its term placing the tick).
    func deliver(spikes: UnsafePointer<UnsafeMutablePointer<UInt16>>, counts: UnsafePointer<Int>, range: Range<Int>,
                 regions: UnsafePointer<RegionAddress>, ring16: UnsafeMutablePointer<UInt16>?, ring64: UnsafeMutablePointer<Double>?,
                 tallies: UnsafeMutablePointer<DeliveryTally>) {
        guard range.contains(where: { cores[$0] != nil }) else { return }
        for s in 0..<(neuronBase.count - 1) where counts[s] > 0 {
            for neuron in UnsafeBufferPointer(start: spikes[s], count: counts[s]) { mark(neuron: neuronBase[s] + Int(neuron), on: range) }
        }
        for c in range where cores[c] != nil {
            _ = read(core: c, region: regions[c], skipThrough: 0, slots: 0, ring16: ring16, ring64: ring64, tally: tallies + c)
        }
    }

    /// Reads every group of crossbar core `c` with marked rows and adds the column outputs into
    /// its region at `region` (its term placing the spikes' tick), except groups whose delay is at
    /// most `skipThrough` ticks (late spikes, whose slots are consumed: not read, their synapses
    /// counted as skipped). `slots` is the core's ring slot count (used only with `skipThrough`).
    /// Returns the synapses skipped.
    func read(core c: Int, region: RegionAddress, skipThrough: Int, slots: Int, ring16: UnsafeMutablePointer<UInt16>?,
              ring64: UnsafeMutablePointer<Double>?, tally: UnsafeMutablePointer<DeliveryTally>) -> Int {
        let core = cores[c]!
        let out = core.output.baseAddress!
        var skipped = 0
        for group in core.groups where !group.marked.isEmpty {
            if skipThrough > 0 {
                let field = group.delay & (slots - 1)
                if (field == 0 ? slots : field) <= skipThrough {
                    for r in group.marked { skipped += group.synapses[r] }
                    group.marked.removeAll(keepingCapacity: true)
                    continue
                }
            }
            out.update(repeating: 0, count: core.neurons)
            swap(&group.again, &group.marked)
            while !group.again.isEmpty {
                // One read of the distinct rows; a row marked twice pulses again in the next.
                group.pulse.removeAll(keepingCapacity: true)
                group.marked.removeAll(keepingCapacity: true)
                for r in group.again {
                    if group.pulse.last == r { group.marked.append(r) } else { group.pulse.append(r) }
                }
                for r in group.pulse { tally.pointee.events += group.synapses[r]; tally.pointee.crossbarEvents += group.synapses[r] }
                tally.pointee.crossbar += group.pulse.withUnsafeBufferPointer { group.tiles.read(activeRows: $0, addingInto: out) }
                swap(&group.again, &group.marked)
            }
            group.marked.removeAll(keepingCapacity: true)
            if let ring = ring64 {
                for n in 0..<core.neurons { ring[region.start + Int((group.position &+ UInt32(n) &+ region.term) & region.mask)] += out[n] }
            } else if let ring = ring16 {
                for n in 0..<core.neurons {
                    let units = (out[n] * group.fixedScale).rounded()
                    guard units >= 1 else { continue }
                    let t = group.position &+ UInt32(n)
                    if units > 0xFFFF {
                        tally.pointee.saturations[group.type] += 1
                        tally.pointee.clipped[group.type] += Int(min(units - 0xFFFF, 0x1p60))
                    }
                    SynapticDelivery.addInput(t, UInt16(min(units, 0xFFFF)), at: region, ring: ring, tally: tally)
                }
            }
        }
        return skipped
    }
}
