import Foundation

/// Why an image could not be read. Every case names what is damaged.
public enum ChipImageError: Error, CustomStringConvertible, Equatable {
    case notAnImage(String)
    case unsupportedVersion(major: Int, minor: Int)
    case damagedHeader(String)
    case missingSection(String)
    case truncatedSection(String, String)
    case checksumMismatch(String, expected: UInt32, found: UInt32)
    case malformedSection(String, String)

    public var description: String {
        switch self {
        case .notAnImage(let why): return "not a Neurite chip image: \(why)"
        case let .unsupportedVersion(major, minor):
            return "chip image format \(major).\(minor) is not supported (this build reads \(ChipImageCodec.formatMajor).x)"
        case .damagedHeader(let why): return "chip image header is damaged: \(why)"
        case .missingSection(let s): return "chip image has no \(s) section"
        case let .truncatedSection(s, why): return "section \(s) is truncated: \(why)"
        case let .checksumMismatch(s, expected, found):
            return String(format: "section %@ is damaged: checksum 0x%08x, expected 0x%08x", s, found, expected)
        case let .malformedSection(s, why): return "section \(s) is malformed: \(why)"
        }
    }
}

/// Reads and writes the binary chip image format (`docs/chip-image.md`).
///
/// Layout: a header (magic `NCHP`, u16 version, u16 reserved, u32 section count), a section
/// directory (per section: 4-byte id, u64 offset, u64 length, u32 CRC-32), a u32 CRC-32 of all
/// bytes before it, then the sections. All integers little-endian. Encoding is deterministic:
/// the same image gives the same bytes.
public enum ChipImageCodec {
    public static let magic: [UInt8] = Array("NCHP".utf8)
    public static let formatMajor = 1
    /// 1.1 adds the step convention and time scale factor to NETW and the PROJ section; a 1.0
    /// image reads with the `brian2` convention it ran under, real time and no projection list.
    public static let formatMinor = 1

    /// Section ids in the order they are written, with their names in messages.
    static let sectionNames: [(id: String, name: String)] = [
        ("MACH", "MACH (machine description)"),
        ("NETW", "NETW (network settings)"),
        ("POPS", "POPS (populations)"),
        ("PROJ", "PROJ (projections)"),
        ("CORE", "CORE (core placements and keys)"),
        ("INIT", "INIT (initial state)"),
        ("SYNM", "SYNM (synaptic matrices)"),
        ("SRCE", "SRCE (spike-source events)"),
        ("ROUT", "ROUT (routing tables)"),
        ("MAPR", "MAPR (mapping report)"),
    ]

    static func name(_ id: String) -> String {
        sectionNames.first { $0.id == id }?.name ?? id
    }

    // MARK: Encoding

    public static func encode(_ image: ChipImage) -> [UInt8] {
        let payloads: [(String, [UInt8])] = [
            ("MACH", json(image.machine)),
            ("NETW", json(image.network)),
            ("POPS", json(image.populations)),
            ("PROJ", json(image.projections)),
            ("CORE", encodeCores(image.cores)),
            ("INIT", encodeInitialState(image.cores)),
            ("SYNM", encodeSynapses(image.cores)),
            ("SRCE", encodeSourceEvents(image.cores)),
            ("ROUT", encodeRouting(image.routingTables)),
            ("MAPR", Array(image.mappingReport.utf8)),
        ]
        return assemble(payloads)
    }

    /// The header, directory and sections of an image whose section payloads are `payloads`, in
    /// order, with their checksums.
    static func assemble(_ payloads: [(String, [UInt8])]) -> [UInt8] {
        var header = BinaryWriter()
        header.bytes.append(contentsOf: magic)
        header.u16(UInt16(formatMajor << 8 | formatMinor))
        header.u16(0)
        header.count(payloads.count)
        var offset = 12 + payloads.count * 24 + 4
        for (id, bytes) in payloads {
            header.bytes.append(contentsOf: Array(id.utf8))
            header.u64(UInt64(offset))
            header.u64(UInt64(bytes.count))
            header.u32(CRC32.checksum(bytes))
            offset += bytes.count
        }
        header.u32(CRC32.checksum(header.bytes))
        var out = header.bytes
        out.reserveCapacity(offset)
        for (_, bytes) in payloads { out.append(contentsOf: bytes) }
        return out
    }

