import Foundation
@testable import Runtime
import XCTest

/// The spike file's times, formatted without Foundation, against `%.Nf`.
final class RecorderTimeTests: XCTestCase {
    func testTimesMatchPrintf() {
        for dt in [1, 0.1, 0.25, 0.125, 0.01, 0.001, 0.3, 0.7, 0.05, 2.5, 0.0625] {
            let decimals = Recorder.decimals(of: dt)
            // Every tick of the first 2,000, and 2,000 spread up to 5 · 10⁷ (a multiplicative hash).
            let ticks = Array(0..<2_000) + [9_999, 10_000, 123_457, 1_000_003, 86_400_000] + (0..<2_000).map { $0 * 2_654_435_761 % 50_000_000 }
            for tick in ticks {
                XCTAssertEqual(Recorder.time(tick: tick, dt: dt, decimals: decimals),
                               String(format: "%.\(decimals)f", Double(tick) * dt), "dt \(dt), tick \(tick)")
            }
        }
    }
}
