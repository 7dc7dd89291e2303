import ChipSim
import Foundation
@testable import Compiler
import XCTest

/// The chip image: byte-identical for the same network and seed, refused with a message naming
/// the damaged section when truncated or corrupted.
final class ImageTests: XCTestCase {
    let yaml = """
    network: small
    seed: 42
    populations:
      src: {size: 20, model: SpikeSourcePoisson, params: {rate: 50}}
      exc: {size: 300, model: IF_curr_exp, initial: {v: {uniform: [-65, -55]}}, record: [spikes, v]}
      inh: {size: 50, model: IF_cond_exp}
    projections:
      - {pre: src, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.3}, synapse: {weight: {normal: [0.5, 0.1]}, delay: {uniform: [1, 5]}}}
      - {pre: exc, post: inh, connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: 0.004, delay: 2}}
      - {pre: inh, post: exc, connector: {type: AllToAllConnector}, synapse: {weight: -0.05, delay: 1}, receptor: inhibitory}
    """

    func testSameNetworkAndSeedGiveTheSameBytes() throws {
        let a = ChipImageCodec.encode(try compile(yaml).image)
        let b = ChipImageCodec.encode(try compile(yaml).image)
        XCTAssertEqual(a, b)
        let c = ChipImageCodec.encode(try compile(yaml.replacingOccurrences(of: "seed: 42", with: "seed: 43")).image)
        XCTAssertNotEqual(a, c)
    }

    func testRoundTrip() throws {
        let image = try compile(yaml).image
        let decoded = try ChipImageCodec.decode(ChipImageCodec.encode(image))
        XCTAssertEqual(decoded, image)
        // Decoded in place from the mapped file, as the CLI loads it.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roundtrip-\(UUID().uuidString).nchip").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileAccess.writeReplacing(path, ChipImageCodec.encode(image))
        XCTAssertEqual(try ChipImageCodec.decode(MappedFile(path)), image)
    }

    /// An image's routes, kept once found, are those a fresh walk of its tables finds, and a
    /// changed table, core or machine makes the image walk them again.
    func testAnImagesRoutesAreItsTablesAndFollowAChange() throws {
        var image = try ChipImageCodec.decode(ChipImageCodec.encode(try compile(yaml).image))
        XCTAssertEqual(image.packetRoutes.incoming, PacketRoutes(image: image).incoming)
        let before = image.packetRoutes.incoming
        XCTAssertGreaterThan(before.joined().count, 0)
        let copy = image
        image.routingTables[0].entries.removeAll()
        XCTAssertEqual(image.packetRoutes.incoming, PacketRoutes(image: image).incoming)
        XCTAssertNotEqual(image.packetRoutes.incoming, before, "the routes follow the emptied table")
        XCTAssertEqual(copy.packetRoutes.incoming, before, "the copy keeps its own tables' routes")
        image = copy
        image.cores[0].keyBase ^= 0x8000_0000
        XCTAssertEqual(image.packetRoutes.incoming, PacketRoutes(image: image).incoming)
        XCTAssertNotEqual(image.packetRoutes.incoming, before, "the routes follow a core's key")
    }

    /// An image decoded from a mapped file reads its synapse words and row lengths there, and
    /// keeps them when the file is gone and its path holds another image; a word set in the
    /// decoded image changes that image alone, not the file.
    func testAMappedImageKeepsItsSynapsesWhenItsFileIsReplaced() throws {
        let image = try compile(yaml).image
        let other = try compile(yaml.replacingOccurrences(of: "seed: 42", with: "seed: 43")).image
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(UUID().uuidString).nchip").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let encoded = ChipImageCodec.encode(image)
        try FileAccess.writeReplacing(path, encoded)
        let decoded = try ChipImageCodec.decode(MappedFile(path))
        try FileAccess.writeReplacing(path, ChipImageCodec.encode(other))
        XCTAssertEqual(decoded, image)
        let c = try XCTUnwrap(decoded.cores.firstIndex { !$0.synapses.words.isEmpty })
        var changed = decoded
        changed.cores[c].synapses.words[0] ^= 1 << 16
        XCTAssertNotEqual(changed, image)
        XCTAssertEqual(decoded, image)
        XCTAssertEqual(ChipImageCodec.encode(decoded), encoded)
        try FileAccess.writeReplacing(path, encoded)
        XCTAssertEqual(try ChipImageCodec.decode(MappedFile(path)), decoded)
    }

