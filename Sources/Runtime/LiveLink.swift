import ChipSim
import Foundation

/// How a run meets its live clients (`simulate --live`, DESIGN §5.4, `docs/live-io.md`).
public struct LiveOptions: Sendable {
    /// The control (ROUTER), spikes-in (PULL) and spikes-out (PUB) endpoints; loopback by
    /// default (`tcp://127.0.0.1:5560`, `:5561`, `:5562`; port `*` picks a free one).
    public var control = "tcp://127.0.0.1:5560"
    public var spikesIn = "tcp://127.0.0.1:5561"
    public var spikesOut = "tcp://127.0.0.1:5562"
    /// Lock-step (default, deterministic) or free-run.
    public var mode: LiveMode = .lockStep
    /// Clients the run waits for before it starts. Default 1.
    public var clients = 1
    /// How long the run waits for its clients, and (lock-step) for a tick's input, s.
    /// Defaults 60 and 10.
    public var startTimeout = 60.0
    public var inputTimeout = 10.0
    /// CURVE keys, required to bind anything but loopback.
    public var curve: CurveServerSecurity?
    /// Called once the endpoints are bound (ports resolved), before the run waits for clients.
    public var onBound: (@Sendable (LiveEndpoints) -> Void)?

    public init() {}
}

/// A run's live I/O: the streams of its SpikeInjector and `live_output` populations, the
/// ``LiveIOServer`` that carries them, and the mapping between a stream's neurons and the cores
/// that hold them.
///
/// A stream's `key_base` is the chip key of its population's neuron 0; neuron i of the
/// population is key `key_base + i` on the wire, whichever core holds it.
final class LiveLink {
    let server: LiveIOServer
    private let image: ChipImage
    /// Input streams' populations and output streams' populations, in stream order.
    private let inputPopulations: [Int]
    private let outputPopulations: [Int]
    /// Inputs fetched and not yet handed to their cores: tick → population → neurons.
    private var fetched: [Int: [Int: [Int]]] = [:]
    private var nextTick = 0
    /// Why the run must stop, once the server said so (a tick's inputs never came, a client
    /// vanished or sent STOP, an interrupt).
    var stop: LiveStopReason? { unfed ?? server.stopReason }
    private var unfed: LiveStopReason?
    private var watchdog: DispatchSourceTimer?

    /// Binds the endpoints and waits for the clients (``LiveOptions/clients``). `stop` is
    /// polled so that a signal interrupts a wait for input.
    init(image: ChipImage, options: LiveOptions, ticks: Int, stop request: StopRequest?) throws {
        self.image = image
        let injectors = image.populations.indices.filter { image.populations[$0].model == .spikeInjector }
        let outputs = image.populations.indices.filter { image.populations[$0].liveOutput }
        inputPopulations = injectors
        outputPopulations = outputs
        func stream(_ p: Int, id: Int) -> LiveStream {
            let pop = image.populations[p]
            return LiveStream(label: pop.name, streamID: UInt32(id), keyBase: image.cores[pop.cores[0]].keyBase, size: pop.size)
        }
        var configuration = LiveIOConfiguration(
            inputs: injectors.enumerated().map { stream($1, id: $0 + 1) },
            outputs: outputs.enumerated().map { stream($1, id: injectors.count + $0 + 1) },
            dtNs: UInt64((image.network.timestepMs * 1e6).rounded()), mode: options.mode)
        configuration.controlEndpoint = options.control
        configuration.spikesInEndpoint = options.spikesIn
        configuration.spikesOutEndpoint = options.spikesOut
        configuration.ticks = ticks
        configuration.clients = options.clients
        configuration.startTimeout = options.startTimeout
        configuration.inputTimeout = options.inputTimeout
        configuration.curve = options.curve
        do {
            server = try LiveIOServer(configuration)
        } catch {
            throw RunError("live I/O: \(error)")
        }
        options.onBound?(server.endpoints)
        if let request {
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now(), repeating: .milliseconds(50))
            let server = self.server
            timer.setEventHandler { if request.isRequested { server.interrupt() } }
            timer.resume()
            watchdog = timer
        }
        do {
            try server.start()
        } catch {
            server.finish(complete: false, ticks: 0)
            watchdog?.cancel()
            throw RunError("\(error)")
        }
    }

    deinit {
        watchdog?.cancel()
    }

    /// Whether the image has live streams at all.
    static func hasStreams(_ image: ChipImage) -> Bool {
        image.populations.contains { $0.model == .spikeInjector || $0.liveOutput }
    }

    /// Fetches the inputs of every tick up to `tick` (lock-step: waiting for them); false when
    /// the run must stop instead.
    private func fetch(through tick: Int) -> Bool {
        while unfed == nil, nextTick <= tick {
            switch server.inputs(forTick: nextTick) {
            case .stop(let reason):
                unfed = reason
            case .spikes(let batches):
                var byPopulation: [Int: [Int]] = [:]
                for batch in batches { byPopulation[inputPopulations[batch.stream], default: []] += batch.neurons }
                fetched[nextTick] = byPopulation
                nextTick += 1
            }
        }
        return unfed == nil
    }

    /// Gives injector core `c` its spikes of `tick` (fetching them first if need be); false when
    /// the run must stop instead.
    @discardableResult
    func inject(core c: Int, tick: Int, into core: NeuronCore) -> Bool {
        guard fetch(through: tick) else { return false }
        let info = image.cores[c]
        guard let neurons = fetched[tick]?[info.population] else { return true }
        let range = info.firstNeuron..<(info.firstNeuron + info.neuronCount)
        core.injected = neurons.filter { range.contains($0) }.map { UInt16($0 - info.firstNeuron) }
        return true
    }

    /// Gives every injector core among `cores` its spikes of `tick`; false when the run must
    /// stop instead.
    func injectAll(tick: Int, cores: [NeuronCore]) -> Bool {
        guard fetch(through: tick) else { return false }
        for p in inputPopulations {
            for c in image.populations[p].cores { inject(core: c, tick: tick, into: cores[c]) }
        }
        return true
    }

    /// Publishes the tick's spikes of every `live_output` population, and forgets the tick's
    /// inputs.
    func publish(tick: Int, spikes: TickSpikes) {
        fetched[tick] = nil
        for (s, p) in outputPopulations.enumerated() {
            var neurons: [Int] = []
            for c in image.populations[p].cores {
                let first = image.cores[c].firstNeuron
                for n in spikes.spikes(core: c) { neurons.append(first + Int(n)) }
            }
            neurons.sort()
            server.publish(tick: tick, stream: s, neurons: neurons)
        }
    }

    /// Ends live I/O and returns its counters.
    func finish(complete: Bool, ticks: Int) -> LiveCounters {
        watchdog?.cancel()
        return server.finish(complete: complete, ticks: ticks)
    }
}
