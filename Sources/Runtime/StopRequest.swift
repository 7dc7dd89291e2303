#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A request to end a run at the next tick boundary: from SIGINT or SIGTERM (once
/// ``stopOnSignals()`` has routed them here), from a live client that vanished, or from a caller.
/// The run then flushes every file and writes its summary with `"complete": false`.
public final class StopRequest: @unchecked Sendable {
    private let flag = Atomic<Int32>(0)

    public init() {}

    /// Why a run stopped early.
    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        case signal(Int32)
        case requested(String)

        public var description: String {
            switch self {
            case .signal(SIGINT): return "interrupted (SIGINT)"
            case .signal(SIGTERM): return "terminated (SIGTERM)"
            case .signal(let s): return "stopped by signal \(s)"
            case .requested(let why): return why
            }
        }
    }

    private var requestedReason = ""

    /// Asks the run to stop, for `reason` (the first request wins).
    public func request(_ reason: String) {
        requestedReason = reason
        _ = flag.compareExchange(expected: 0, desired: -1, ordering: .releasing)
    }

    /// Whether a stop was asked for (by a caller, or by a signal routed here).
    @inline(__always)
    public var isRequested: Bool { flag.load(ordering: .relaxed) != 0 || signalReceived.load(ordering: .relaxed) != 0 }

    /// The reason, once requested.
    public var reason: Reason? {
        let signal = signalReceived.load(ordering: .acquiring)
        if signal != 0 { return .signal(signal) }
        return flag.load(ordering: .acquiring) != 0 ? .requested(requestedReason) : nil
    }

    /// Routes SIGINT and SIGTERM, for the rest of the process, to every stop request: the first
    /// one asks the run to stop at the next tick boundary; a second one ends the process at once.
    public static func stopOnSignals() {
        for s in [SIGINT, SIGTERM] {
            signal(s) { received in
                if signalReceived.exchange(received, ordering: .acquiringAndReleasing) != 0 { _exit(128 + received) }
            }
        }
    }
}

/// The signal the process received, 0 before any (set by the handler ``StopRequest/stopOnSignals()`` installs).
private let signalReceived = Atomic<Int32>(0)
