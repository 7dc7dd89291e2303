/// One live stream: the neurons of a population as the keys `keyBase ..< keyBase + size`, known
/// to clients by `label` (topics `in/<label>`, `out/<label>`) and by `streamID` (in headers).
public struct LiveStream: Equatable, Sendable {
    public var label: String
    public var streamID: UInt32
    /// The key of neuron 0; neuron i is `keyBase + i`.
    public var keyBase: UInt32
    /// Neurons in the stream.
    public var size: Int

    public init(label: String, streamID: UInt32, keyBase: UInt32, size: Int) {
        self.label = label
        self.streamID = streamID
        self.keyBase = keyBase
        self.size = size
    }

    /// True if `key` names a neuron of this stream.
    func contains(key: UInt32) -> Bool { key >= keyBase && Int(key - keyBase) < size }
}

/// When a tick may run.
public enum LiveMode: String, Codable, Sendable {
    /// Tick t runs only once every open input stream has said it is done with t (a watermark at
    /// or past t): deterministic, as fast as the slowest client.
    case lockStep = "lock-step"
    /// Ticks never wait; spikes that arrive after their tick was handed over are counted late and
    /// handed over with the next tick.
    case freeRun = "free-run"
}

/// How a ``LiveIOServer`` is set up. Times are in seconds unless named otherwise.
public struct LiveIOConfiguration: Sendable {
    /// Streams clients feed (SpikeInjector populations). Default none.
    public var inputs: [LiveStream] = []
    /// Streams the simulator publishes (live-output populations). Default none.
    public var outputs: [LiveStream] = []
    /// ROUTER for the JSON control channel. Default `tcp://127.0.0.1:5560`; port `*` picks a free one.
    public var controlEndpoint = "tcp://127.0.0.1:5560"
    /// PULL for spikes in. Default `tcp://127.0.0.1:5561`.
    public var spikesInEndpoint = "tcp://127.0.0.1:5561"
    /// PUB (an XPUB) for spikes out. Default `tcp://127.0.0.1:5562`.
    public var spikesOutEndpoint = "tcp://127.0.0.1:5562"
    /// Default lock-step.
    public var mode: LiveMode = .lockStep
    /// The simulation time step, ns, announced in WELCOME.
    public var dtNs: UInt64
    /// Ticks the run will do, announced in WELCOME (nil: not known).
    public var ticks: Int?
    /// Clients ``LiveIOServer/start()`` waits for (each says READY). Default 1.
    public var clients = 1
    /// How long ``LiveIOServer/start()`` waits for the clients. Default 60 s.
    public var startTimeout = 60.0
    /// Lock-step: how long a tick waits for an input watermark before the run is told to stop. Default 10 s.
    public var inputTimeout = 10.0
    /// ZMTP heartbeat interval on the control socket; a client silent for 3 intervals is dropped
    /// and counted as vanished. Default 1 s.
    public var heartbeatInterval = 1.0
    /// ZeroMQ high-water mark of every socket, messages per peer. Default 10,000. Input is
    /// lossless: a full PULL queue stalls the sending client (TCP back-pressure) instead of dropping.
    public var highWaterMark: Int32 = 10_000
    /// Output messages held back while a subscriber's queue is full, before the oldest are dropped
    /// (and counted). Default 10,000.
    public var outputBacklog = 10_000
    /// Largest message accepted on the spike input, bytes (a larger one closes the sender's
    /// connection). Default: room for every neuron of the largest input stream, and at least 1 MiB.
    public var maxInputMessageBytes: Int?
    /// CURVE for every socket; required to bind anything but loopback. Default none.
    public var curve: CurveServerSecurity?

    public init(inputs: [LiveStream] = [], outputs: [LiveStream] = [], dtNs: UInt64, mode: LiveMode = .lockStep) {
        self.inputs = inputs
        self.outputs = outputs
        self.dtNs = dtNs
        self.mode = mode
    }

    /// Refuses streams that clash and endpoints that would be open to other hosts without CURVE.
    func validate() throws {
        var ids = Set<UInt32>(), labels = Set<String>()
        for (direction, streams) in [("in", inputs), ("out", outputs)] {
            for s in streams {
                guard ids.insert(s.streamID).inserted else { throw LiveIOError("stream id \(s.streamID) is used twice") }
                guard labels.insert("\(direction)/\(s.label)").inserted else {
                    throw LiveIOError("two \(direction)put streams are labelled '\(s.label)'")
                }
                guard s.size >= 0, UInt64(s.keyBase) + UInt64(s.size) <= UInt64(UInt32.max) + 1 else {
                    throw LiveIOError("stream '\(s.label)': keys \(s.keyBase) + \(s.size) do not fit 32 bits")
                }
            }
        }
        guard clients >= 0 else { throw LiveIOError("clients must be at least 0, found \(clients)") }
        guard dtNs > 0 else { throw LiveIOError("the time step must be positive") }
        for (role, endpoint) in [("control", controlEndpoint), ("spikes-in", spikesInEndpoint), ("spikes-out", spikesOutEndpoint)] {
            try EndpointPolicy.checkBind(endpoint, secured: curve != nil, role: role)
        }
    }

    /// The input size limit in force.
    var inputMessageLimit: Int {
        maxInputMessageBytes ?? max(1 << 20, 4 * (inputs.map(\.size).max() ?? 0) + 4096)
    }
}