    /// Row lengths held in 1, 2 or 4 bytes go through the file as they are and come back as the
    /// same rows; lengths that do not add up to the matrix's words are refused.
    func testRowLengthsOfEveryWidthRoundTrip() throws {
        let image = try compile(yaml).image
        let cores = image.cores.indices.filter { !image.cores[$0].synapses.words.isEmpty }
        // The short rows of the random projections take a byte, the all-to-all ones two.
        XCTAssertEqual(Set(cores.map { image.cores[$0].synapses.rows.lengthBytes }), [1, 2])
        for c in cores {
            let rows = image.cores[c].synapses.rows
            let lengths = (0..<rows.count).map(rows.length)
            for bytes in [1, 2, 4] where bytes > rows.lengthBytes {
                var wide = image
                let raw = lengths.flatMap { n in (0..<bytes).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } }
                wide.cores[c].synapses.rows = try XCTUnwrap(RowIndex(lengthBytes: bytes, count: lengths.count, littleEndian: raw))
                let encoded = ChipImageCodec.encode(wide)
                XCTAssertEqual(encoded.count, ChipImageCodec.encode(image).count + (bytes - rows.lengthBytes) * lengths.count)
                let decoded = try ChipImageCodec.decode(encoded)
                XCTAssertEqual(decoded.cores[c].synapses.rows.lengthBytes, bytes)
                XCTAssertEqual(decoded, image)
            }
            var longer = image
            longer.cores[c].synapses.rows = RowIndex(lengths: lengths.enumerated().map { $0.offset == 0 ? $0.element + 1 : $0.element })
            XCTAssertThrowsError(try ChipImageCodec.decode(ChipImageCodec.encode(longer))) { error in
                XCTAssertTrue("\(error)".contains("the row lengths add up to \(rows.words + 1) synapse words, the matrix has \(rows.words)"), "\(error)")
            }
        }
    }

    func testTruncationNamesTheSection() throws {
        let bytes = ChipImageCodec.encode(try compile(yaml).image)
        let sections = try ChipImageCodec.sections(of: bytes)
        for s in sections where s.length > 0 {
            let cut = Array(bytes[0..<(s.offset + s.length / 2)])
            XCTAssertThrowsError(try ChipImageCodec.decode(cut)) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains(s.name) || message.contains(sections.first { $0.offset >= cut.count || $0.offset + $0.length > cut.count }!.name),
                              "cut in \(s.id): \(message)")
                XCTAssertTrue(message.contains("truncated"), message)
            }
        }
        for n in [0, 3, 10, 30] {
            XCTAssertThrowsError(try ChipImageCodec.decode(Array(bytes.prefix(n))))
        }
    }

    func testCorruptionNamesTheSection() throws {
        let bytes = ChipImageCodec.encode(try compile(yaml).image)
        for s in try ChipImageCodec.sections(of: bytes) where s.length > 0 {
            var damaged = bytes
            damaged[s.offset + s.length / 3] ^= 0x40
            XCTAssertThrowsError(try ChipImageCodec.decode(damaged)) { error in
                XCTAssertEqual("\(error)".contains("section \(s.name) is damaged"), true, "\(error)")
            }
        }
        var header = bytes
        header[20] ^= 1
        XCTAssertThrowsError(try ChipImageCodec.decode(header)) { XCTAssertTrue("\($0)".contains("header")) }
        var magic = bytes
        magic[0] = UInt8(ascii: "X")
        XCTAssertThrowsError(try ChipImageCodec.decode(magic)) { XCTAssertTrue("\($0)".contains("not a Neurite chip image")) }
        var version = bytes
        version[5] = 9
        XCTAssertThrowsError(try ChipImageCodec.decode(version)) { XCTAssertTrue("\($0)".contains("format 9.")) }
    }

    func testConsistentChecksumsButImpossibleContentIsRefused() throws {
        var image = try compile(yaml).image
        // A synapse onto a neuron the core does not have, re-encoded with valid checksums.
        let core = image.cores.firstIndex { image.populations[$0.population].name == "inh" }!
        let k = image.cores[core].synapses.words.firstIndex { $0 > 0xFFFF }!
        image.cores[core].synapses.words[k] |= 0x3F  // index 63 on a core of 50 neurons
        XCTAssertThrowsError(try ChipImageCodec.decode(ChipImageCodec.encode(image))) { error in
            XCTAssertTrue("\(error)".contains("SYNM"), "\(error)")
        }
        var badPop = try compile(yaml).image
        badPop.cores[0].population = 99
        XCTAssertThrowsError(try ChipImageCodec.decode(ChipImageCodec.encode(badPop))) { XCTAssertTrue("\($0)".contains("CORE"), "\($0)") }
    }

    /// Well-formed numbers the simulator cannot hold (a crafted image with valid checksums).
    func testNumbersOutOfTheSimulatorsRangeAreRefused() throws {
        let good = try compile(yaml).image
        let cases: [(String, (inout ChipImage) -> Void)] = [
            ("NETW", { $0.network.durationMs = 1e300 }),
            ("NETW", { $0.network.timestepMs = 1e-300 }),
            ("MACH", { $0.machine.width = 100_000 }),
            ("MACH", { $0.machine.clockHz = 1e300 }),
            ("MACH", { $0.machine.costs.rowCycles = Int.max / 2 }),
            ("POPS", { $0.populations[0].parameters["rate"] = 1e300 }),
            ("POPS", { $0.populations[1].parameters["tau_refrac"] = -1 }),
            ("POPS", { $0.populations[1].name = "exc,evil" }),
            ("POPS", { $0.populations[1].record.append("../outside") }),
            ("INIT", { $0.cores[$0.populations[1].cores[0]].initialState[0][0] = .nan }),
            ("SYNM", { $0.cores[0].synapses.indexBits = 60 }),
            ("POPS", { $0.cores[0].population = 2 }),
        ]
        for (i, (section, damage)) in cases.enumerated() {
            var image = good
            damage(&image)
            XCTAssertThrowsError(try ChipImageCodec.decode(ChipImageCodec.encode(image)), "case \(i)") { error in
                XCTAssertTrue("\(error)".contains(section), "case \(i): \(error)")
            }
        }
    }

    func testRandomByteFlipsNeverCrash() throws {
        let bytes = ChipImageCodec.encode(try compile(yaml).image)
        var rng = RandomStream(seed: 1)
        for _ in 0..<100 {
            var damaged = bytes
            damaged[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            _ = try? ChipImageCodec.decode(damaged)
        }
    }
}
