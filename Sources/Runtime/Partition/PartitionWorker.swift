import ChipSim
import CZeroMQ
import Foundation

/// A worker of a run split across processes or hosts (`neurite worker --listen EP`, DESIGN
/// §5.5): it serves one job from rank 0 (``PartitionMessage``) and runs its share of the cores.
public enum PartitionWorker {
    /// Binds `listen` (loopback or `ipc://` unless `curve` is given; then it lets in the keys
    /// `curve` allows), calls `onBound` with the endpoint, serves one job and returns how the run
    /// ended. `jobTimeout` bounds the wait for a job, s.
    public static func serve(listen: String, curve: CurveServerSecurity?, jobTimeout: Double = 600,
                             onBound: (String) -> Void) throws -> String {
        try EndpointPolicy.checkBind(listen, secured: curve != nil, role: "worker")
        let context = try ZMQContext()
        let zap = try curve.map { try ZAPHandler(context, allowedClientKeys: $0.allowedClientKeys) }
        let control = try ZMQSocket(context, .rep, lingerMs: 2000)
        try curve?.apply(to: control)
        defer {
            zap?.close()
            control.close()
        }
        let endpoint = try control.bind(listen)
        onBound(endpoint)
        func receive(_ what: String, timeout: Double) throws -> [[UInt8]] {
            let deadline = Date(timeIntervalSinceNow: timeout)
            var poller = ZMQPoller()
            let iControl = poller.add(control)
            let iZap = zap.map { $0.add(to: &poller) }
            while true {
                let remaining = deadline.timeIntervalSinceNow
                guard remaining > 0 else { throw LiveIOError("worker: no \(what) from rank 0 within \(timeout) s") }
                let ready = try poller.poll(timeoutMs: Int((min(remaining, 1) * 1000).rounded(.up)))
                if let iZap, ready[iZap] { try zap?.handleRequests() }
                if ready[iControl], let frames = try control.receive(wait: false, maxFrames: 3) { return frames }
            }
        }
        func reply(_ frames: [[UInt8]]) throws {
            guard try control.send(frames) else { throw LiveIOError("worker: rank 0 took no reply") }
        }
        func refuse(_ error: Error) -> Error {
            _ = try? control.send(PartitionMessage.frames(PartitionMessage.error, PartitionError(message: "\(error)")))
            return error
        }

        let jobFrames = try receive("job", timeout: jobTimeout)
        let job: PartitionJob, image: ChipImage, settings: CoreSettings
        do {
            job = try PartitionMessage.decode(jobFrames, as: PartitionMessage.job, PartitionJob.self, from: "rank 0")
            guard jobFrames.count == 3 else { throw LiveIOError("a job without an image") }
            image = try ChipImageCodec.decode(jobFrames[2])
            settings = try job.settings()
            guard job.ranks >= 2, (1..<job.ranks).contains(job.rank), job.ticks >= 0 else {
                throw LiveIOError("a job for rank \(job.rank) of \(job.ranks)")
            }
            if let problem = PartitionRank.problem(image, ranks: job.ranks) { throw LiveIOError(problem) }
        } catch {
            throw refuse(error)
        }
        let boundaryListen = listen.hasPrefix("tcp://") ? String(listen[..<listen.lastIndex(of: ":")!]) + ":*" : listen + "-boundary"
        let security = try curve.map { c -> BoundarySecurity in
            guard let keys = job.publicKeys, keys.count == job.ranks else { throw refuse(LiveIOError("a CURVE job without every rank's key")) }
            return BoundarySecurity(keys: c.keys, peerPublicKeys: keys)
        }
        let exchange: BoundaryExchange
        do { exchange = try BoundaryExchange(rank: job.rank, listen: boundaryListen, security: security) } catch { throw refuse(error) }
        defer { exchange.close() }
        let rank = PartitionRank(image: image, settings: settings, rank: job.rank, ranks: job.ranks, exchange: exchange)
        try reply(PartitionMessage.frames(PartitionMessage.ready, PartitionReady(boundary: exchange.endpoint)))
        let peers = try PartitionMessage.decode(try receive("peers", timeout: 60), as: PartitionMessage.peers, PartitionPeers.self, from: "rank 0")
        do { try exchange.connect(peers: peers.endpoints) } catch { throw refuse(error) }
        try reply(PartitionMessage.frames(PartitionMessage.running, PartitionError(message: "")))

        var ticks = 0, ending = "complete"
        do {
            while ticks < job.ticks {
                let flags = try rank.run(tick: ticks, flags: 0)
                ticks += 1
                if flags & BoundaryExchange.endAfterTick != 0 {
                    ending = "stopped by rank 0"
                    break
                }
            }
        } catch {
            ending = "failed: \(error)"
        }
        _ = try receive("results request", timeout: 3600)
        rank.engine.finishCounters()
        let done = PartitionDone(ticks: ticks, ending: ending, firstCore: rank.cores.lowerBound,
                                 counters: rank.cores.map { rank.engine.cores[$0].counters })
        try reply(PartitionMessage.frames(PartitionMessage.done, done))
        return "rank \(job.rank) of \(job.ranks): \(ticks) ticks, \(ending)"
    }
}
