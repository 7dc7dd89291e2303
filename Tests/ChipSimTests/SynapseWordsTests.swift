@testable import ChipSim
import Foundation
import XCTest

/// A matrix's synapse words: a value, whether they lie in memory of their own or in a mapped
/// image file, read unaligned and little-endian.
final class SynapseWordsTests: XCTestCase {
    /// Words made from an array read back as the array, compare by content, and a set word
    /// changes only the value it was set in.
    func testWordsAreAValue() {
        let source: [UInt32] = [0, 1, 0xFFFF_FFFF, 0x1234_5678, 0x8000_0001]
        let a = SynapseWords(source)
        XCTAssertEqual(Array(a), source)
        XCTAssertEqual(a, SynapseWords(source))
        XCTAssertEqual(a.count, 5)
        var b = a
        b[3] = 7
        XCTAssertEqual(Array(a), source, "the value b was copied from is unchanged")
        XCTAssertEqual(b[3], 7)
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(SynapseWords([]), [])
        XCTAssertNotEqual(SynapseWords([1]), SynapseWords([1, 0]))
        XCTAssertEqual(a.withUnsafeWords { w in (0..<w.count).map { w[$0] } }, source)
    }

    /// Words held in place at every byte offset of a buffer they do not own read the
    /// little-endian values there; setting one copies them first and leaves the buffer alone.
    func testWordsInPlaceAtAnyOffsetAreReadUnalignedAndCopiedBeforeAWrite() {
        let values: [UInt32] = [0xDEAD_BEEF, 3, 0x0102_0304]
        for offset in 0..<4 {
            var bytes = [UInt8](repeating: 0xAA, count: offset)
            for v in values { bytes += [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: v >> $0) } }
            let keeper = KeptBytes(bytes)
            var words = SynapseWords(StoredBytes(inPlace: UnsafeRawBufferPointer(rebasing: keeper.buffer[offset...]), keptBy: keeper))
            XCTAssertEqual(Array(words), values, "offset \(offset)")
            let before = Array(keeper.buffer)
            words[1] = 9
            XCTAssertEqual(Array(words), [0xDEAD_BEEF, 9, 0x0102_0304])
            XCTAssertEqual(Array(keeper.buffer), before, "offset \(offset): the kept bytes are not written")
        }
    }
}

/// Bytes in memory a test owns, standing for a mapped file.
private final class KeptBytes {
    let buffer: UnsafeMutableRawBufferPointer

    init(_ bytes: [UInt8]) {
        buffer = .allocate(byteCount: bytes.count, alignment: 16)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    }

    deinit { buffer.deallocate() }
}
