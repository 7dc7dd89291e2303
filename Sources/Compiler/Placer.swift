import ChipSim
import Foundation

/// A mapping that does not fit the machine it was tried on (cores, SDRAM or router entries): a
/// larger machine may hold it, so `--target auto` tries the next one.
struct DoesNotFit: Error {
    var diagnostic: Diagnostic
}

/// Places cores on the working application processors of working chips so that connected
/// populations sit close together:
///
/// 1. populations are ordered by connection, greedily: the most connected first, then always the
///    one with the most expected synapses to and from those already ordered;
/// 2. a spike source that feeds a single population goes with it, each of its cores beside the
///    cores it feeds (for one-to-one; else before the first), in a group kept on one chip when a
///    chip holds it, and every delay-extension core follows its source core;
/// 3. the cores, in that order, fill the chips along a Hilbert curve over the machine (each chip
///    up to its working processors and its SDRAM), so cores close in the order are close on the
///    machine. Dead chips and cores are skipped; a core too large for a chip's SDRAM is refused.
enum Placer {
    static func place(_ slices: inout [CoreSlice], layouts: [CoreLayout], network: NetworkSpec, machine: MachineDescription) throws {
        let chips = hilbertOrder(machine)
        var chip = 0, processors: [Int] = chips.isEmpty ? [] : machine.applicationProcessors(on: chips[0]), used = 0, sdram = 0
        func nextChip() {
            chip += 1
            processors = chip < chips.count ? machine.applicationProcessors(on: chips[chip]) : []
            used = 0
            sdram = 0
        }
        for group in coreGroups(slices, network: network) {
            // A group that fits a chip goes on one chip, the next if this one is too full.
            let need = group.reduce(0) { $0 + layouts[$1].sdramBytes }
            if group.count > 1, group.count <= machine.applicationCoresPerChip, need <= machine.sdramBytesPerChip,
               used + group.count > processors.count || sdram + need > machine.sdramBytesPerChip {
                nextChip()
            }
            for c in group {
                // Every core fits a chip (the layout cut populations until it did).
                let need = layouts[c].sdramBytes
                while chip < chips.count, used >= processors.count || sdram + need > machine.sdramBytesPerChip { nextChip() }
                guard chip < chips.count else { throw tooSmall(slices, layouts: layouts, network: network, machine: machine) }
                slices[c].location = CoreLocation(chip: chips[chip], processor: processors[used])
                used += 1
                sdram += need
            }
        }
    }

    private static func tooSmall(_ slices: [CoreSlice], layouts: [CoreLayout], network: NetworkSpec, machine: MachineDescription) -> DoesNotFit {
        let delays = slices.filter { $0.delay != nil }
        let sdram = layouts.reduce(0) { $0 + $1.sdramBytes }
        var why = ""
        if let longest = delays.max(by: { ($0.delay!.stage, -$0.population) < ($1.delay!.stage, -$1.population) }), let d = longest.delay {
            let ms = Double((d.stage + 1) * d.stageTicks) * network.timestep
            why = " (\(delays.count) of them delay extensions: delays of up to \(ms) ms from '\(network.populations[longest.population].name)' take \(d.stage) stages of \(d.stageTicks) ticks, what the ring buffers of its targets hold)"
        }
        return DoesNotFit(diagnostic: Diagnostic(
            "the network needs \(slices.count) cores\(why) and \(HostMemory.format(bytes: sdram)) of SDRAM for its synaptic matrices; target '\(machine.name)' has \(machine.workingApplicationCores) working application cores on \(machine.chips.count) chips with \(HostMemory.format(bytes: machine.sdramBytesPerChip)) of SDRAM each; use a larger target (--target auto takes the fewest SpiNN-5 boards that hold the network)\(delays.isEmpty ? "" : ", shorter delays, or fewer neurons per core on the targets of long delays (more delay slots)")",
            at: nil))
    }

