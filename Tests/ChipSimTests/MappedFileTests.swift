import ChipSim
import Foundation
import XCTest

/// A file mapped into memory: the same bytes as reading it, and the same errors.
final class MappedFileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Files of several sizes (across a page boundary, and empty, which cannot be mapped and is
    /// read instead) give the bytes `FileAccess.read` gives.
    func testTheBytesAreTheFilesBytes() throws {
        for size in [0, 1, 4095, 4096, 4097, 100_000] {
            let path = directory.appendingPathComponent("f\(size)").path
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            try FileAccess.writeReplacing(path, bytes)
            let file = try MappedFile(path)
            XCTAssertEqual(file.count, size)
            XCTAssertEqual(file.withUnsafeBytes { Array($0) }, try FileAccess.read(path), "\(size) bytes")
        }
    }

    /// A missing file and a directory are refused with the system's reason, as a read is.
    func testUnreadablePathsGiveTheSystemsReason() {
        let missing = directory.appendingPathComponent("missing").path
        XCTAssertThrowsError(try MappedFile(missing)) { error in
            XCTAssertEqual((error as? FileAccess.ReadError)?.description, "cannot read '\(missing)': No such file or directory")
        }
        XCTAssertThrowsError(try MappedFile(directory.path)) { error in
            XCTAssertEqual((error as? FileAccess.ReadError)?.description, "cannot read '\(self.directory.path)': Is a directory")
        }
    }

    /// A file that is not an image, mapped, is refused as the same bytes read would be.
    func testAMappedNonImageIsRefusedAsItsBytesAre() throws {
        let path = directory.appendingPathComponent("not.nchip").path
        try FileAccess.writeReplacing(path, Array("network: x\n".utf8))
        let file = try MappedFile(path), bytes = try FileAccess.read(path)
        var mapped = "", read = ""
        XCTAssertThrowsError(try ChipImageCodec.decode(file)) { mapped = "\($0)" }
        XCTAssertThrowsError(try ChipImageCodec.decode(bytes)) { read = "\($0)" }
        XCTAssertEqual(mapped, read)
        XCTAssertTrue(mapped.contains("NCHP"), mapped)
    }
}
