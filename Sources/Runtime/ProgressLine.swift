import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run a person can watch: one line on a terminal's standard error, rewritten at most twice a
/// second once the run has gone on for a second — ticks done, biological time per wall second,
/// live clients, and when the run should end — and cleared when it ends. Nothing is written when
/// standard error is not a terminal.
public final class ProgressLine {
    private let ticks: Int
    private let timestepMs: Double
    private let start = DispatchTime.now()
    private var lastDrawn = 0.0
    private var drawn = false
    /// Live clients connected, read when the line is drawn.
    var clients: (() -> Int)?
    private let write: (String) -> Void

    /// A line for a run of `ticks` ticks of `timestepMs`, or nil when standard error is not a
    /// terminal.
    public static func onTerminal(ticks: Int, timestepMs: Double) -> ProgressLine? {
        isatty(STDERR_FILENO) == 1 ? ProgressLine(ticks: ticks, timestepMs: timestepMs) : nil
    }

    /// `write` receives each rendering (default: standard error).
    init(ticks: Int, timestepMs: Double, write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.ticks = ticks
        self.timestepMs = timestepMs
        self.write = write
    }

    /// `done` ticks have run. Cheap: it reads the clock every 64 ticks.
    func ticked(_ done: Int) {
        guard done & 63 == 0 || done == ticks else { return }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        guard elapsed >= 1, elapsed - lastDrawn >= 0.5 || (done == ticks && drawn) else { return }
        lastDrawn = elapsed
        drawn = true
        write("\r\u{1B}[K" + Self.render(done: done, ticks: ticks, timestepMs: timestepMs, elapsed: elapsed, clients: clients?()))
    }

    /// Clears the line, if one was drawn.
    func clear() {
        if drawn { write("\r\u{1B}[K") }
    }

    /// The line's text: `tick 1200/10000 (12%), 0.85 s biological per wall second, 1 live client, about 10 s to go`.
    static func render(done: Int, ticks: Int, timestepMs: Double, elapsed: Double, clients: Int?) -> String {
        let percent = ticks > 0 ? 100 * done / ticks : 100
        let rate = elapsed > 0 ? Double(done) * timestepMs / 1000 / elapsed : 0
        var parts = ["tick \(done)/\(ticks) (\(percent)%)", String(format: "%.3g s biological per wall second", rate)]
        if let clients { parts.append("\(clients) live client\(clients == 1 ? "" : "s")") }
        if done > 0, done < ticks {
            let left = elapsed * Double(ticks - done) / Double(done)
            parts.append(left < 90 ? String(format: "about %.0f s to go", left) : String(format: "about %.0f min to go", left / 60))
        }
        return parts.joined(separator: ", ")
    }
}
