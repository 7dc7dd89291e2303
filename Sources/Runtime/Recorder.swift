import ChipSim
import Foundation

/// Records a run as it goes: `spikes.csv` and one trace file per recorded state variable in the
/// run directory (DESIGN §5.3), spike counts for every population, and, if asked, the spikes in
/// memory.
///
/// `spikes.csv` rows are `population,neuron,time_ms`, sorted by time, then population name,
/// then neuron. A trace file `<variable>.csv` has rows `population,neuron,time_ms,<variable>`
/// with the value at the start of each tick (before its update), as Brian2's StateMonitor has it.
public final class Recorder {
    private let image: ChipImage
    private let collect: Bool
    private let spikeFile: BufferedFile?
    private var traceFiles: [String: BufferedFile] = [:]
    /// Populations in name order, the order rows of a tick are written in.
    private let populationOrder: [Int]
    private let recordsSpikes: [Bool]
    /// (variable, populations recording it in name order)
    private let traced: [(String, [Int])]
    private let timeDecimals: Int
    private var ticksSinceFlush = 0
    /// Per population its cores, and per core its first neuron, out of the image once.
    private let populationCores: [[Int]]
    private let firstNeuron: [Int]
    /// Per population, whether its cores hold ascending neuron ranges in the order listed: a
    /// tick's spikes, core by core, are then in neuron order already.
    private let coresAscend: [Bool]
    /// Per population, `name,` as the start of its rows, in ``texts``.
    private let rowPrefix: [RowText]
    private let texts: RowTextStore
    /// Scratch: per population, its spikes in the tick being recorded.
    private var tickCounts: [Int]
    /// Scratch: one population's spiking neurons in a tick.
    private var neurons: [Int] = []
    /// Per core, the population whose recorded spikes it holds, or −1.
    private let recordedPopulation: [Int]
    /// Whether the cores' rows follow core order: the populations that record spikes hold, in
    /// name order, ascending cores with ascending neurons, and the spikes go to `spikes.csv` only.
    /// A contiguous range of cores' rows is then a contiguous piece of a tick's rows, and workers
    /// can format them in parallel (``spikeRows(tick:cores:spikes:into:)``).
    let rowsFollowCores: Bool

    /// Spikes per population, recorded or not.
    public private(set) var spikeCounts: [Int]
    /// Every recorded spike, when ``RunOptions/collectSpikes`` is set.
    public private(set) var spikes: [RecordedSpike] = []

