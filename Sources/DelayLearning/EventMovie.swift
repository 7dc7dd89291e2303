import Foundation

/// Input polarities of an event camera: index 0 is OFF (brightness fell), 1 is ON (it rose).
public enum Polarity {
    /// The OFF polarity index.
    public static let off = 0
    /// The ON polarity index.
    public static let on = 1
}

/// A movie of camera events on a 1 ms grid, as a structure of arrays, with the motion label of
/// every step.
///
/// Event k happened in step `t[k]` (ms, 0 ..< `durationMs`) at pixel (`x[k]`, `y[k]`) with
/// polarity `polarity[k]` (``Polarity``); a pixel has at most one event per step. Events are sorted
/// by (t, y, x), so the events of one row of one step are contiguous: ``rowRange(t:y:)``.
/// `labels[t]` is the motion class during step t (the motion between frames t and t + 1).
public struct EventMovie: Equatable, Sendable {
    /// Frame width and height (px) and length (ms, one step per ms).
    public let width: Int, height: Int, durationMs: Int
    /// Event steps (ms), columns, rows and polarities.
    public let t: [UInt16], x: [UInt16], y: [UInt16], polarity: [UInt8]
    /// The motion class of every step.
    public let labels: [Int]
    /// `rowStart[t·height + y] ..< rowStart[t·height + y + 1]` are the events of row y in step t.
    let rowStart: [Int32]

    /// A movie from events sorted by (t, y, x) with one event per pixel and step at most.
    public init(width: Int, height: Int, durationMs: Int, t: [UInt16], x: [UInt16], y: [UInt16], polarity: [UInt8], labels: [Int]) {
        precondition(t.count == x.count && t.count == y.count && t.count == polarity.count, "event arrays differ in length")
        precondition(labels.count == durationMs, "one label per step")
        precondition(t.count < Int(Int32.max), "too many events")
        self.width = width
        self.height = height
        self.durationMs = durationMs
        self.t = t
        self.x = x
        self.y = y
        self.polarity = polarity
        self.labels = labels
        var start = [Int32](repeating: 0, count: durationMs * height + 1)
        var previous = -1
        for k in 0..<t.count {
            precondition(Int(t[k]) < durationMs && Int(x[k]) < width && Int(y[k]) < height && polarity[k] < 2, "event \(k) out of range")
            let key = (Int(t[k]) * height + Int(y[k])) * width + Int(x[k])
            precondition(key > previous, "events must be sorted by (t, y, x), one per pixel and step")
            previous = key
            start[Int(t[k]) * height + Int(y[k]) + 1] += 1
        }
        for r in 0..<durationMs * height { start[r + 1] += start[r] }
        rowStart = start
    }

    /// The number of events.
    public var count: Int { t.count }

    /// Indices of the events in row `y` of step `t`.
    public func rowRange(t: Int, y: Int) -> Range<Int> {
        Int(rowStart[t * height + y])..<Int(rowStart[t * height + y + 1])
    }

    /// The input neuron of an event at (`x`, `y`) with polarity `p`: `(p·height + y)·width + x`.
    public func inputNeuron(x: Int, y: Int, polarity p: Int) -> Int { (p * height + y) * width + x }

    /// Spike times (ms) per input neuron (``inputNeuron(x:y:polarity:)``, 2·width·height neurons),
    /// each list ascending: an event in step t spikes at `t + offsetMs`.
    public func spikeTimes(offsetMs: Double = 0) -> [[Double]] {
        var times = [[Double]](repeating: [], count: 2 * width * height)
        for k in 0..<count {
            times[inputNeuron(x: Int(x[k]), y: Int(y[k]), polarity: Int(polarity[k]))].append(Double(t[k]) + offsetMs)
        }
        return times
    }
}
