/// The taps of a `ConvolutionConnector`: a convolution over maps of `width` × `height` neurons,
/// stride 1, zero padding (the output map has the input's shape), with its own weight and delay
/// per tap. The pre view holds `inChannels` maps and the post view `outChannels`, neuron
/// (channel · height + y) · width + x. A tap (input channel, dx, dy, output channel, weight,
/// delay) connects every input neuron (channel, x, y) to output neuron (output channel, x + dx,
/// y + dy) where that lies in the map.
public struct ConvolutionKernel: Sendable {
    /// One tap: offsets in neurons, weight in the synapse's unit, delay in ms.
    public struct Tap: Sendable, Equatable {
        public var inChannel: Int
        public var dx: Int, dy: Int
        public var outChannel: Int
        public var weight: Double
        public var delay: Double

        public init(inChannel: Int, dx: Int, dy: Int, outChannel: Int, weight: Double, delay: Double) {
            self.inChannel = inChannel
            self.dx = dx
            self.dy = dy
            self.outChannel = outChannel
            self.weight = weight
            self.delay = delay
        }
    }

    public var width: Int, height: Int
    public var inChannels: Int, outChannels: Int
    /// Per input channel, its taps in the order given.
    public let tapsByInput: [[Tap]]

    public init(width: Int, height: Int, inChannels: Int, outChannels: Int, taps: [Tap]) {
        self.width = width
        self.height = height
        self.inChannels = inChannels
        self.outChannels = outChannels
        var byInput = [[Tap]](repeating: [], count: inChannels)
        for t in taps { byInput[t.inChannel].append(t) }
        tapsByInput = byInput
    }

    /// Synapses the kernel makes: each tap's valid positions.
    public var synapseCount: Int {
        tapsByInput.joined().reduce(0) { $0 + max(0, width - abs($1.dx)) * max(0, height - abs($1.dy)) }
    }

    /// The longest delay of any tap (ms), or nil without taps.
    public var longestDelay: Double? { tapsByInput.joined().map(\.delay).max() }

    /// Input neuron `i`'s synapses, in tap order: (output neuron, tap).
    @inline(__always)
    func forEachSynapse(ofInput i: Int, _ body: (Int, Tap) -> Void) {
        let channel = i / (width * height), y = (i / width) % height, x = i % width
        for tap in tapsByInput[channel] {
            let tx = x + tap.dx, ty = y + tap.dy
            guard tx >= 0, tx < width, ty >= 0, ty < height else { continue }
            body((tap.outChannel * height + ty) * width + tx, tap)
        }
    }
}
