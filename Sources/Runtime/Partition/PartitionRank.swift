import ChipSim
import Foundation

/// One process's share of a run split across processes (DESIGN §5.5): the cores of one part of
/// the image's partition (contiguous ranges of about equal synapse counts, one per rank), and
/// the per-tick exchange of every rank's spikes.
///
/// A tick: the rank updates its cores; sends their spikes, as keys, to every other rank and
/// receives theirs (``BoundaryExchange``: also the tick's barrier); takes the other ranks' spikes
/// as those cores' spikes of the tick; delivers every spike into its own cores. Delivery visits
/// source cores in order and each core's spikes in index order whichever process sent them, so
/// the spikes are those of a one-process run.
final class PartitionRank {
    let engine: IdealTimingEngine
    let rank: Int
    let exchange: BoundaryExchange
    /// The rank's cores.
    var cores: Range<Int> { engine.partition[rank] }
    /// Cores by ascending key base, for decoding received keys.
    private let coresByKey: [Int]
    private let keyBases: [UInt32]
    private let image: ChipImage

    /// `ranks` processes; this one is `rank`. The engine splits the cores into `ranks` parts.
    init(image: ChipImage, settings: CoreSettings, rank: Int, ranks: Int, exchange: BoundaryExchange) {
        engine = IdealTimingEngine(image: image, settings: settings, parts: ranks)
        self.rank = rank
        self.exchange = exchange
        self.image = image
        coresByKey = image.cores.indices.sorted { image.cores[$0].keyBase < image.cores[$1].keyBase }
        keyBases = coresByKey.map { image.cores[$0].keyBase }
    }

    /// Why `image` cannot be split into `ranks` parts, if it cannot.
    static func problem(_ image: ChipImage, ranks: Int) -> String? {
        if image.cores.count < ranks { return "--partitions \(ranks): the image has only \(image.cores.count) cores" }
        return nil
    }

    /// Runs tick `tick` (`flags` on this rank's batches, ``BoundaryExchange/endAfterTick`` to end
    /// the run after it) and returns the flags every rank sent. Afterwards ``engine``'s
    /// ``IdealTimingEngine/spikes(ofTick:)`` holds every core's spikes of the tick.
    func run(tick: Int, flags: UInt8) throws -> UInt8 {
        for c in cores { engine.update(core: c, tick: tick) }
        let spikes = engine.spikes(ofTick: tick)
        var keys: [UInt32] = []
        for c in cores {
            let base = image.cores[c].keyBase
            for n in spikes.spikes(core: c) { keys.append(base | UInt32(n)) }
        }
        let outgoing = (0..<engine.partition.count).map { $0 == rank ? [] : keys }
        let (incoming, allFlags) = try exchange.exchange(tick: tick, outgoing: outgoing, flags: flags)
        for (r, batch) in incoming.enumerated() where r != rank { take(batch, from: r, tick: tick) }
        engine.deliver(part: rank, tick: tick)
        return allFlags
    }

    /// Sets the spikes of rank `r`'s cores from its keys (ascending: cores by key base, neurons
    /// ascending, a neuron once per spike).
    private func take(_ keys: [UInt32], from r: Int, tick: Int) {
        var lists: [Int: [UInt16]] = [:]
        var k = 0
        for key in keys {
            // The core whose block holds the key: the last key base not above it.
            while k + 1 < keyBases.count, keyBases[k + 1] <= key { k += 1 }
            while k > 0, keyBases[k] > key { k -= 1 }
            let c = coresByKey[k]
            lists[c, default: []].append(UInt16(truncatingIfNeeded: key & ~image.cores[c].keyMask))
        }
        for c in engine.partition[r] { engine.receive(core: c, tick: tick, spikes: lists[c] ?? []) }
    }
}
