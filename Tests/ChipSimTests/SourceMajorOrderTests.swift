@testable import ChipSim
import XCTest

/// The delivery lists' blocks put in source-major order by a counting sort
/// (`SynapticDelivery.sourceMajor`), against a comparison sort by (source, target, place found).
final class SourceMajorOrderTests: XCTestCase {
    /// Every set of (target, source) pairs of up to three targets and three sources, each pair
    /// found zero, one or two times (two master population table entries of one source core in
    /// one target), in the target-major order the tables are walked in.
    func testEverySmallTableOrdersAsTheComparisonSortDoes() {
        let sources = 3, targets = 3, pairs = sources * targets
        var cases = 0
        for mask in 0..<Int(pow(3.0, Double(pairs))) {
            var found: [TableBlock] = []
            var rest = mask
            for pair in 0..<pairs {
                let times = rest % 3
                rest /= 3
                for _ in 0..<times {
                    found.append(TableBlock(target: pair / sources, source: pair % sources, entry: found.count, first: 0, rows: 1))
                }
            }
            let expected = found.sorted { ($0.source, $0.target, $0.entry) < ($1.source, $1.target, $1.entry) }
            let ordered = SynapticDelivery.sourceMajor(found, sources: sources)
            XCTAssertEqual(ordered.map(\.entry), expected.map(\.entry), "table \(mask)")
            cases += 1
        }
        XCTAssertEqual(cases, 19683)
    }

    /// Sources without blocks, and a table of none.
    func testSourcesWithoutBlocksAndAnEmptyTable() {
        XCTAssertTrue(SynapticDelivery.sourceMajor([], sources: 4).isEmpty)
        let found = [TableBlock(target: 0, source: 3, entry: 0, first: 0, rows: 1),
                     TableBlock(target: 2, source: 0, entry: 1, first: 0, rows: 1),
                     TableBlock(target: 2, source: 3, entry: 2, first: 0, rows: 1)]
        XCTAssertEqual(SynapticDelivery.sourceMajor(found, sources: 5).map(\.entry), [1, 0, 2])
    }
}
