@testable import DelayLearning
import Foundation
import XCTest

final class ModelFileTests: XCTestCase {
    func testRoundTripKeepsEverything() throws {
        var model = Tiny.randomModel(seed: 3)
        model.threshold = 1.2345678901
        model.training = TrainingRecord(settings: TrainingSettings(), poolMovies: 12, stepsDone: 34, finalLoss: 0.5, seconds: 6.5)
        let report = OfflineReport(constantMovies: 4, topFractionAccuracy: 0.75, allVoxelAccuracy: 0.5,
                                   spiking: [SpikingResult(targetRateHz: 1, threshold: 1.2, measuredRateHz: 0.9, accuracy: 0.25)],
                                   switchingMovies: 2, perStepAccuracy: 0.3)
        let path = NSTemporaryDirectory() + "/hdsnn-\(ProcessInfo.processInfo.processIdentifier).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, offline: report, path: path)
        let (loaded, offline) = try ModelFile.load(path: path)
        XCTAssertEqual(loaded, model)
        XCTAssertEqual(offline, report)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        XCTAssertEqual(json["kernel_shape"] as? [Int], [4, 2, 5, 5, 5])
        XCTAssertEqual(json["format"] as? String, "neurite-hdsnn-model")
        XCTAssertNotNil((json["generator"] as? [String: Any])?["switch_probability"])
    }

    func testMalformedFilesAreRejectedWithAReason() throws {
        let good = try JSONSerialization.jsonObject(with: ModelFile.encode(Tiny.randomModel(seed: 1))) as! [String: Any]
        func reason(_ edit: (inout [String: Any]) -> Void) -> String {
            var json = good
            edit(&json)
            do {
                _ = try ModelFile.decode(JSONSerialization.data(withJSONObject: json))
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        XCTAssert(reason { $0["format"] = "other" }.contains("format"))
        XCTAssert(reason { $0["kernel"] = [1.0, 2.0] }.contains("kernel has 2 weights"))
        XCTAssert(reason { $0["kernel_shape"] = [4, 2, 5, 4, 5] }.contains("kernel_shape"))
        XCTAssert(reason { $0["bias"] = [0.0] }.contains("bias"))
        XCTAssert(reason { $0["version"] = 2 }.contains("version"))
        XCTAssertEqual(reason { _ in }, "accepted")
    }
}