    public init(image: ChipImage, options: RunOptions) throws {
        self.image = image
        collect = options.collectSpikes
        let order = image.populations.indices.sorted { image.populations[$0].name < image.populations[$1].name }
        populationOrder = order
        recordsSpikes = image.populations.map { $0.record.contains("spikes") }
        var variables: [String] = []
        for p in image.populations { for v in p.record where v != "spikes" && !variables.contains(v) { variables.append(v) } }
        traced = variables.sorted().map { v in (v, order.filter { image.populations[$0].record.contains(v) }) }
        spikeCounts = Array(repeating: 0, count: image.populations.count)
        populationCores = image.populations.map(\.cores)
        firstNeuron = image.cores.map(\.firstNeuron)
        let first = firstNeuron
        coresAscend = populationCores.map { cores in zip(cores, cores.dropFirst()).allSatisfy { first[$0] < first[$1] } }
        let store = RowTextStore()
        rowPrefix = image.populations.map { store.text("\($0.name),") }
        texts = store
        tickCounts = Array(repeating: 0, count: image.populations.count)
        var recorded = [Int](repeating: -1, count: image.cores.count)
        let records = recordsSpikes, ascend = coresAscend
        let recordedCores = order.filter { records[$0] }.flatMap { p in image.populations[p].cores.map { (p, $0) } }
        for (p, c) in recordedCores { recorded[c] = p }
        recordedPopulation = recorded
        rowsFollowCores = options.outputDirectory != nil && !options.collectSpikes
            && order.allSatisfy { !records[$0] || ascend[$0] }
            && zip(recordedCores, recordedCores.dropFirst()).allSatisfy { $0.1 < $1.1 }
        timeDecimals = Recorder.decimals(of: image.network.timestepMs)
        if let dir = options.outputDirectory {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw RunError("cannot create run directory '\(dir)': \(error.localizedDescription)")
            }
            spikeFile = try BufferedFile(path: (dir as NSString).appendingPathComponent("spikes.csv"))
            try spikeFile?.write("population,neuron,time_ms\n")
            for (v, _) in traced {
                let f = try BufferedFile(path: (dir as NSString).appendingPathComponent("\(v).csv"))
                try f.write("population,neuron,time_ms,\(v)\n")
                traceFiles[v] = f
            }
        } else {
            spikeFile = nil
        }
    }

    /// Decimal places that show every multiple of the time step exactly (at least one).
    static func decimals(of dt: Double) -> Int {
        var d = 1
        while d < 9, abs((dt * pow(10, Double(d))).rounded() - dt * pow(10, Double(d))) > 1e-9 { d += 1 }
        return d
    }

    /// Calls `body` with `,time\n`, the end of tick `tick`'s `spikes.csv` rows, formatted in
    /// stack memory: built as a `String` every tick by every worker, it cost about 1 % of a
    /// CUBA run.
    private func withRowEnding<R>(_ tick: Int, _ body: (RowText) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.longestTime + 2) { buffer in
            let p = buffer.baseAddress!
            p[0] = UInt8(ascii: ",")
            let n = Self.writeTime(tick: tick, dt: image.network.timestepMs, decimals: timeDecimals, to: p + 1)
            p[n + 1] = UInt8(ascii: "\n")
            return try RowText.with(UnsafeBufferPointer(start: p, count: n + 2), body)
        }
    }

    /// Tick `tick`'s time in ms (`tick · dt`) with `decimals` places (``decimals(of:)``), as
    /// `%.Nf` prints it (``writeTime(tick:dt:decimals:to:)``).
    static func time(tick: Int, dt: Double, decimals: Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: longestTime) { buffer in
            let n = writeTime(tick: tick, dt: dt, decimals: decimals, to: buffer.baseAddress!)
            return String(decoding: UnsafeBufferPointer(start: buffer.baseAddress!, count: n), as: UTF8.self)
        }
    }

    /// The most bytes ``writeTime(tick:dt:decimals:to:)`` writes: 19 digits of the whole part,
    /// the point and 9 decimals.
    static let longestTime = 29

    /// Writes tick `tick`'s time in ms (`tick · dt`, at least 0) with `decimals` places (0 to 9,
    /// ``decimals(of:)``) at `out` as `%.Nf` prints it, and returns the bytes written: every
    /// multiple of the step lies within 10⁻⁹ of a multiple of 10^−N, so rounding the scaled time
    /// to an integer rounds as `%.Nf` does. (Foundation's formatter took 3 % of a CUBA run.)
    static func writeTime(tick: Int, dt: Double, decimals: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        var units = Int((Double(tick) * dt * Double(scale)).rounded())
        var wholeDigits = 1, whole = units / scale
        while whole >= 10 { whole /= 10; wholeDigits += 1 }
        let count = wholeDigits + 1 + decimals
        // From the last digit back: the decimals, the point, the whole part.
        var p = out + count
        for _ in 0..<decimals { p -= 1; p.pointee = UInt8(48 + units % 10); units /= 10 }
        p -= 1
        p.pointee = UInt8(ascii: ".")
        repeat { p -= 1; p.pointee = UInt8(48 + units % 10); units /= 10 } while units > 0
        return count
    }

    func sampleTraces(tick: Int, cores: [NeuronCore]) throws {
        try sampleTraces(tick: tick) { c, variable in cores[c].sample(variable) }
    }

    /// Whether any state variable is recorded.
    var recordsTraces: Bool { !traceFiles.isEmpty }

    /// Writes the values of tick `tick` that `sample(core, variable)` gives.
    func sampleTraces(tick: Int, sample: (Int, String) -> [Double]) throws {
        guard !traceFiles.isEmpty else { return }
        let t = Self.time(tick: tick, dt: image.network.timestepMs, decimals: timeDecimals)
        for (variable, pops) in traced {
            guard let file = traceFiles[variable] else { continue }
            for p in pops {
                let pop = image.populations[p]
                for c in pop.cores {
                    let values = sample(c, variable)
                    let first = image.cores[c].firstNeuron
                    for (i, value) in values.enumerated() {
                        try file.write("\(pop.name),\(first + i),\(t),\(value)\n")
                    }
                }
            }
        }
    }

    /// Counts tick `tick`'s spikes and writes their rows: `rows`, the rows that workers formatted
    /// for their ranges of cores in core order (``spikeRows(tick:cores:spikes:into:)``, only
    /// where ``rowsFollowCores``), or else formatted here.
    func recordSpikes(tick: Int, spikes tickSpikes: TickSpikes, rows: [RowBuffer]? = nil) throws {
        var writes = false
        for p in populationOrder {
            var count = 0
            for c in populationCores[p] { count += tickSpikes.count(core: c) }
            spikeCounts[p] += count
            tickCounts[p] = count
            writes = writes || (rows == nil && recordsSpikes[p] && count > 0)
        }
        if writes { try withRowEnding(tick) { try writeSpikes(tick: tick, spikes: tickSpikes, end: $0) } }
        if let rows, let spikeFile { for r in rows { try spikeFile.write(r) } }
        ticksSinceFlush += 1
        if ticksSinceFlush >= 100 {
            ticksSinceFlush = 0
            try spikeFile?.flush()
            for f in traceFiles.values { try f.flush() }
        }
    }

    /// Writes (and collects) the rows of the recorded populations that spiked in tick `tick`
    /// (``tickCounts``), each ending with `end`.
    private func writeSpikes(tick: Int, spikes tickSpikes: TickSpikes, end: RowText) throws {
        for p in populationOrder where recordsSpikes[p] && tickCounts[p] > 0 {
            if coresAscend[p], !collect, let spikeFile {
                // Core by core, as the cores already give the neurons in order.
                for c in populationCores[p] where tickSpikes.count(core: c) > 0 {
                    try spikeFile.write(rowPrefix[p], tickSpikes.spikes(core: c), plus: firstNeuron[c], end)
                }
                continue
            }
            neurons.removeAll(keepingCapacity: true)
            for c in populationCores[p] {
                let first = firstNeuron[c]
                for n in tickSpikes.spikes(core: c) { neurons.append(first + Int(n)) }
            }
            if !coresAscend[p] { neurons.sort() }
            if collect { for n in neurons { spikes.append(RecordedSpike(population: p, neuron: n, tick: tick)) } }
            try spikeFile?.write(rowPrefix[p], neurons, end)
        }
    }

    /// Formats tick `tick`'s `spikes.csv` rows of cores `cores` into `rows` (emptied first), in
    /// core and neuron order. Reads only what `init` set, so workers call it at once, each for its
    /// own cores, once their spikes are known.
    func spikeRows(tick: Int, cores: Range<Int>, spikes: TickSpikes, into rows: RowBuffer) {
        rows.count = 0
        func recorded(_ c: Int) -> Bool { spikes.count(core: c) > 0 && recordedPopulation[c] >= 0 }
        guard cores.contains(where: recorded) else { return }
        withRowEnding(tick) { end in
            for c in cores where recorded(c) {
                rows.appendRows(rowPrefix[recordedPopulation[c]], spikes.spikes(core: c), plus: firstNeuron[c], end)
            }
        }
    }

    func finish() throws {
        try spikeFile?.close()
        for (_, f) in traceFiles.sorted(by: { $0.key < $1.key }) { try f.close() }
    }
}
