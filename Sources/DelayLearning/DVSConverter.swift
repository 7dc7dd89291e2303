import Foundation

/// Turns frames into ON/OFF events as an event camera does, on a 1 ms grid.
///
/// The threshold is `thresholdInStd` times the standard deviation of all frame differences of the
/// movie. Each pixel integrates its differences into a residual; when the residual exceeds the
/// threshold the pixel emits an ON event and the threshold is subtracted, when it falls below minus
/// the threshold it emits an OFF event and the threshold is added, so there is at most one event
/// per pixel per step and what is left over carries to the next step.
public enum DVSConverter {
    /// Events of `steps` steps from `steps + 1` row-major `width × height` frames: step t compares
    /// frame t + 1 with frame t. Returns arrays sorted by (t, y, x).
    public static func events(frames: [Float], width: Int, height: Int, steps: Int, thresholdInStd: Double)
        -> (t: [UInt16], x: [UInt16], y: [UInt16], polarity: [UInt8]) {
        let pixels = width * height
        precondition(frames.count == (steps + 1) * pixels, "steps + 1 frames expected")
        var sum = 0.0, sumSquares = 0.0
        for k in pixels..<frames.count {
            let d = Double(frames[k] - frames[k - pixels])
            sum += d
            sumSquares += d * d
        }
        let n = Double(steps * pixels), mean = sum / n
        let threshold = Float(thresholdInStd * max(sumSquares / n - mean * mean, 0).squareRoot())
        var residual = [Float](repeating: 0, count: pixels)
        var t: [UInt16] = [], x: [UInt16] = [], y: [UInt16] = [], polarity: [UInt8] = []
        let expected = steps * pixels / 4
        t.reserveCapacity(expected); x.reserveCapacity(expected); y.reserveCapacity(expected); polarity.reserveCapacity(expected)
        for step in 0..<steps {
            let base = (step + 1) * pixels
            for k in 0..<pixels {
                var r = residual[k] + frames[base + k] - frames[base - pixels + k]
                var p: UInt8? = nil
                if r > threshold {
                    r -= threshold
                    p = UInt8(Polarity.on)
                } else if r < -threshold {
                    r += threshold
                    p = UInt8(Polarity.off)
                }
                residual[k] = r
                if let p {
                    t.append(UInt16(step))
                    x.append(UInt16(k % width))
                    y.append(UInt16(k / width))
                    polarity.append(p)
                }
            }
        }
        return (t, x, y, polarity)
    }
}
