/// What live I/O counted, for the run summary. Spikes are keys; for every input stream and in
/// total, `received = delivered + late + rejected + pending` at every moment, and `pending` is 0
/// once the server has finished (spikes for ticks the run never reached become rejected,
/// `after_run_end`).
public struct LiveCounters: Codable, Equatable, Sendable {
    /// One input stream.
    public struct Input: Codable, Equatable, Sendable {
        public var label: String
        public var streamId: UInt32
        /// Messages charged to the stream (their header named it), taken or not.
        public var messages = 0
        /// Spikes in those messages.
        public var received = 0
        /// Handed to the simulation at their own tick.
        public var delivered = 0
        /// Handed to the simulation at a later tick than their own (free-run only).
        public var late = 0
        /// In rejected messages (``LiveCounters/rejections`` says why).
        public var rejected = 0
        /// Taken, waiting for their tick.
        public var pending = 0
        /// Messages missing between the sequence numbers taken (each gap counted by its width).
        public var sequenceGaps = 0
        /// The last tick the stream said it was done with; −1 before its first message.
        public var watermark = -1
        /// The stream sent its end of stream.
        public var ended = false
    }

    /// One output stream.
    public struct Output: Codable, Equatable, Sendable {
        public var label: String
        public var streamId: UInt32
        /// Messages and spikes handed to ZeroMQ.
        public var messages = 0
        public var spikes = 0
        /// Messages and spikes dropped because subscribers fell more than the backlog behind.
        public var droppedMessages = 0
        public var droppedSpikes = 0
    }

    /// Input spikes summed over the streams, plus those in messages no stream could be charged with.
    public struct Totals: Codable, Equatable, Sendable {
        public var received = 0
        public var delivered = 0
        public var late = 0
        public var rejected = 0
        public var pending = 0
    }

    /// The control channel.
    public struct Control: Codable, Equatable, Sendable {
        /// Control messages received.
        public var messages = 0
        /// Messages that were not JSON objects with a known `type`, or out of turn.
        public var malformed = 0
        /// HELLOs with another protocol.
        public var wrongProtocol = 0
        /// ERROR replies sent.
        public var errorsSent = 0
        /// Clients that got a WELCOME, and of those, that said READY.
        public var clientsWelcomed = 0
        public var clientsReady = 0
        /// Welcomed clients whose connection closed or fell silent before the run finished.
        public var clientsVanished = 0
        /// CURVE handshakes the ZAP handler refused (a key not in the allowed list).
        public var refusedHandshakes = 0
    }

    public var mode: LiveMode
    public var inputs: [Input]
    public var outputs: [Output]
    /// Rejected input messages by reason (``SpikeRejection`` names), every reason listed.
    public var rejections: [String: Int]
    /// Messages (and their spikes) whose header could not be read or named no input stream.
    public var unattributedMessages = 0
    public var unattributedSpikes = 0
    public var totals = Totals()
    public var control = Control()
    /// Why the run was told to stop early, if it was.
    public var stopReason: String?

    /// Recomputes ``totals`` from the streams.
    mutating func tally() {
        totals = Totals(received: inputs.reduce(unattributedSpikes) { $0 + $1.received }, delivered: inputs.reduce(0) { $0 + $1.delivered },
                        late: inputs.reduce(0) { $0 + $1.late }, rejected: inputs.reduce(unattributedSpikes) { $0 + $1.rejected },
                        pending: inputs.reduce(0) { $0 + $1.pending })
    }

    /// True if received = delivered + late + rejected + pending for every stream and in total.
    public var balances: Bool {
        let t = totals
        return inputs.allSatisfy { $0.received == $0.delivered + $0.late + $0.rejected + $0.pending }
            && t.received == t.delivered + t.late + t.rejected + t.pending
    }
}