    private static func json<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding our own plain value types cannot fail.
        return Array(try! encoder.encode(value))
    }

    private static func encodeCores(_ cores: [CoreImage]) -> [UInt8] {
        var w = BinaryWriter()
        w.count(cores.count)
        for c in cores {
            w.count(c.population)
            w.u16(UInt16(c.location.chip.x)); w.u16(UInt16(c.location.chip.y)); w.u8(UInt8(c.location.processor))
            w.count(c.firstNeuron); w.count(c.neuronCount)
            w.u32(c.keyBase); w.u32(c.keyMask)
        }
        return w.bytes
    }

    private static func encodeInitialState(_ cores: [CoreImage]) -> [UInt8] {
        var w = BinaryWriter()
        w.count(cores.count)
        for c in cores {
            w.count(c.initialState.count)
            for values in c.initialState { w.f64s(values) }
        }
        return w.bytes
    }

    private static func encodeSynapses(_ cores: [CoreImage]) -> [UInt8] {
        var w = BinaryWriter()
        w.count(cores.count)
        for c in cores {
            let m = c.synapses
            w.u8(UInt8(m.indexBits)); w.u8(UInt8(m.slotBits))
            w.count(m.shifts.count)
            for s in m.shifts { w.i8(s) }
            w.count(m.entries.count)
            for e in m.entries {
                w.u32(e.key); w.u32(e.mask); w.u32(e.firstRow); w.u32(e.rows); w.u32(e.rowLength)
            }
            w.u32s(m.rowStarts)
            w.u32s(m.words)
            w.f64s(m.weights)
        }
        return w.bytes
    }

    private static func encodeSourceEvents(_ cores: [CoreImage]) -> [UInt8] {
        var w = BinaryWriter()
        w.count(cores.count)
        for c in cores {
            w.count(c.sourceEvents.count)
            for e in c.sourceEvents { w.u32(e.tick); w.u16(e.neuron) }
        }
        return w.bytes
    }

    private static func encodeRouting(_ tables: [RoutingTable]) -> [UInt8] {
        var w = BinaryWriter()
        w.count(tables.count)
        for t in tables {
            w.u16(UInt16(t.chip.x)); w.u16(UInt16(t.chip.y))
            w.count(t.entries.count)
            for e in t.entries { w.u32(e.key); w.u32(e.mask); w.u32(e.route) }
        }
        return w.bytes
    }

    // MARK: Decoding

    /// One entry of an image's section directory.
    public struct SectionInfo: Equatable, Sendable {
        public var id: String
        public var name: String
        public var offset: Int
        public var length: Int
        public var crc32: UInt32
    }

    /// The section directory of an image, checked (magic, version, header checksum, bounds,
    /// section checksums) but not decoded.
    public static func sections(of bytes: [UInt8]) throws -> [SectionInfo] {
        try readDirectory(bytes).directory.map { SectionInfo(id: $0.0, name: name($0.0), offset: $0.1, length: $0.2, crc32: $0.3) }
    }

    public static func decode(_ bytes: [UInt8]) throws -> ChipImage {
        let sections = try readDirectory(bytes).payloads
        func section(_ id: String) throws -> [UInt8] {
            guard let s = sections[id] else { throw ChipImageError.missingSection(name(id)) }
            return s
        }
        func decodeJSON<T: Decodable>(_ type: T.Type, _ id: String) throws -> T {
            do { return try JSONDecoder().decode(type, from: Data(try section(id))) } catch let e as ChipImageError {
                throw e
            } catch {
                throw ChipImageError.malformedSection(name(id), "its JSON does not decode (\(error))")
            }
        }
        let machine = try decodeJSON(MachineDescription.self, "MACH")
        let network = try decodeJSON(NetworkInfo.self, "NETW")
        let populations = try decodeJSON([PopulationInfo].self, "POPS")
        let projections = sections["PROJ"] == nil ? [] : try decodeJSON([ProjectionInfo].self, "PROJ")
        var cores = try binary("CORE", try section("CORE")) { try decodeCores(&$0) }
        let initial = try binary("INIT", try section("INIT")) { try decodeInitialState(&$0, cores.count) }
        let synapses = try binary("SYNM", try section("SYNM")) { try decodeSynapses(&$0, cores.count) }
        let events = try binary("SRCE", try section("SRCE")) { try decodeSourceEvents(&$0, cores.count) }
        let tables = try binary("ROUT", try section("ROUT")) { try decodeRouting(&$0) }
        let report = String(decoding: try section("MAPR"), as: UTF8.self)
        for i in cores.indices {
            cores[i].initialState = initial[i]
            cores[i].synapses = synapses[i]
            cores[i].sourceEvents = events[i]
        }
        let image = ChipImage(machine: machine, network: network, populations: populations, projections: projections, cores: cores,
                              routingTables: tables, mappingReport: report)
        try ChipImageValidator.validate(image)
        return image
    }

    private static func readDirectory(_ bytes: [UInt8]) throws -> (directory: [(String, Int, Int, UInt32)], payloads: [String: [UInt8]]) {
        guard bytes.count >= 4, Array(bytes[0..<4]) == magic else {
            throw ChipImageError.notAnImage(bytes.count < 4 ? "the file is only \(bytes.count) bytes" : "it does not start with the magic 'NCHP'")
        }
        var r = BinaryReader(bytes, offset: 4)
        do {
            let version = Int(try r.u16("the format version"))
            if version >> 8 != formatMajor { throw ChipImageError.unsupportedVersion(major: version >> 8, minor: version & 0xFF) }
            _ = try r.u16("the reserved field")
            let n = try r.count("sections", itemSize: 24)
            var directory: [(String, Int, Int, UInt32)] = []
            for _ in 0..<n {
                let id = String(decoding: try r.raw(4, "a section id"), as: UTF8.self)
                let offset = try r.u64("a section offset"), length = try r.u64("a section length")
                let crc = try r.u32("a section checksum")
                directory.append((id, Int(clamping: offset), Int(clamping: length), crc))
            }
            let headerEnd = r.offset
            let expected = try r.u32("the header checksum")
            let found = CRC32.checksum(bytes[0..<headerEnd])
            if expected != found {
                throw ChipImageError.damagedHeader(String(format: "checksum 0x%08x, expected 0x%08x", found, expected))
            }
            // The sections follow the header back to back, in directory order, to the end of the
            // file: each once, nothing between them or after them.
            var sections: [String: [UInt8]] = [:]
            var expectedOffset = headerEnd + 4
            for (id, offset, length, crc) in directory {
                guard offset <= bytes.count, length <= bytes.count - offset else {
                    throw ChipImageError.truncatedSection(name(id), "it should hold \(length) bytes from offset \(offset), the file ends at \(bytes.count)")
                }
                guard sections[id] == nil else { throw ChipImageError.damagedHeader("section \(name(id)) appears twice in the directory") }
                guard offset == expectedOffset else {
                    throw ChipImageError.damagedHeader("section \(name(id)) starts at offset \(offset), expected \(expectedOffset) (sections follow each other without gaps)")
                }
                let payload = Array(bytes[offset..<offset + length])
                let sum = CRC32.checksum(payload)
                if sum != crc { throw ChipImageError.checksumMismatch(name(id), expected: crc, found: sum) }
                sections[id] = payload
                expectedOffset = offset + length
            }
            guard expectedOffset == bytes.count else {
                throw ChipImageError.damagedHeader("\(bytes.count - expectedOffset) bytes follow the last section")
            }
            return (directory, sections)
        } catch let e as BinaryReader.OutOfData {
            throw ChipImageError.damagedHeader(e.detail)
        }
    }

    private static func binary<T>(_ id: String, _ bytes: [UInt8], _ body: (inout BinaryReader) throws -> T) throws -> T {
        var r = BinaryReader(bytes)
        do {
            let value = try body(&r)
            if !r.atEnd { throw ChipImageError.malformedSection(name(id), "\(bytes.count - r.offset) bytes left over after its content") }
            return value
        } catch let e as BinaryReader.OutOfData {
            throw ChipImageError.malformedSection(name(id), e.detail)
        }
    }

    private static func expectCount(_ r: inout BinaryReader, _ n: Int, _ what: String) throws {
        let found = try r.count(what)
        if found != n { throw BinaryReader.OutOfData(detail: "holds \(found) \(what), the image has \(n) cores") }
    }

    private static func decodeCores(_ r: inout BinaryReader) throws -> [CoreImage] {
        let n = try r.count("cores", itemSize: 25)
        var cores: [CoreImage] = []
        cores.reserveCapacity(n)
        for _ in 0..<n {
            let population = try r.count("the population index")
            let x = Int(try r.u16()), y = Int(try r.u16()), p = Int(try r.u8())
            let first = Int(try r.u32()), count = Int(try r.u32())
            let keyBase = try r.u32(), keyMask = try r.u32()
            cores.append(CoreImage(
                population: population, location: CoreLocation(chip: ChipCoordinate(x: x, y: y), processor: p),
                firstNeuron: first, neuronCount: count, keyBase: keyBase, keyMask: keyMask,
                initialState: [], synapses: .empty(indexBits: 0), sourceEvents: []))
        }
        return cores
    }

    private static func decodeInitialState(_ r: inout BinaryReader, _ cores: Int) throws -> [[[Double]]] {
        try expectCount(&r, cores, "core states")
        var out: [[[Double]]] = []
        for _ in 0..<cores {
            let variables = try r.count("state variables", itemSize: 4)
            var state: [[Double]] = []
            for _ in 0..<variables { state.append(try r.f64s("initial values")) }
            out.append(state)
        }
        return out
    }

    private static func decodeSynapses(_ r: inout BinaryReader, _ cores: Int) throws -> [SynapticMatrix] {
        try expectCount(&r, cores, "synaptic matrices")
        var out: [SynapticMatrix] = []
        for _ in 0..<cores {
            let indexBits = Int(try r.u8("index bits")), slotBits = Int(try r.u8("slot bits"))
            let nShifts = try r.count("weight shifts")
            var shifts: [Int8] = []
            for _ in 0..<nShifts { shifts.append(try r.i8("a weight shift")) }
            let nEntries = try r.count("master population table entries", itemSize: 20)
            var entries: [MasterPopulationEntry] = []
            for _ in 0..<nEntries {
                entries.append(MasterPopulationEntry(key: try r.u32(), mask: try r.u32(), firstRow: try r.u32(), rows: try r.u32(), rowLength: try r.u32()))
            }
            let rowStarts = try r.u32s("row starts")
            let words = try r.u32s("synapse words")
            let weights = try r.f64s("synapse weights")
            out.append(SynapticMatrix(indexBits: indexBits, slotBits: slotBits, shifts: shifts, entries: entries, rowStarts: rowStarts, words: words, weights: weights))
        }
        return out
    }

    private static func decodeSourceEvents(_ r: inout BinaryReader, _ cores: Int) throws -> [[SourceEvent]] {
        try expectCount(&r, cores, "source event lists")
        var out: [[SourceEvent]] = []
        for _ in 0..<cores {
            let n = try r.count("source events", itemSize: 6)
            var events: [SourceEvent] = []
            events.reserveCapacity(n)
            for _ in 0..<n { events.append(SourceEvent(tick: try r.u32(), neuron: try r.u16())) }
            out.append(events)
        }
        return out
    }

    private static func decodeRouting(_ r: inout BinaryReader) throws -> [RoutingTable] {
        let n = try r.count("routing tables", itemSize: 8)
        var tables: [RoutingTable] = []
        for _ in 0..<n {
            let chip = ChipCoordinate(x: Int(try r.u16()), y: Int(try r.u16()))
            let m = try r.count("routing entries", itemSize: 12)
            var entries: [RoutingEntry] = []
            for _ in 0..<m { entries.append(RoutingEntry(key: try r.u32(), mask: try r.u32(), route: try r.u32())) }
            tables.append(RoutingTable(chip: chip, entries: entries))
        }
        return tables
    }
}
