import ChipSim
import Dispatch
import Foundation

/// Runs a chip image in `ideal` timing (``IdealTimingEngine``) on Dispatch workers: in each
/// tick's update phase worker w updates cores w, w + threads, …; in its delivery phase worker w
/// owns a contiguous range of cores balanced by their synapse counts. The spikes are the same
/// for any thread count.
public final class Simulator {
    public let image: ChipImage
    public let options: RunOptions
    private let engine: IdealTimingEngine
    private var cores: [NeuronCore] { engine.cores }
    private let threads: Int
    /// The delivery phase's core range per worker.
    private let ranges: [Range<Int>]

    public init(image: ChipImage, options: RunOptions) throws {
        guard options.timing == .ideal else {
            throw RunError("timing 'cycle' is not available yet; use --timing ideal")
        }
        guard options.threads >= 1 else { throw RunError("--threads must be at least 1, found \(options.threads)") }
        self.image = image
        self.options = options
        engine = IdealTimingEngine(image: image, arithmetic: options.arithmetic)
        threads = min(options.threads, max(image.cores.count, 1))
        ranges = Simulator.balancedRanges(weights: engine.incomingSynapses.map { $0 + 64 }, parts: threads)
    }

    /// Splits 0..<weights.count into `parts` contiguous ranges of about equal total weight.
    static func balancedRanges(weights: [Int], parts: Int) -> [Range<Int>] {
        let total = weights.reduce(0, +)
        var ranges: [Range<Int>] = []
        var start = 0, acc = 0
        for p in 1..<parts {
            let goal = total * p / parts
            var end = start
            while end < weights.count - (parts - p), acc + weights[end] <= goal || end == start {
                acc += weights[end]
                end += 1
            }
            ranges.append(start..<end)
            start = end
        }
        ranges.append(start..<weights.count)
        return ranges
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
        var packetsSent = 0, routerCrossings = 0, dropped = 0
        var chipTraffic: [ChipCoordinate: Int] = [:]
        var spikesPerCore = [Int](repeating: 0, count: cores.count)
        for tick in 0..<ticks {
            try recorder.sampleTraces(tick: tick, cores: cores)
            forEachCore { c in engine.update(core: c, tick: tick) }
            engine.collectSpikes()
            if threads == 1 {
                engine.deliver(cores: 0..<cores.count, tick: tick)
            } else {
                DispatchQueue.concurrentPerform(iterations: threads) { w in engine.deliver(cores: ranges[w], tick: tick) }
            }
            for (c, core) in cores.enumerated() where !core.spikes.isEmpty {
                let n = core.spikes.count
                spikesPerCore[c] += n
                if engine.routes.routerCrossings[c] > 0 {
                    packetsSent += n
                    routerCrossings += n * engine.routes.routerCrossings[c]
                    dropped += n * engine.routes.droppedPerPacket[c]
                }
            }
            try recorder.recordSpikes(tick: tick, cores: cores)
        }
        try recorder.finish()
        for (c, chips) in engine.routes.visitedChips.enumerated() where spikesPerCore[c] > 0 {
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
