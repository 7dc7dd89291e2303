@testable import ChipSim
@testable import Compiler
import Foundation
import XCTest

/// Seeded mutation fuzzing of the two readers of untrusted input, the YAML front end and the
/// chip-image loader: every mutant must be accepted or refused with a diagnostic, never crash or
/// hang, and every image the loader accepts must run. Each target runs for
/// `NEURITE_FUZZ_SECONDS` (default 2) after replaying the kept corpus: the seed networks
/// (`Fixtures/fuzz/yaml`) and the inputs earlier long runs found (`found-yaml`, `images`: each
/// reached a diagnostic no input before it had). With `NEURITE_FUZZ_CORPUS=DIR` set, such inputs
/// are saved there for the corpus.
final class FuzzTests: XCTestCase {
    static var seconds: Double { Double(ProcessInfo.processInfo.environment["NEURITE_FUZZ_SECONDS"] ?? "") ?? 2 }
    static var corpusOut: String? { ProcessInfo.processInfo.environment["NEURITE_FUZZ_CORPUS"] }

    /// Fragments the YAML mutator splices in: the syntax and the values that have broken parsers.
    static let tokens = ["{", "}", "[", "]", ":", ", ", "- ", "\n", "\t", "  ", "&a ", "*a", "<<: *a", "<<: [*a, *a]", "!!str ", "'",
                         "\"", "#", "1e308", "-1e308", "1e-320", "nan", ".inf", "-0", "0", "99999999999999999999", "null", "~",
                         "[1, 2]", "{type: AllToAllConnector}", "size: ", "model: ", "weight: ", "delay: ", "p_connect: 2",
                         "IF_cond_alpha", "SpikeSourcePoisson", "a[::-1]", "a[1:0]", "{normal: [0, 1]}", "d_expression: \"exp(-d\"",
                         "structure: {type: Grid2D}", "neurons_per_core: 1", "step_convention: brian2", "\u{FEFF}", "\u{0}"]

