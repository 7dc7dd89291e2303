/// The live spike wire format, version 1.0 (DESIGN §5.4; `docs/live-io.md`): one multipart
/// message per stream per tick, frames topic, 40-byte little-endian header, keys.
public enum SpikeWire {
    /// "NSPK" as bytes, read as a little-endian u32.
    public static let magic: UInt32 = 0x4B50534E
    /// major << 8 | minor.
    public static let version: UInt16 = 0x0100
    public static let headerSize = 40
    /// The control protocol spoken in HELLO.
    public static let controlProtocol = "neurite-spikes/1"
}

/// What a message is: `kind` byte 1 carries spikes (or, with no keys, a watermark); 2 closes the stream.
public enum SpikeMessageKind: UInt8, Sendable {
    case spikes = 1
    case endOfStream = 2
}

/// Frame 1 of a spike message, 40 bytes little-endian.
public struct SpikeHeader: Equatable, Sendable {
    /// major << 8 | minor; this reader takes major 1 and any minor.
    public var version: UInt16
    /// The raw kind byte (``SpikeMessageKind``).
    public var kind: UInt8
    /// Unused in 1.0 (send 0); readers ignore bits they do not know.
    public var flags: UInt8
    public var streamID: UInt32
    /// Per stream: 0 for the first message, +1 per message.
    public var sequence: UInt64
    /// Simulation step the message is for.
    public var tick: UInt64
    /// Number of keys in frame 2.
    public var count: UInt32
    /// When the sender sent it, Unix time in ns; 0 if unused.
    public var sentNs: UInt64

    public init(version: UInt16 = SpikeWire.version, kind: SpikeMessageKind, flags: UInt8 = 0, streamID: UInt32, sequence: UInt64,
                tick: UInt64, count: UInt32, sentNs: UInt64 = 0) {
        self.version = version
        self.kind = kind.rawValue
        self.flags = flags
        self.streamID = streamID
        self.sequence = sequence
        self.tick = tick
        self.count = count
        self.sentNs = sentNs
    }

    /// The 40 bytes: magic, version, kind, flags, stream id, sequence, tick, count, sent time.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(SpikeWire.headerSize)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        put(SpikeWire.magic)
        put(version)
        put(kind)
        put(flags)
        put(streamID)
        put(sequence)
        put(tick)
        put(count)
        put(sentNs)
        return bytes
    }

    /// Reads a header, or says why `bytes` is not one this reader trusts.
    static func decode(_ bytes: [UInt8]) -> Result<SpikeHeader, SpikeRejection> {
        guard bytes.count == SpikeWire.headerSize else { return .failure(.badHeaderSize) }
        func get<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        }
        guard get(0, UInt32.self) == SpikeWire.magic else { return .failure(.badMagic) }
        let version = get(4, UInt16.self)
        guard version >> 8 == SpikeWire.version >> 8 else { return .failure(.unsupportedVersion) }
        var header = SpikeHeader(version: version, kind: .spikes, flags: get(7, UInt8.self), streamID: get(8, UInt32.self),
                                 sequence: get(12, UInt64.self), tick: get(20, UInt64.self), count: get(28, UInt32.self),
                                 sentNs: get(32, UInt64.self))
        header.kind = get(6, UInt8.self)
        return .success(header)
    }
}

