import ChipSim
import Foundation

/// What happens between a run's ticks, whichever engine runs them. Before tick t: a stop
/// request ends the run, live inputs are handed to the SpikeInjector cores (in lock-step mode
/// after waiting for them), the traces of t are sampled. After tick t: its spikes are counted,
/// recorded and published to live clients, and the progress line moves on.
///
/// One thread calls it at a time (worker 0 between barriers, or the cycle engine's loop).
final class TickBoundary {
    let recorder: Recorder
    var tally: TrafficTally
    let live: LiveLink?
    private let stop: StopRequest?
    private let progress: ProgressLine?
    private let routes: PacketRoutes

    init(recorder: Recorder, cores: Int, routes: PacketRoutes, live: LiveLink?, stop: StopRequest?, progress: ProgressLine?) {
        self.recorder = recorder
        tally = TrafficTally(cores: cores)
        self.live = live
        self.stop = stop
        self.progress = progress
        self.routes = routes
    }

    /// How the run ends before `tick` if it must (a stop request, a live run told to stop).
    func ending(before tick: Int) -> RunEnding? {
        if let stop, stop.isRequested { return .stopped(stop.reason?.description ?? "stopped") }
        if let reason = live?.stop { return .stopped(reason.description) }
        return nil
    }

    /// Before `tick` of an engine whose cores all update together (ideal timing): the run's end,
    /// or the live inputs handed over and the traces sampled (a recording failure ends it too).
    func start(tick: Int, cores: [NeuronCore]) -> RunEnding? {
        if let ending = ending(before: tick) { return ending }
        if let live, !live.injectAll(tick: tick, cores: cores) { return .stopped(live.stop!.description) }
        do { try recorder.sampleTraces(tick: tick, cores: cores) } catch { return .failed("\(error)") }
        return nil
    }

    /// After `tick`: counts, records and publishes its spikes (`rows`: their `spikes.csv` rows,
    /// formatted by the workers; ``Recorder/recordSpikes(tick:spikes:rows:)``).
    func finish(tick: Int, spikes: TickSpikes, rows: [RowBuffer]? = nil) throws {
        tally.count(spikes, routes)
        try recorder.recordSpikes(tick: tick, spikes: spikes, rows: rows)
        live?.publish(tick: tick, spikes: spikes)
        progress?.ticked(tick + 1)
    }
}
