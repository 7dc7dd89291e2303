/// How a chip image is run: the number representation, the step convention, the tick's length in
/// wall-clock time and the kernels. Every core of a run takes the same settings.
public struct CoreSettings: Equatable, Sendable {
    /// Default `s1615`, the chip's arithmetic.
    public var arithmetic: Arithmetic
    /// Default: the image's (``NetworkInfo/stepConvention``).
    public var stepConvention: StepConvention
    /// The tick lasts `timestep × timeScaleFactor` of wall-clock time; each core's cycle budget
    /// per tick is the clock times that. Default: the image's (``NetworkInfo/timeScaleFactor``).
    public var timeScaleFactor: Double
    /// The neuron kernels' implementation; must be supported by the host
    /// (``KernelSet/isSupported``). Default: the fastest it supports.
    public var kernels: KernelSet

    public init(arithmetic: Arithmetic, stepConvention: StepConvention, timeScaleFactor: Double, kernels: KernelSet = .best) {
        self.arithmetic = arithmetic
        self.stepConvention = stepConvention
        self.timeScaleFactor = timeScaleFactor
        self.kernels = kernels
    }

    /// The image's own convention and time scale, in `arithmetic`.
    public init(image: ChipImage, arithmetic: Arithmetic = .s1615, kernels: KernelSet = .best) {
        self.init(arithmetic: arithmetic, stepConvention: image.network.stepConvention,
                  timeScaleFactor: image.network.timeScaleFactor, kernels: kernels)
    }
}

extension MachineDescription {
    /// CPU cycles a core has per tick of `timestepMs`, stretched by `timeScaleFactor`
    /// (200,000 at 1 ms on a 200 MHz core in real time).
    public func cycleBudget(timestepMs: Double, timeScaleFactor: Double) -> Int {
        let cycles = clockHz * timestepMs / 1000 * timeScaleFactor
        return cycles >= Double(1 << 60) ? 1 << 60 : Int(cycles)
    }
}
