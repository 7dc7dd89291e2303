#if canImport(Glibc)
import Glibc
#endif
import ChipSim
import Foundation

/// What a run will take before it takes it: memory against a budget (`--max-memory`, by default
/// most of the host's), and the size of what it will record against the free disk, so that a run
/// the host cannot hold is refused in a moment with the numbers rather than aborting or filling
/// the disk hours later.
public enum RunBudget {
    /// Bytes the run of `image` needs in memory: the decoded image and the engine.
    public static func memoryBytes(_ image: ChipImage, options: RunOptions) -> Int {
        let imageBytes = image.cores.reduce(0) { $0 + $1.synapses.words.count * 12 + $1.neuronCount * 16 }
        return imageBytes + IdealTimingEngine.memoryEstimate(image: image, arithmetic: options.arithmetic, parts: options.threads,
                                                             batch: Simulator.longestBatch)
    }

    /// Refuses a run that needs more memory than `options.maxMemoryBytes` (default
    /// ``HostMemory/defaultBudget``).
    static func checkMemory(_ image: ChipImage, options: RunOptions) throws {
        let needed = memoryBytes(image, options: options), budget = options.maxMemoryBytes ?? HostMemory.defaultBudget
        guard needed <= budget else {
            throw RunError("the run needs about \(HostMemory.format(bytes: needed)) of memory (ring buffers, synapse lists and neuron state of \(image.cores.count) cores); the budget is \(HostMemory.format(bytes: budget)) (--max-memory); run fewer neurons or synapses, or raise --max-memory")
        }
    }

    /// What a run will write.
    public struct Recording: Equatable, Sendable {
        /// Trace files: exactly this many rows, at most this many bytes.
        public var traceRows: Int
        public var traceBytes: Int
        /// `spikes.csv` at `spikes_per_second` (default 30 Hz) per recorded neuron: a guess.
        public var spikeBytesGuess: Int

        /// e.g. "recording about 1.2 GB: traces 1.1 GB, spikes about 80 MB at 30 Hz".
        public var description: String {
            "recording about \(HostMemory.format(bytes: traceBytes + spikeBytesGuess)): traces \(HostMemory.format(bytes: traceBytes)) (\(traceRows) rows), spikes about \(HostMemory.format(bytes: spikeBytesGuess)) at 30 Hz"
        }
    }

    /// The bytes of the files a run of `ticks` ticks writes: trace rows are
    /// `population,neuron,time_ms,value` (at most 24 characters for the value).
    public static func recording(_ image: ChipImage, ticks: Int) -> Recording {
        let dt = image.network.timestepMs
        let timeChars = String(format: "%.\(Recorder.decimals(of: dt))f", Double(ticks) * dt).count
        var rows = 0, bytes = 0, spikes = 0.0
        for pop in image.populations {
            let neuronChars = String(pop.size).count
            let row = pop.name.utf8.count + neuronChars + timeChars + 3
            let traces = pop.record.filter { $0 != "spikes" }.count
            let (r, overflow) = (pop.size * traces).multipliedReportingOverflow(by: ticks)
            rows = overflow ? Int.max / 2 : min(rows + r, Int.max / 2)
            bytes = min(bytes + (overflow ? Int.max / 4 : r.multipliedReportingOverflow(by: row + 25).partialValue), Int.max / 2)
            if pop.record.contains("spikes") { spikes += Double(pop.size) * 30 * Double(ticks) * dt / 1000 * Double(row + 1) }
        }
        return Recording(traceRows: rows, traceBytes: bytes, spikeBytesGuess: Int(min(spikes, Double(Int.max / 4))))
    }

    /// Refuses a run whose traces alone would not fit the free space of the disk holding `directory`.
    static func checkDisk(_ recording: Recording, directory: String) throws {
        var fs = statvfs()
        guard statvfs(directory, &fs) == 0 else { return }
        let free = Int(clamping: UInt64(fs.f_bavail) &* UInt64(fs.f_frsize))
        guard recording.traceBytes <= free else {
            throw RunError("the run would record about \(HostMemory.format(bytes: recording.traceBytes)) of traces into '\(directory)', whose disk has \(HostMemory.format(bytes: free)) free; record fewer variables or neurons, or run shorter")
        }
    }

}
