import ArgumentParser
import Foundation
import Runtime

/// `neurite worker --listen EP`: serves one share of a run split across hosts (DESIGN §5.5).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve one share of a run split across processes or hosts (simulate --workers).",
        discussion: """
            Binds EP and waits for one job from `neurite simulate … --workers EP,…`: the chip image and the run's settings. \
            It runs its share of the cores, exchanging each tick's spikes with the other processes over ZeroMQ TCP, then \
            exits. Beyond loopback, give it a key pair (--curve-keys) and the public key of the simulate process \
            (--allow-client); the simulate process gets this worker's public key (--worker-key).
            """)

    @Option(help: "Endpoint to listen on, e.g. tcp://10.0.0.2:7000 (port * picks a free one).")
    var listen: String

    @Option(name: .customLong("curve-keys"), help: "CURVE key pair BASE.pub/BASE.key (neurite keygen), required beyond loopback.")
    var curveKeys: String?

    @Option(name: .customLong("allow-client"), help: "Public key file of a process allowed in (the simulate process, and under CURVE every other worker); repeat for each.")
    var allowClient: [String] = []

    @Option(name: .customLong("job-timeout"), parsing: .unconditional, help: "Seconds to wait for a job.")
    var jobTimeout = 600.0

    func validate() throws {
        guard jobTimeout > 0 && jobTimeout <= 86_400 else { throw ValidationError("--job-timeout must be > 0 and ≤ 86400 s, found \(jobTimeout)") }
        if curveKeys == nil, !allowClient.isEmpty { throw ValidationError("--allow-client needs --curve-keys") }
    }

    func run() throws {
        let curve: CurveServerSecurity?
        do {
            curve = try curveKeys.map { CurveServerSecurity(keys: try CurveKeyPair.read(from: $0), allowedClientKeys: try allowClient.map(CurveKeyPair.readKeyFile)) }
        } catch let e as LiveIOError {
            throw InputError(message: e.description)
        }
        do {
            let outcome = try PartitionWorker.serve(listen: listen, curve: curve, jobTimeout: jobTimeout) { endpoint in
                print("worker: listening on \(endpoint)")
                fflush(stdout)
            }
            print("worker: \(outcome)")
        } catch let e as LiveIOError {
            throw RunError(e.description)
        }
    }
}