    /// The cores in the order they are placed, in groups to keep on one chip: the cores of a
    /// population fed one to one by spike sources with the source cores that feed them, each core
    /// followed by its delay-extension cores.
    static func coreGroups(_ slices: [CoreSlice], network: NetworkSpec) -> [[Int]] {
        let expected = ExpansionBudget.expectedSynapses(network)
        let count = network.populations.count
        var weight = [[Double]](repeating: [Double](repeating: 0, count: count), count: count)
        for (k, p) in network.projections.enumerated() where p.pre.population != p.post.population {
            weight[p.pre.population][p.post.population] += expected[k]
            weight[p.post.population][p.pre.population] += expected[k]
        }
        // Spike sources that feed one population travel with it.
        var feeds = [Int?](repeating: nil, count: count)
        for (p, pop) in network.populations.enumerated() where pop.model.isSource {
            let targets = Set(network.projections.filter { $0.pre.population == p }.map(\.post.population))
            if targets.count == 1, let q = targets.first, q != p { feeds[p] = q }
        }
        var populationOrder: [Int] = []
        var placed = [Bool](repeating: false, count: count)
        var toPlaced = [Double](repeating: 0, count: count)
        let free = (0..<count).filter { feeds[$0] == nil }
        while populationOrder.count < free.count {
            let next = free.filter { !placed[$0] }.max { a, b in
                let ka = populationOrder.isEmpty ? weight[a].reduce(0, +) : toPlaced[a]
                let kb = populationOrder.isEmpty ? weight[b].reduce(0, +) : toPlaced[b]
                return (ka, -a) < (kb, -b)
            }!
            placed[next] = true
            populationOrder.append(next)
            for q in 0..<count { toPlaced[q] += weight[next][q] }
        }
        var coresOf = [[Int]](repeating: [], count: count)
        var delaysAfter = [[Int]](repeating: [], count: slices.count)
        for (c, s) in slices.enumerated() {
            if let d = s.delay {
                var root = d.source
                while let up = slices[root].delay { root = up.source }
                delaysAfter[root].append(c)
            } else {
                coresOf[s.population].append(c)
            }
        }
        // Each feeding core covers a range of positions among the cores it feeds (their first for
        // other connectors than one to one).
        var feeders = [[(lo: Int, hi: Int, core: Int)]](repeating: [], count: count)
        for p in 0..<count {
            guard let q = feeds[p], !coresOf[q].isEmpty else { continue }
            let oneToOne = network.projections.first { $0.pre.population == p && $0.post.population == q && {
                if case .oneToOne = $0.connector { return true } else { return false } }($0) }
            func position(_ neuron: Int) -> Int? {
                guard let o = oneToOne, let i = o.pre.index(of: neuron), i < o.post.count else { return nil }
                let n = o.post.neuron(i)
                return coresOf[q].firstIndex { slices[$0].firstNeuron <= n && n < slices[$0].firstNeuron + slices[$0].count }
            }
            for c in coresOf[p] {
                let a = position(slices[c].firstNeuron) ?? 0, b = position(slices[c].firstNeuron + slices[c].count - 1) ?? a
                feeders[q].append((min(a, b), max(a, b), c))
            }
        }
        var groups: [[Int]] = []
        func withDelays(_ c: Int) -> [Int] { [c] + delaysAfter[c] }
        for p in populationOrder {
            let fed = feeders[p].sorted { ($0.lo, $0.core) < ($1.lo, $1.core) }
            var f = 0, position = 0
            while position < coresOf[p].count {
                var end = position
                var group: [Int] = []
                while f < fed.count, fed[f].lo <= end {
                    end = max(end, fed[f].hi)
                    group += withDelays(fed[f].core)
                    f += 1
                }
                for i in position...end { group += withDelays(coresOf[p][i]) }
                groups.append(group)
                position = end + 1
            }
        }
        return groups
    }

    /// The machine's working chips along a Hilbert curve over its bounding box.
    static func hilbertOrder(_ machine: MachineDescription) -> [ChipCoordinate] {
        var side = 1
        while side < max(machine.width, machine.height) { side <<= 1 }
        var chips: [(Int, ChipCoordinate)] = []
        for chip in machine.chips where !machine.applicationProcessors(on: chip).isEmpty {
            chips.append((hilbertIndex(x: chip.x, y: chip.y, side: side), chip))
        }
        return chips.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The distance along the Hilbert curve of a `side` × `side` square (a power of two) to (x, y).
    static func hilbertIndex(x: Int, y: Int, side: Int) -> Int {
        var x = x, y = y, d = 0
        var s = side / 2
        while s > 0 {
            let rx = (x & s) > 0 ? 1 : 0, ry = (y & s) > 0 ? 1 : 0
            d += s * s * ((3 * rx) ^ ry)
            if ry == 0 {
                if rx == 1 {
                    x = side - 1 - x
                    y = side - 1 - y
                }
                swap(&x, &y)
            }
            s /= 2
        }
        return d
    }
}
