@testable import Runtime
import XCTest

final class ProgressLineTests: XCTestCase {
    func testTheLineSaysTicksSpeedClientsAndTimeToGo() {
        XCTAssertEqual(ProgressLine.render(done: 1200, ticks: 10_000, timestepMs: 1, elapsed: 2, clients: 1),
                       "tick 1200/10000 (12%), 0.6 s biological per wall second, 1 live client, about 15 s to go")
        XCTAssertEqual(ProgressLine.render(done: 100, ticks: 100_000, timestepMs: 0.1, elapsed: 5, clients: nil),
                       "tick 100/100000 (0%), 0.002 s biological per wall second, about 83 min to go")
        XCTAssertEqual(ProgressLine.render(done: 10, ticks: 10, timestepMs: 1, elapsed: 1, clients: 2),
                       "tick 10/10 (100%), 0.01 s biological per wall second, 2 live clients")
    }

    func testItDrawsOnlyAfterASecondAndClearsWhatItDrew() {
        var written: [String] = []
        let line = ProgressLine(ticks: 128, timestepMs: 1) { written.append($0) }
        line.ticked(64)
        XCTAssertTrue(written.isEmpty, "nothing in the first second")
        line.clear()
        XCTAssertTrue(written.isEmpty, "nothing to clear")
    }
}
