import Foundation

/// A stream as WELCOME describes it to clients.
public struct LiveStreamInfo: Equatable, Sendable {
    /// Who sends a stream's spikes.
    public enum Direction: String, Sendable {
        /// Clients send on it (`in/<label>`).
        case input = "in"
        /// The simulator publishes it (`out/<label>`).
        case output = "out"
    }

    public var stream: LiveStream
    public var direction: Direction

    public init(_ stream: LiveStream, _ direction: Direction) {
        self.stream = stream
        self.direction = direction
    }

    /// `in/<label>` or `out/<label>`.
    public var topic: String { "\(direction.rawValue)/\(stream.label)" }
}

/// What WELCOME tells a client.
public struct LiveWelcome: Equatable, Sendable {
    /// The time step, ns.
    public var dtNs: UInt64
    public var mode: LiveMode
    /// Ticks the run will do, if known.
    public var ticks: Int?
    public var streams: [LiveStreamInfo]
}

/// One message of the control channel (a JSON object with a `"type"`), ROUTER (simulator) ↔
/// DEALER (client); `docs/live-io.md` lists the fields.
public enum ControlMessage: Equatable, Sendable {
    /// Client → simulator: the protocol the client speaks (``SpikeWire/controlProtocol``).
    case hello(protocolName: String)
    /// Simulator → client: the time step and the streams.
    case welcome(LiveWelcome)
    /// Client → simulator: subscribed and ready; `subscriptions` lists the exact SUB prefixes set,
    /// and START waits until each has reached the simulator.
    case ready(subscriptions: [String])
    /// Simulator → client: the run begins at `tick`.
    case start(tick: Int)
    /// Simulator → client: the run is over (`complete` false if it stopped early) after `ticks`
    /// ticks. Client → simulator (both nil): please stop.
    case stop(complete: Bool?, ticks: Int?)
    /// Either way: what was wrong.
    case error(message: String)

    /// The JSON text, keys sorted.
    public func encoded() -> [UInt8] {
        var object: [String: Any]
        switch self {
        case .hello(let name): object = ["type": "HELLO", "protocol": name]
        case .welcome(let w):
            object = ["type": "WELCOME", "dt_ns": w.dtNs, "mode": w.mode.rawValue,
                      "streams": w.streams.map { info -> [String: Any] in
                          ["label": info.stream.label, "stream_id": info.stream.streamID, "direction": info.direction.rawValue,
                           "key_base": info.stream.keyBase, "size": info.stream.size]
                      }]
            if let ticks = w.ticks { object["ticks"] = ticks }
        case .ready(let subscriptions): object = ["type": "READY", "subscriptions": subscriptions]
        case .start(let tick): object = ["type": "START", "tick": tick]
        case .stop(let complete, let ticks):
            object = ["type": "STOP"]
            if let complete { object["complete"] = complete }
            if let ticks { object["ticks"] = ticks }
        case .error(let message): object = ["type": "ERROR", "message": message]
        }
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// Reads a control message; any bytes at all give a message or a description of what is wrong.
    public static func decode(_ bytes: [UInt8]) -> Result<ControlMessage, LiveIOError> {
        guard let any = try? JSONSerialization.jsonObject(with: Data(bytes)), let object = any as? [String: Any] else {
            return .failure(LiveIOError("not a JSON object"))
        }
        guard let type = object["type"] as? String else { return .failure(LiveIOError("no \"type\" string")) }
        let fields = Fields(object: object, type: type)
        do {
            switch type {
            case "HELLO": return .success(.hello(protocolName: try fields.string("protocol")))
            case "WELCOME":
                guard let list = object["streams"] as? [[String: Any]] else {
                    throw LiveIOError("WELCOME: \"streams\" is not a list of objects")
                }
                let streams = try list.map { entry -> LiveStreamInfo in
                    let f = Fields(object: entry, type: "WELCOME stream")
                    guard let direction = LiveStreamInfo.Direction(rawValue: try f.string("direction")) else {
                        throw LiveIOError("WELCOME stream: \"direction\" is neither \"in\" nor \"out\"")
                    }
                    let stream = LiveStream(label: try f.string("label"), streamID: try f.integer("stream_id"),
                                            keyBase: try f.integer("key_base"), size: try f.integer("size"))
                    return LiveStreamInfo(stream, direction)
                }
                guard let mode = LiveMode(rawValue: try fields.string("mode")) else { throw LiveIOError("WELCOME: unknown \"mode\"") }
                let ticks: Int? = object["ticks"] == nil ? nil : try fields.integer("ticks")
                return .success(.welcome(LiveWelcome(dtNs: try fields.integer("dt_ns"), mode: mode, ticks: ticks, streams: streams)))
            case "READY":
                guard object["subscriptions"] != nil else { return .success(.ready(subscriptions: [])) }
                guard let subscriptions = object["subscriptions"] as? [String] else {
                    throw LiveIOError("READY: \"subscriptions\" is not a list of strings")
                }
                return .success(.ready(subscriptions: subscriptions))
            case "START": return .success(.start(tick: try fields.integer("tick")))
            case "STOP":
                let ticks: Int? = object["ticks"] == nil ? nil : try fields.integer("ticks")
                return .success(.stop(complete: object["complete"] as? Bool, ticks: ticks))
            case "ERROR": return .success(.error(message: try fields.string("message")))
            default: return .failure(LiveIOError("unknown type \"\(type.prefix(40))\""))
            }
        } catch let error as LiveIOError {
            return .failure(error)
        } catch {
            return .failure(LiveIOError("\(error)"))
        }
    }
}

/// Typed fields of a decoded JSON object, with messages that name the field.
private struct Fields {
    let object: [String: Any]
    let type: String

    func string(_ key: String) throws -> String {
        guard let value = object[key] as? String else { throw LiveIOError("\(type): \"\(key)\" is not a string") }
        return value
    }

    /// A JSON number that is a whole number representable as `T`.
    func integer<T: FixedWidthInteger>(_ key: String) throws -> T {
        let fail = LiveIOError("\(type): \"\(key)\" is not a whole number in range")
        guard let number = object[key] as? NSNumber else { throw fail }
        let d = number.doubleValue
        guard d.rounded() == d, d > -9.2e18, d < 1.8e19 else { throw fail }
        guard let value = d < 0 ? T(exactly: number.int64Value) : T(exactly: number.uint64Value) else { throw fail }
        return value
    }
}
