import Foundation
import XCTest

/// `neurite delays evaluate` end to end on the committed model.
final class DelaysCLITests: XCTestCase {
    var model: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/delays/model-a.json").path
    }

    func testEvaluatePrintsBothAccuraciesAsJSON() throws {
        let r = try neurite(["delays", "evaluate", "--model", model, "--movies", "2", "--keep", "0.01", "--calibration-movies", "2", "--rate", "10",
                             "--seed", "5", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        for key in ["accuracy_offline", "accuracy_chip", "accuracy_offline_top_fraction"] {
            let v = try XCTUnwrap(json[key] as? Double, key)
            XCTAssertTrue((0...1).contains(v), key)
        }
        XCTAssertEqual(json["movies"] as? Int, 2)
        XCTAssertEqual(json["seed"] as? Int, 5)
        XCTAssertEqual(json["nonzero_weights"] as? Int, 285)
        let chip = try XCTUnwrap(json["chip"] as? [String: Any])
        XCTAssertGreaterThan(chip["synapses"] as! Int, 100_000)
        XCTAssertEqual((chip["decisions"] as! [Any]).count, 2)
    }

    func testABadModelFileIsInputError() throws {
        let bad = NSTemporaryDirectory() + "bad-model-\(UUID().uuidString).json"
        try "{\"format\": \"something else\"}".write(toFile: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let r = try neurite(["delays", "evaluate", "--model", bad])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr)
        let usage = try neurite(["delays", "evaluate", "--model", model, "--keep", "0"])
        XCTAssertEqual(usage.status, 2)
        XCTAssertTrue(usage.stderr.contains("--keep must be in (0, 1], found 0.0"), usage.stderr)
        let rate = try neurite(["delays", "train", "--model", model, "--chip-rate", "0"])
        XCTAssertEqual(rate.status, 2)
        XCTAssertTrue(rate.stderr.contains("--chip-rate must lie in (0, 1000] spikes/s, found 0.0"), rate.stderr)
    }
}
