@testable import ChipSim
import XCTest

/// A synaptic matrix's row index against the prefix sums it stands for, in every width (the
/// image file's side: `ImageTests.testRowLengthsOfEveryWidthRoundTrip`).
final class RowIndexTests: XCTestCase {
    /// Every row's start, length and range, every block's words and longest row, and the masks
    /// and sums of sixteen rows, against a plain prefix sum: rows of each width (1, 2 and 4 bytes), row
    /// counts on either side of a checkpoint, mostly empty as an image's are.
    func testEveryRowMatchesThePrefixSumOfItsLengths() {
        var random = SystemRandomNumberGenerator()
        for longest in [0, 1, 255, 256, 65535, 65536, 300_000] {
            for count in [0, 1, 15, 16, 17, 31, 32, 33, 100] {
                let lengths = (0..<count).map { r -> Int in
                    r == count / 2 ? longest : Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 0...max(longest, 0), using: &random) : 0
                }
                let index = RowIndex(lengths: lengths)
                var starts = [0]
                for n in lengths { starts.append(starts.last! + n) }
                XCTAssertEqual(index.count, count)
                XCTAssertEqual(index.words, starts.last!)
                XCTAssertEqual(index.lengthBytes, count == 0 || longest < 256 ? 1 : longest < 65536 ? 2 : 4, "longest \(longest)")
                for r in 0..<count {
                    XCTAssertEqual(index.length(r), lengths[r])
                    XCTAssertEqual(index[r], starts[r]..<starts[r + 1], "row \(r) of \(count), longest \(longest)")
                }
                XCTAssertEqual(index.start(count), starts.last!)
                for lo in 0...count {
                    for hi in lo...count where (hi - lo) % 7 == 0 || hi == count {
                        XCTAssertEqual(index.words(in: lo..<hi), starts[hi] - starts[lo])
                        XCTAssertEqual(index.longest(in: lo..<hi), lengths[lo..<hi].max() ?? 0)
                    }
                }
                index.withLengths { view in
                    for first in 0..<max(count - 15, 0) {
                        let expected = (0..<16).reduce(UInt32(0)) { $0 | (lengths[first + $1] != 0 ? 1 << $1 : 0) }
                        XCTAssertEqual(view.nonEmptyMask(from: first), expected, "rows \(first) ..< \(first + 16)")
                        XCTAssertEqual(view.sum16(from: first), lengths[first..<first + 16].reduce(0, +), "rows \(first) ..< \(first + 16)")
                    }
                }
                XCTAssertEqual(RowIndex(starts: starts.map(UInt32.init)), index)
            }
        }
    }

    /// Starts that do not begin at 0, or that fall, are no rows; the same lengths held in
    /// different widths are the same rows.
    func testStartsMustRiseFromZeroAndWidthsDoNotMatter() {
        XCTAssertNil(RowIndex(starts: [1, 2]))
        XCTAssertNil(RowIndex(starts: [0, 5, 4]))
        XCTAssertNil(RowIndex(starts: []))
        XCTAssertEqual(RowIndex(starts: [0]), RowIndex.empty)
        let narrow = RowIndex(lengths: [3, 0, 7])
        let wide = RowIndex(lengthBytes: 4, count: 3, littleEndian: [3, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0])!
        XCTAssertEqual(wide.lengthBytes, 4)
        XCTAssertEqual(narrow, wide)
        XCTAssertNotEqual(narrow, RowIndex(lengths: [3, 7, 0]))
        XCTAssertNil(RowIndex(lengthBytes: 4, count: 2, littleEndian: [0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0]), "2^32 words in all")
    }
}
