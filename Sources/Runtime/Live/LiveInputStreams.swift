/// Spikes handed to the simulation for one input stream at one tick.
public struct LiveInputBatch: Equatable, Sendable {
    /// Index of the stream in ``LiveIOConfiguration/inputs``.
    public var stream: Int
    /// Neuron indices, ascending. In free-run mode a neuron may appear more than once, when late
    /// spikes of earlier ticks join the tick's own.
    public var neurons: [Int]
}

/// The input streams' state on the simulator's side: it checks each received message against its
/// stream (sequence, watermark, key range, end of stream), keeps accepted spikes until their tick
/// is handed over, and counts everything. Not thread-safe; ``LiveSession`` guards it.
struct LiveInputStreams {
    let streams: [LiveStream]
    private let index: [UInt32: Int]
    private var nextSequence: [UInt64]
    /// Accepted spike sets per stream in tick order (ticks strictly increase on a stream), from `heads[s]` on.
    private var queues: [[(tick: Int, neurons: [Int])]]
    private var heads: [Int]
    private(set) var counters: [LiveCounters.Input]
    private(set) var rejections: [SpikeRejection: Int] = [:]
    private(set) var unattributedMessages = 0
    private(set) var unattributedSpikes = 0

    init(_ streams: [LiveStream]) {
        self.streams = streams
        index = Dictionary(uniqueKeysWithValues: streams.enumerated().map { ($1.streamID, $0) })
        nextSequence = Array(repeating: 0, count: streams.count)
        queues = Array(repeating: [], count: streams.count)
        heads = Array(repeating: 0, count: streams.count)
        counters = streams.map { LiveCounters.Input(label: $0.label, streamId: $0.streamID) }
    }

    /// Takes one received message: queues its spikes or counts why not.
    mutating func take(_ frames: [[UInt8]]) {
        let parsed = SpikeMessage.parse(frames)
        let spikes = SpikeMessage.keyCount(frames)
        switch parsed {
        case .rejected(let reason, let header):
            if let header, let s = index[header.streamID] {
                counters[s].messages += 1
                counters[s].received += spikes
                reject(s, spikes, reason)
            } else {
                unattributed(spikes, reason)
            }
        case .message(let message):
            guard let s = index[message.header.streamID] else { return unattributed(spikes, .unknownStream) }
            counters[s].messages += 1
            counters[s].received += spikes
            if let reason = check(message, stream: s) { reject(s, spikes, reason) }
        }
    }

    /// Returns why `message` cannot be taken, or takes it (advancing the stream's sequence and
    /// watermark) and returns nil. A message whose only fault is a key out of range still advances
    /// them: its header is sound, its content is not.
    private mutating func check(_ message: SpikeMessage, stream s: Int) -> SpikeRejection? {
        let h = message.header, stream = streams[s]
        if message.topic != "in/" + stream.label { return .topicMismatch }
        if counters[s].ended { return .afterEndOfStream }
        if h.sequence < nextSequence[s] { return .sequenceRepeat }
        let tick = Int(clamping: h.tick)
        let ending = h.kind == SpikeMessageKind.endOfStream.rawValue
        if ending ? tick < counters[s].watermark : tick <= counters[s].watermark { return .tickInPast }
        counters[s].sequenceGaps += Int(clamping: h.sequence - nextSequence[s])
        nextSequence[s] = h.sequence == .max ? .max : h.sequence + 1
        counters[s].watermark = tick
        if ending {
            counters[s].ended = true
            return nil
        }
        guard let first = message.keys.first, let last = message.keys.last else { return nil }
        if !stream.contains(key: first) || !stream.contains(key: last) { return .keyOutOfRange }
        queues[s].append((tick, message.keys.map { Int($0 - stream.keyBase) }))
        counters[s].pending += message.keys.count
        return nil
    }

    private mutating func reject(_ s: Int, _ spikes: Int, _ reason: SpikeRejection) {
        counters[s].rejected += spikes
        rejections[reason, default: 0] += 1
    }

    private mutating func unattributed(_ spikes: Int, _ reason: SpikeRejection) {
        unattributedMessages += 1
        unattributedSpikes += spikes
        rejections[reason, default: 0] += 1
    }

    /// The first stream (by index) still open whose watermark is before `tick`, if any: lock-step
    /// may run `tick` when there is none.
    func firstIncomplete(at tick: Int) -> Int? {
        counters.indices.first { !counters[$0].ended && counters[$0].watermark < tick }
    }

    /// Hands over every queued spike of a tick up to `tick`: those of `tick` count as delivered,
    /// earlier ones as late. Streams in configuration order, one batch per stream that has spikes.
    mutating func handOver(tick: Int) -> [LiveInputBatch] {
        var batches: [LiveInputBatch] = []
        for s in queues.indices {
            var neurons: [Int] = []
            var sets = 0
            while heads[s] < queues[s].count, queues[s][heads[s]].tick <= tick {
                let set = queues[s][heads[s]]
                heads[s] += 1
                sets += 1
                neurons += set.neurons
                counters[s].pending -= set.neurons.count
                if set.tick == tick { counters[s].delivered += set.neurons.count } else { counters[s].late += set.neurons.count }
            }
            if heads[s] > 64 && heads[s] * 2 > queues[s].count {
                queues[s].removeFirst(heads[s])
                heads[s] = 0
            }
            if sets > 1 { neurons.sort() }
            if !neurons.isEmpty { batches.append(LiveInputBatch(stream: s, neurons: neurons)) }
        }
        return batches
    }

    /// Rejects every spike still queued (the run ended before their ticks), as `after_run_end`.
    mutating func rejectPending() {
        for s in queues.indices {
            for set in queues[s][heads[s]...] { reject(s, set.neurons.count, .afterRunEnd) }
            counters[s].pending = 0
            queues[s] = []
            heads[s] = 0
        }
    }
}
