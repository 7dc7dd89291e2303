import ChipSim
import Dispatch
import Foundation

/// Runs a chip image in `ideal` timing: cores update in parallel on Dispatch workers, spikes are
/// exchanged between cores at tick boundaries along the routes the image's tables give.
///
/// Each tick: (1) every core updates its neurons; (2) every core moves its due ring-buffer slot
/// into its synaptic inputs, then processes the packets its sources sent this tick, in source
/// order, and costs its work. A core writes only its own state in each phase, so the spikes are
/// the same for any thread count.
public final class Simulator {
    public let image: ChipImage
    public let options: RunOptions
    private let cores: [NeuronCore]
    private let plan: DeliveryPlan
    /// Worker w runs cores w, w + threads, …
    private let threads: Int

    public init(image: ChipImage, options: RunOptions) throws {
        guard options.timing == .ideal else {
            throw RunError("timing 'cycle' is not available yet; use --timing ideal")
        }
        guard options.threads >= 1 else { throw RunError("--threads must be at least 1, found \(options.threads)") }
        self.image = image
        self.options = options
        cores = image.cores.indices.map { NeuronCore(image: image, core: $0, arithmetic: options.arithmetic) }
        plan = DeliveryPlan(image: image)
        threads = min(options.threads, max(cores.count, 1))
    }

    /// Ticks in `durationMs` (the network's duration unless the options say otherwise).
    public var ticks: Int {
        let duration = options.durationMs ?? image.network.durationMs
        return Int((duration / image.network.timestepMs).rounded())
    }

    private func forEachCore(_ body: (Int) -> Void) {
        let n = cores.count
        if threads == 1 {
            for c in 0..<n { body(c) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: threads) { w in
            var c = w
            while c < n {
                body(c)
                c += threads
            }
        }
    }

    /// Runs every tick, streaming what is recorded to `recorder`, and returns the totals.
    public func run(recorder: Recorder) throws -> RunTotals {
        let start = DispatchTime.now()
        let keyBases = image.cores.map(\.keyBase)
        var packetsSent = 0, routerCrossings = 0, dropped = 0
        var chipTraffic: [ChipCoordinate: Int] = [:]
        var spikesPerCore = [Int](repeating: 0, count: cores.count)
        for tick in 0..<ticks {
            try recorder.sampleTraces(tick: tick, cores: cores)
            forEachCore { c in cores[c].update(tick: tick) }
            forEachCore { c in
                let core = cores[c]
                core.transferInputs(tick: tick)
                for s in plan.incoming[c] { core.receive(keyBase: keyBases[s], spikes: cores[s].spikes, tick: tick) }
                core.finishTick()
            }
            for (c, core) in cores.enumerated() where !core.spikes.isEmpty {
                let n = core.spikes.count
                spikesPerCore[c] += n
                if plan.routerCrossings[c] > 0 {
                    packetsSent += n
                    routerCrossings += n * plan.routerCrossings[c]
                    dropped += n * plan.droppedPerPacket[c]
                }
            }
            try recorder.recordSpikes(tick: tick, cores: cores)
        }
        try recorder.finish()
        for (c, chips) in plan.visitedChips.enumerated() where spikesPerCore[c] > 0 {
            for chip in chips { chipTraffic[chip, default: 0] += spikesPerCore[c] }
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return RunTotals(ticks: ticks, wallSeconds: wall, coreCounters: cores.map(\.counters), packetsSent: packetsSent,
                         routerCrossings: routerCrossings, droppedPackets: dropped, chipTraffic: chipTraffic)
    }
}

/// What a run counted, before it is summarised.
public struct RunTotals: Sendable {
    public var ticks: Int
    public var wallSeconds: Double
    public var coreCounters: [CoreCounters]
    /// Multicast packets sent by cores that have routes.
    public var packetsSent: Int
    /// Router crossings of all packets and their copies.
    public var routerCrossings: Int
    public var droppedPackets: Int
    /// Packets through each chip's router.
    public var chipTraffic: [ChipCoordinate: Int]
}
