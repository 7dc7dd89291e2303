import ChipSim
import Foundation

/// The control conversation between the process that runs a split run (rank 0) and each worker
/// (`neurite worker`), over a REQ (rank 0) / REP (worker) pair; each message is the frames
/// `[type, JSON]`, a job adding the image's bytes as a third:
///
/// 1. `JOB` (rank 0 → worker): ``PartitionJob`` and the chip image; the worker loads it and binds
///    its boundary endpoint, and answers `READY` (``PartitionReady``).
/// 2. `PEERS`: every rank's boundary endpoint (``PartitionPeers``); the worker connects and
///    answers `RUNNING`, then runs its ticks, exchanging each tick's spikes with every rank.
/// 3. `RESULTS`: the worker answers `DONE` (``PartitionDone``) once its run has ended.
///
/// A worker that cannot go on answers `ERROR` with a message.
enum PartitionMessage {
    static let job = "JOB", ready = "READY", peers = "PEERS", running = "RUNNING", results = "RESULTS", done = "DONE", error = "ERROR"

    static func frames<T: Encodable>(_ type: String, _ body: T, extra: [UInt8]? = nil) -> [[UInt8]] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return [Array(type.utf8), Array(try! encoder.encode(body))] + (extra.map { [$0] } ?? [])
    }

    /// The body of a message of type `type`, or an error that says what came instead.
    static func decode<T: Decodable>(_ frames: [[UInt8]], as type: String, _: T.Type, from peer: String) throws -> T {
        guard frames.count >= 2 else { throw LiveIOError("\(peer) sent a message of \(frames.count) frames") }
        let got = String(decoding: frames[0], as: UTF8.self)
        if got == error, let message = try? decoder.decode(PartitionError.self, from: Data(frames[1])) {
            throw LiveIOError("\(peer): \(message.message)")
        }
        guard got == type else { throw LiveIOError("\(peer) sent \(got.prefix(20)), expected \(type)") }
        do { return try decoder.decode(T.self, from: Data(frames[1])) } catch {
            throw LiveIOError("\(peer) sent a \(type) that does not read: \(error)")
        }
    }

    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }()
}

/// What a worker is asked to run: its rank among `ranks`, and the run's settings.
struct PartitionJob: Codable, Equatable {
    var rank: Int
    var ranks: Int
    var ticks: Int
    var arithmetic: String
    var stepConvention: String
    var timeScaleFactor: Double
    var kernels: String
    /// With CURVE: every rank's public key, this worker's at its rank.
    var publicKeys: [String]?
}

/// A worker's answer to a job: its boundary endpoint, bound on the host of its control
/// endpoint with a free port (a wildcard host is replaced by the address rank 0 reached it at).
struct PartitionReady: Codable, Equatable {
    var boundary: String
}

extension PartitionReady {
    /// The boundary endpoint as rank 0 connects to it, having reached the worker at `control`.
    func reachable(via control: String) -> String {
        guard boundary.hasPrefix("tcp://"), control.hasPrefix("tcp://"),
              let port = boundary.lastIndex(of: ":"), let controlPort = control.lastIndex(of: ":") else { return boundary }
        let host = boundary[boundary.index(boundary.startIndex, offsetBy: 6)..<port]
        guard host == "0.0.0.0" || host == "*" || host == "[::]" else { return boundary }
        return String(control[..<controlPort]) + String(boundary[port...])
    }
}

/// Every rank's boundary endpoint.
struct PartitionPeers: Codable, Equatable {
    var endpoints: [String]
}

/// How a worker's run ended, with its cores' counters.
struct PartitionDone: Codable, Equatable {
    var ticks: Int
    /// `complete`, or why not.
    var ending: String
    /// Its cores (the first is `firstCore`) and their counters.
    var firstCore: Int
    var counters: [CoreCounters]
}

struct PartitionError: Codable, Equatable {
    var message: String
}

extension PartitionJob {
    /// The core settings the job runs with, or why they do not read.
    func settings() throws -> CoreSettings {
        guard let arithmetic = Arithmetic(rawValue: arithmetic), let convention = StepConvention(rawValue: stepConvention),
              let kernels = KernelSet(rawValue: kernels) else {
            throw LiveIOError("a job with unknown settings (\(arithmetic), \(stepConvention), \(kernels))")
        }
        if let why = kernels.unsupportedReason { throw LiveIOError("on this worker, \(why)") }
        return CoreSettings(arithmetic: arithmetic, stepConvention: convention, timeScaleFactor: timeScaleFactor, kernels: kernels)
    }
}
