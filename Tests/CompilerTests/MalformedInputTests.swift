import ChipSim
import Compiler
import Foundation
import XCTest

/// Every file in `Fixtures/malformed` must be refused with one diagnostic at the expected
/// `line:column` whose message names the problem (`expected.json`), and never crash.
final class MalformedInputTests: XCTestCase {
    struct Expectation: Decodable {
        var line: Int
        var column: Int
        var message_contains: String
    }

    func testEveryMalformedInputGivesALocatedDiagnostic() throws {
        let dir = fixturePath("malformed")
        let expected = try JSONDecoder().decode([String: Expectation].self,
                                                from: Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json")))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 25)
        XCTAssertEqual(Set(files), Set(expected.keys), "every fixture needs an expectation")
        for name in files {
            let path = dir + "/" + name
            do {
                let spec = try NetworkParser.parse(contentsOf: path)
                _ = try NetworkCompiler.compile(spec, target: .spinn5)
                XCTFail("\(name) was accepted")
            } catch let error as CompileError {
                guard let e = expected[name], let d = error.diagnostics.first else { continue }
                XCTAssertEqual(d.location?.file, path, name)
                XCTAssertEqual(d.location?.line, e.line, "\(name): \(d)")
                XCTAssertEqual(d.location?.column, e.column, "\(name): \(d)")
                XCTAssertTrue(d.message.contains(e.message_contains), "\(name): \(d.message)")
                XCTAssertTrue(d.description.hasPrefix("\(path):\(e.line):\(e.column): error: "), name)
            }
        }
    }

    func testMergeKeysAndAnchorsWork() throws {
        let yaml = """
        defaults: &base {size: 4, model: IF_curr_exp}
        """
        // An unknown top-level key is refused even when it only holds an anchor…
        XCTAssertThrowsError(try NetworkParser.parse(yaml + "\npopulations:\n  a: *base\n", file: "t.yaml"))
        // …while anchors and merge keys inside populations work.
        let ok = """
        populations:
          a: &cell
            size: 4
            model: IF_curr_exp
            params: {tau_m: 10}
          b:
            <<: *cell
            size: 6
        """
        let spec = try NetworkParser.parse(ok, file: "t.yaml")
        XCTAssertEqual(spec.populations.map(\.size), [4, 6])
        XCTAssertEqual(spec.populations[1].parameters["tau_m"], 10)
        XCTAssertEqual(spec.populations[1].model, .ifCurrExp)
    }

    func testUnsetParametersTakePyNNDefaults() throws {
        let spec = try NetworkParser.parse("populations:\n  a: {size: 1, model: IF_cond_exp}\n", file: "t.yaml")
        let p = spec.populations[0].parameters
        XCTAssertEqual(p["cm"], 1.0)
        XCTAssertEqual(p["tau_m"], 20.0)
        XCTAssertEqual(p["tau_refrac"], 0.1)
        XCTAssertEqual(p["v_thresh"], -50.0)
        XCTAssertEqual(p["e_rev_I"], -70.0)
        XCTAssertEqual(spec.timestep, 1.0)
    }
}