    func testYAMLFrontEndNeverCrashes() throws {
        let directory = fixturePath("fuzz/yaml")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            .map { try String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
        XCTAssertGreaterThanOrEqual(seeds.count, 5)
        var seen: Set<String> = []
        func attempt(_ text: String) {
            do {
                let spec = try NetworkParser.parse(text, file: "fuzz.yaml", baseDirectory: directory)
                let compilation = try NetworkCompiler.compile(spec, target: .spinn3, maxMemory: 256 << 20)
                _ = try ChipImageCodec.decode(ChipImageCodec.encode(compilation.image))
            } catch let e as CompileError {
                note(e.diagnostics.first?.message ?? "", text: Array(text.utf8), into: &seen, suffix: "yaml")
            } catch {
                XCTFail("a mutant was refused with an error of the wrong kind: \(error)")
            }
        }
        for seed in seeds { attempt(seed) }
        let found = fixturePath("fuzz/found-yaml")
        for name in try FileManager.default.contentsOfDirectory(atPath: found).sorted() {
            attempt(String(decoding: try Data(contentsOf: URL(fileURLWithPath: found + "/" + name)), as: UTF8.self))
        }
        var rng = RandomStream(seed: 0xF022, stream: [1])
        let deadline = Date().addingTimeInterval(Self.seconds)
        var runs = 0
        while Date() < deadline {
            var bytes = Array(seeds[Int(rng.next() % UInt64(seeds.count))].utf8)
            for _ in 0...Int(rng.next() % 4) { mutateText(&bytes, &rng, other: seeds) }
            attempt(String(decoding: bytes, as: UTF8.self))
            runs += 1
        }
        print("YAML fuzz: \(runs) mutants, \(seen.count) distinct diagnostics")
        XCTAssertGreaterThan(seen.count, 10, "the mutants reach many diagnostics")
    }

    func testImageLoaderNeverCrashes() throws {
        let sources = try FileManager.default.contentsOfDirectory(atPath: fixturePath("fuzz/yaml")).sorted().prefix(4)
        var images: [[UInt8]] = []
        for name in sources {
            let spec = try NetworkParser.parse(contentsOf: fixturePath("fuzz/yaml/" + name))
            images.append(ChipImageCodec.encode(try NetworkCompiler.compile(spec, target: .spinn3).image))
        }
        let corpus = fixturePath("fuzz/images")
        for name in try FileManager.default.contentsOfDirectory(atPath: corpus).sorted() {
            load(Array(try Data(contentsOf: URL(fileURLWithPath: corpus + "/" + name))))
        }
        var seen: Set<String> = []
        var rng = RandomStream(seed: 0xF022, stream: [2])
        let deadline = Date().addingTimeInterval(Self.seconds)
        var runs = 0, accepted = 0
        while Date() < deadline {
            let original = images[Int(rng.next() % UInt64(images.count))]
            var sections = try ChipImageCodec.sections(of: original).map { ($0.id, Array(original[$0.offset..<$0.offset + $0.length])) }
            let s = Int(rng.next() % UInt64(sections.count))
            for _ in 0...Int(rng.next() % 3) { mutateBinary(&sections[s].1, &rng) }
            // Checksums made to match, so that the content itself reaches the loader.
            let mutant = ChipImageCodec.assemble(sections)
            if let message = load(mutant) { note(message, text: mutant, into: &seen, suffix: "nchip") } else { accepted += 1 }
            runs += 1
        }
        print("image fuzz: \(runs) mutants, \(accepted) accepted and run, \(seen.count) distinct refusals")
        XCTAssertGreaterThan(seen.count, 10, "the mutants reach many refusals")
    }

    /// Decodes an image and, if it is accepted, runs it for a few ticks; returns the refusal.
    @discardableResult
    func load(_ bytes: [UInt8]) -> String? {
        do {
            let image = try ChipImageCodec.decode(bytes)
            guard IdealTimingEngine.memoryEstimate(image: image, arithmetic: .s1615, parts: 1) < 512 << 20 else { return nil }
            for arithmetic in Arithmetic.allCases {
                let engine = IdealTimingEngine(image: image, settings: CoreSettings(image: image, arithmetic: arithmetic), parts: 2)
                for tick in 0..<5 {
                    for c in engine.cores.indices { engine.update(core: c, tick: tick) }
                    for part in engine.partition.indices { engine.deliver(part: part, tick: tick) }
                }
            }
            return nil
        } catch let e as ChipImageError {
            return e.description
        } catch {
            XCTFail("the loader refused with an error of the wrong kind: \(error)")
            return nil
        }
    }

    /// Records a diagnostic's kind (its words, numbers and quotes stripped); with a corpus
    /// directory set, saves the input that first reached it.
    func note(_ message: String, text: [UInt8], into seen: inout Set<String>, suffix: String) {
        let kind = String(message.unicodeScalars.filter { CharacterSet.letters.contains($0) || $0 == " " }.prefix(60))
        guard seen.insert(kind).inserted, let out = Self.corpusOut else { return }
        try? FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try? Data(text).write(to: URL(fileURLWithPath: out + "/\(seen.count).\(suffix)"))
    }

    func mutateText(_ bytes: inout [UInt8], _ rng: inout RandomStream, other: [String]) {
        func position() -> Int { bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count + 1)) }
        switch rng.next() % 6 {
        case 0: if !bytes.isEmpty { bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: 1 << (rng.next() % 8)) }
        case 1:
            let a = position(), b = min(bytes.count, a + Int(rng.next() % 40))
            bytes.removeSubrange(a..<b)
        case 2:
            let a = position(), b = min(bytes.count, a + Int(rng.next() % 80))
            bytes.insert(contentsOf: bytes[a..<b], at: position())
        case 3, 4: bytes.insert(contentsOf: Array(Self.tokens[Int(rng.next() % UInt64(Self.tokens.count))].utf8), at: position())
        default:
            let donor = Array(other[Int(rng.next() % UInt64(other.count))].utf8)
            let a = Int(rng.next() % UInt64(donor.count)), b = min(donor.count, a + Int(rng.next() % 200))
            bytes.insert(contentsOf: donor[a..<b], at: position())
        }
    }

    func mutateBinary(_ bytes: inout [UInt8], _ rng: inout RandomStream) {
        guard !bytes.isEmpty else {
            bytes = [UInt8(truncatingIfNeeded: rng.next())]
            return
        }
        let at = Int(rng.next() % UInt64(bytes.count))
        switch rng.next() % 6 {
        case 0: bytes[at] ^= UInt8(truncatingIfNeeded: 1 << (rng.next() % 8))
        case 1: bytes[at] = [0, 1, 0x7F, 0x80, 0xFF][Int(rng.next() % 5)]
        case 2:
            // A 32-bit field set to a boundary value: counts, keys, indices.
            let value: UInt32 = [0, 1, 2, 255, 256, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0xFFFF_FFFF][Int(rng.next() % 9)]
            for k in 0..<4 where at + k < bytes.count { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
        case 3: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(rng.next() % 16)))
        case 4: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 1 + Int(rng.next() % 16))], at: Int(rng.next() % UInt64(bytes.count)))
        default: bytes.swapAt(at, Int(rng.next() % UInt64(bytes.count)))
        }
    }
}
