import ChipSim
import CZeroMQ
import Foundation

/// How a run is split across processes (`simulate --partitions N`, `--workers`).
public struct PartitionOptions: Sendable {
    /// Processes in all, this one included (≥ 2).
    public var ranks: Int
    /// Workers already listening (`neurite worker --listen EP`), one per rank after 0; empty:
    /// start `ranks − 1` workers on this host.
    public var workers: [String] = []
    /// The `neurite` executable that local workers run.
    public var executable: String?
    /// CURVE: this process's key pair and each worker's public key (in `workers` order), for
    /// workers beyond loopback.
    public var keys: CurveKeyPair?
    public var workerKeys: [String] = []
    /// Where this process binds its boundary endpoint (port `*`: any free one), an address the
    /// workers reach it at. Default `tcp://127.0.0.1:*`.
    public var boundary = "tcp://127.0.0.1:*"

    public init(ranks: Int) {
        self.ranks = ranks
    }
}

/// Rank 0 of a split run: starts or reaches the workers, hands each its job (the image and the
/// run's settings), tells every rank where the others are, runs its own share of the cores, and
/// gathers the workers' counters at the end (``PartitionMessage``).
final class PartitionCoordinator {
    let rank: PartitionRank
    private let context: ZMQContext
    private var controls: [ZMQSocket] = []
    private var processes: [Process] = []
    private let workerEndpoints: [String]

    init(image: ChipImage, settings: CoreSettings, ticks: Int, options: PartitionOptions) throws {
        let context = try ZMQContext()
        self.context = context
        var endpoints = options.workers
        var processes: [Process] = []
        do {
            if endpoints.isEmpty {
                guard let executable = options.executable else { throw RunError("--partitions needs the neurite executable to start workers") }
                for _ in 1..<options.ranks {
                    let (process, endpoint) = try Self.startWorker(executable)
                    processes.append(process)
                    endpoints.append(endpoint)
                }
            }
            guard endpoints.count == options.ranks - 1 else {
                throw RunError("\(options.ranks) partitions need \(options.ranks - 1) workers, found \(endpoints.count)")
            }
            if options.keys != nil, options.workerKeys.count != endpoints.count {
                throw RunError("CURVE: \(endpoints.count) workers need \(endpoints.count) public keys (--worker-key), found \(options.workerKeys.count)")
            }
            workerEndpoints = endpoints
            self.processes = processes
            let imageBytes = ChipImageCodec.encode(image)
            let publicKeys = options.keys.map { [$0.publicKey] + options.workerKeys }
            var boundaries = [String](repeating: "", count: options.ranks)
            for (w, endpoint) in endpoints.enumerated() {
                let socket = try ZMQSocket(context, .req, lingerMs: 1000)
                try socket.set(ZMQ_SNDTIMEO, Int32(60_000))
                try socket.set(ZMQ_RCVTIMEO, Int32(120_000))
                if let keys = options.keys { try CurveClientSecurity(keys: keys, serverPublicKey: options.workerKeys[w]).apply(to: socket) }
                try socket.connect(endpoint)
                controls.append(socket)
                let job = PartitionJob(rank: w + 1, ranks: options.ranks, ticks: ticks, arithmetic: settings.arithmetic.rawValue,
                                       stepConvention: settings.stepConvention.rawValue, timeScaleFactor: settings.timeScaleFactor,
                                       kernels: settings.kernels.rawValue, publicKeys: publicKeys)
                let ready: PartitionReady = try Self.ask(socket, PartitionMessage.frames(PartitionMessage.job, job, extra: imageBytes),
                                                         expect: PartitionMessage.ready, from: "worker \(endpoint)")
                boundaries[w + 1] = ready.reachable(via: endpoint)
            }
            let exchange = try BoundaryExchange(rank: 0, listen: options.boundary,
                                                security: options.keys.map { BoundarySecurity(keys: $0, peerPublicKeys: publicKeys!) })
            boundaries[0] = exchange.endpoint
            rank = PartitionRank(image: image, settings: settings, rank: 0, ranks: options.ranks, exchange: exchange)
            let peers = boundaries
            for (w, socket) in controls.enumerated() {
                let _: PartitionError = try Self.ask(socket, PartitionMessage.frames(PartitionMessage.peers, PartitionPeers(endpoints: peers)),
                                                     expect: PartitionMessage.running, from: "worker \(endpoints[w])")
            }
            try exchange.connect(peers: peers)
        } catch {
            for socket in controls { socket.close() }
            for p in processes where p.isRunning { p.terminate() }
            throw error is RunError ? error : RunError("partitions: \(error)")
        }
    }

    /// Asks a worker and reads its answer.
    private static func ask<T: Decodable>(_ socket: ZMQSocket, _ frames: [[UInt8]], expect: String, from peer: String) throws -> T {
        guard try socket.send(frames) else { throw RunError("\(peer) took no message for 60 s") }
        guard let answer = try socket.receive(maxFrames: 3) else { throw RunError("\(peer) did not answer within 120 s") }
        return try PartitionMessage.decode(answer, as: expect, T.self, from: peer)
    }

    /// Starts `neurite worker` on loopback and reads the endpoint it bound.
    private static func startWorker(_ executable: String) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["worker", "--listen", "tcp://127.0.0.1:*", "--job-timeout", "120"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, let endpoint = line.split(separator: " ").last, line.hasPrefix("worker: listening on") else {
            process.terminate()
            throw RunError("a local worker did not start: \(text)")
        }
        return (process, String(endpoint))
    }

    /// After the run: every worker's counters, by core, and how its run ended.
    func collect() throws -> (counters: [Int: CoreCounters], endings: [String]) {
        var counters: [Int: CoreCounters] = [:], endings: [String] = []
        for (w, socket) in controls.enumerated() {
            let done: PartitionDone = try Self.ask(socket, PartitionMessage.frames(PartitionMessage.results, PartitionError(message: "")),
                                                   expect: PartitionMessage.done, from: "worker \(workerEndpoints[w])")
            for (k, c) in done.counters.enumerated() { counters[done.firstCore + k] = c }
            endings.append(done.ending)
        }
        return (counters, endings)
    }

    /// Closes the sockets and waits for local workers to exit.
    func close() {
        rank.exchange.close()
        for socket in controls { socket.close() }
        for p in processes { p.waitUntilExit() }
    }
}