/// Why a spike message was not taken (the names are those of the counters in `docs/live-io.md`).
public enum SpikeRejection: String, CaseIterable, Codable, Error, Sendable {
    /// Fewer than three frames.
    case missingFrames = "missing_frames"
    /// More than three frames in a version 1.0 message (later minors may add trailing frames).
    case extraFrames = "extra_frames"
    /// Frame 1 is not 40 bytes.
    case badHeaderSize = "bad_header_size"
    case badMagic = "bad_magic"
    /// A major version other than 1.
    case unsupportedVersion = "unsupported_version"
    /// A kind byte other than 1 or 2.
    case unknownKind = "unknown_kind"
    /// Frame 2 is not `count` × 4 bytes.
    case countMismatch = "count_mismatch"
    /// An end of stream that carries keys.
    case endOfStreamWithKeys = "end_of_stream_with_keys"
    /// Keys not strictly ascending (a repeat included).
    case keysNotAscending = "keys_not_ascending"
    /// A stream id that is not one of the simulator's input streams.
    case unknownStream = "unknown_stream"
    /// Frame 0 is not `in/<label>` of the stream the header names.
    case topicMismatch = "topic_mismatch"
    /// A key outside the stream's key_base ..< key_base + size.
    case keyOutOfRange = "key_out_of_range"
    /// A sequence number at or below one already taken on the stream.
    case sequenceRepeat = "sequence_repeat"
    /// A tick at or before the stream's watermark (the stream already said it was done with it).
    case tickInPast = "tick_in_past"
    /// A message on a stream after its end of stream.
    case afterEndOfStream = "after_end_of_stream"
    /// Accepted spikes for ticks the run never reached (counted when the run finishes).
    case afterRunEnd = "after_run_end"
}

/// A spike message: topic, header, keys.
public struct SpikeMessage: Equatable, Sendable {
    public var topic: String
    public var header: SpikeHeader
    public var keys: [UInt32]

    public init(topic: String, header: SpikeHeader, keys: [UInt32]) {
        self.topic = topic
        self.header = header
        self.keys = keys
    }

    /// The three frames on the wire.
    public func frames() -> [[UInt8]] {
        var keyBytes = [UInt8](repeating: 0, count: keys.count * 4)
        keyBytes.withUnsafeMutableBytes { out in
            for (i, key) in keys.enumerated() { out.storeBytes(of: key.littleEndian, toByteOffset: i * 4, as: UInt32.self) }
        }
        return [Array(topic.utf8), header.encoded(), keyBytes]
    }

    /// Whole keys in frame 2 of a message, however malformed: what a rejected message counts as.
    static func keyCount(_ frames: [[UInt8]]) -> Int { frames.count > 2 ? frames[2].count / 4 : 0 }

    /// Reads a message without any stream's state: never traps, whatever `frames` hold. A
    /// rejection comes with the header when the header itself could be trusted. With
    /// `repeats`, a key may follow an equal one (a boundary batch carries a neuron that spiked
    /// more than once in a tick); keys must still not descend.
    public static func parse(_ frames: [[UInt8]], repeats: Bool = false) -> SpikeParse {
        guard frames.count >= 2 else { return .rejected(.missingFrames, header: nil) }
        let header: SpikeHeader
        switch SpikeHeader.decode(frames[1]) {
        case .failure(let reason): return .rejected(reason, header: nil)
        case .success(let h): header = h
        }
        guard frames.count >= 3 else { return .rejected(.missingFrames, header: header) }
        if frames.count > 3 && header.version & 0xFF == 0 { return .rejected(.extraFrames, header: header) }
        guard let kind = SpikeMessageKind(rawValue: header.kind) else { return .rejected(.unknownKind, header: header) }
        let keyBytes = frames[2]
        guard keyBytes.count == Int(header.count) * 4 else { return .rejected(.countMismatch, header: header) }
        if kind == .endOfStream && header.count != 0 { return .rejected(.endOfStreamWithKeys, header: header) }
        var keys = [UInt32](repeating: 0, count: Int(header.count))
        var ascending = true
        keyBytes.withUnsafeBytes { raw in
            for i in keys.indices {
                keys[i] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
                if i > 0 && (keys[i] < keys[i - 1] || (!repeats && keys[i] == keys[i - 1])) { ascending = false }
            }
        }
        guard ascending else { return .rejected(.keysNotAscending, header: header) }
        return .message(SpikeMessage(topic: String(decoding: frames[0], as: UTF8.self), header: header, keys: keys))
    }
}

/// The stateless reading of a spike message.
public enum SpikeParse: Equatable, Sendable {
    case message(SpikeMessage)
    /// Rejected; `header` is there when it could be read and trusted (so the rejection can be
    /// charged to its stream).
    case rejected(SpikeRejection, header: SpikeHeader?)
}
