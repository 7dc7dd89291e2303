import Foundation
import XCTest

/// End-to-end tests of `neurite keygen`.
final class KeygenCLITests: XCTestCase {
    func testKeygenWritesAPairAndRefusesToOverwrite() throws {
        let dir = try scratchPath("keygen")
        let r = try neurite("keygen", dir + "/sim")
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, r.stdout)
        let pub = try String(contentsOfFile: dir + "/sim.pub", encoding: .utf8).split(separator: "\n")
        let key = try String(contentsOfFile: dir + "/sim.key", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(pub.first, "# neurite CURVE public key (Z85)")
        XCTAssertEqual(key.first, "# neurite CURVE secret key (Z85)")
        XCTAssertEqual(pub.count, 2)
        XCTAssertEqual(pub[1].count, 40)
        XCTAssertEqual(key[1].count, 40)
        XCTAssertNotEqual(pub[1], key[1])
        XCTAssertEqual(lines[0], "public key \(pub[1])")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: dir + "/sim.key")[.posixPermissions] as? Int, 0o600)

        let again = try neurite("keygen", dir + "/sim")
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stderr, "error: '\(dir)/sim.pub' exists; pass --force to overwrite it\n")
        let forced = try neurite("keygen", dir + "/sim", "--force")
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertNotEqual(try String(contentsOfFile: dir + "/sim.pub", encoding: .utf8).split(separator: "\n")[1], pub[1])
    }
}
