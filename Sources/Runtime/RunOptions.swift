import ChipSim

/// How packets are timed.
public enum Timing: String, CaseIterable, Sendable {
    /// Every packet is delivered within its tick, with no contention: the fast path.
    case ideal
    /// The cycle-level event engine (routers, links, DMA, cycle budgets): what the machine does,
    /// failures included.
    case cycle
}

/// What a run does and where it writes.
public struct RunOptions: Sendable {
    /// Biological time to simulate, ms. Default: the network's duration.
    public var durationMs: Double?
    /// Default `s1615`, the chip's arithmetic.
    public var arithmetic: Arithmetic = .s1615
    /// Default `ideal`.
    public var timing: Timing = .ideal
    /// Worker threads the cores are spread over. Default 1. Results do not depend on it.
    public var threads: Int = 1
    /// Run directory to write (DESIGN §5.3); nil writes nothing.
    public var outputDirectory: String?
    /// Keep every recorded spike in memory and return it (for tests and tools). Default false.
    public var collectSpikes = false
    /// The neuron kernels to run. Default: the fastest this CPU supports. Results do not depend on it.
    public var kernels: KernelSet = .best
    /// What happens inside a tick. Default: the image's (`step_convention` of the network).
    public var stepConvention: StepConvention?
    /// The tick's stretch in wall-clock time. Default: the image's (`time_scale_factor`).
    public var timeScaleFactor: Double?
    /// The most memory the run may take, bytes. Default ``RunBudget/defaultMemoryBytes``.
    public var maxMemoryBytes: Int?
    /// Whether an earlier run in ``outputDirectory`` is replaced (`--force`) rather than refused.
    public var replaceEarlierRun = false
    /// Ends the run early at a tick boundary when requested (by a signal, a caller).
    public var stop: StopRequest?
    /// Live I/O with clients over ZeroMQ (`--live`); nil runs without.
    public var live: LiveOptions?
    /// A run split across processes (`--partitions`, `--workers`); nil runs in this process.
    public var partitions: PartitionOptions?
    /// A `weights.csv` of an earlier run (``WeightsFile``) whose weights the plastic synapses
    /// start from; nil starts from the compiled ones.
    public var initialWeights: String?
    /// Whether to draw a progress line when standard error is a terminal. Default false.
    public var showProgress = false

    public init(durationMs: Double? = nil, arithmetic: Arithmetic = .s1615, timing: Timing = .ideal, threads: Int = 1,
                outputDirectory: String? = nil, collectSpikes: Bool = false, kernels: KernelSet = .best,
                stepConvention: StepConvention? = nil, timeScaleFactor: Double? = nil, maxMemoryBytes: Int? = nil,
                replaceEarlierRun: Bool = false, stop: StopRequest? = nil) {
        self.durationMs = durationMs
        self.arithmetic = arithmetic
        self.timing = timing
        self.threads = threads
        self.outputDirectory = outputDirectory
        self.collectSpikes = collectSpikes
        self.kernels = kernels
        self.stepConvention = stepConvention
        self.timeScaleFactor = timeScaleFactor
        self.maxMemoryBytes = maxMemoryBytes
        self.replaceEarlierRun = replaceEarlierRun
        self.stop = stop
    }

    /// The settings every core of `image` runs with: these options over the image's defaults.
    public func coreSettings(for image: ChipImage) -> CoreSettings {
        CoreSettings(arithmetic: arithmetic, stepConvention: stepConvention ?? image.network.stepConvention,
                     timeScaleFactor: timeScaleFactor ?? image.network.timeScaleFactor, kernels: kernels)
    }
}

/// A run could not be done.
public struct RunError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One recorded spike: a neuron of a population, in a tick (time = tick × timestep).
public struct RecordedSpike: Equatable, Hashable, Sendable {
    public var population: Int
    public var neuron: Int
    public var tick: Int
}
