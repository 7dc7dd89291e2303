import ChipSim
import Compiler
import Foundation
import Runtime
import XCTest

/// Compiles YAML text onto a target (SpiNN-5 by default).
func compile(_ yaml: String, target: MachineDescription = .spinn5, file: String = "test.yaml") throws -> Compilation {
    try NetworkCompiler.compile(try NetworkParser.parse(yaml, file: file), target: target)
}

/// Runs an image and returns its report with every recorded spike.
func simulate(_ image: ChipImage, arithmetic: Arithmetic, threads: Int = 1, durationMs: Double? = nil, out: String? = nil,
              kernels: KernelSet = .best) throws -> RunReport {
    try Run.execute(image, options: RunOptions(durationMs: durationMs, arithmetic: arithmetic, threads: threads, outputDirectory: out,
                                               collectSpikes: true, kernels: kernels))
}

extension XCTestCase {
    /// A fresh temporary directory, removed with everything under it when the test ends.
    func temporaryDirectory() -> String {
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("neurite-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }
}

/// A JSON fixture of this test target.
func fixtureJSON(_ path: String) throws -> [String: Any] {
    let url = Bundle.module.url(forResource: "Fixtures/\(path)", withExtension: nil)!
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
}
