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
            return "chip image format \(major).\(minor) is not supported: this build reads formats \(ChipImageCodec.readableMajors.map { "\($0).x" }.joined(separator: " and ")); compile the network again with this build"
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
    /// 2.0 stores synaptic rows compactly (row lengths in a byte or two, full-precision weights
    /// only where the 16-bit ones lose them, none in an image for `s1615` only), marks
    /// delay-extension cores in CORE, and adds DTCM figures and dead parts to MACH.
    /// 2.1 adds the PLAS section (plastic synapses) and the projections' STDP rules in PROJ.
    /// 2.2 adds the XBAR section (the crossbar settings of a memristor-crossbar target).
    public static let formatMajor = 2
    public static let formatMinor = 2
    /// Major versions this build reads. 1.1 added the step convention and time scale factor to
    /// NETW and the PROJ section; a 1.0 image reads with the `brian2` convention it ran under,
    /// real time and no projection list.
    public static let readableMajors = 1...2

    /// Section ids in the order they are written, with their names in messages.
    static let sectionNames: [(id: String, name: String)] = [
        ("MACH", "MACH (machine description)"),
        ("NETW", "NETW (network settings)"),
        ("POPS", "POPS (populations)"),
        ("PROJ", "PROJ (projections)"),
        ("CORE", "CORE (core placements and keys)"),
        ("INIT", "INIT (initial state)"),
        ("SYNM", "SYNM (synaptic matrices)"),
        ("PLAS", "PLAS (plastic synapses)"),
        ("SRCE", "SRCE (spike-source events)"),
        ("ROUT", "ROUT (routing tables)"),
        ("XBAR", "XBAR (crossbar settings)"),
        ("MAPR", "MAPR (mapping report)"),
    ]

    static func name(_ id: String) -> String {
        sectionNames.first { $0.id == id }?.name ?? id
    }

    // MARK: Encoding

    /// The image's bytes, in memory.
    public static func encode(_ image: ChipImage) -> [UInt8] {
        let sections = encoders(image)
        var payloads: [(String, [UInt8])] = []
        for (id, encode) in sections {
            var w = BinaryWriter()
            encode(&w)
            payloads.append((id, w.bytes))
        }
        return assemble(payloads)
    }

    /// Writes the image to `path` section by section, never holding a whole section in memory,
    /// under a temporary name renamed into place (``FileAccess/writeReplacing(_:_:)-(_,(FileOutput))``).
    /// Returns the file's size in bytes. The bytes are those ``encode(_:)`` gives.
    @discardableResult
    public static func write(_ image: ChipImage, to path: String) throws -> Int {
        let sections = encoders(image)
        var size = 0
        try FileAccess.writeReplacing(path) { out in
            let headerSize = 12 + sections.count * 24 + 4
            try [UInt8](repeating: 0, count: headerSize).withUnsafeBytes { try out.write($0) }
            var directory: [(String, Int, Int, UInt32)] = []
            var offset = headerSize
            for (id, encode) in sections {
                var crc = CRC32.initial, length = 0
                var failure: Error?
                var w = BinaryWriter()
                w.sink = { chunk in
                    guard failure == nil else { return }
                    chunk.withUnsafeBytes { crc = CRC32.update(crc, $0) }
                    length += chunk.count
                    do { try chunk.withUnsafeBytes { try out.write($0) } } catch { failure = error }
                }
                encode(&w)
                w.drain()
                if let failure { throw failure }
                directory.append((id, offset, length, CRC32.finish(crc)))
                offset += length
            }
            try out.write(header(directory), at: 0)
            size = offset
        }
        return size
    }

    /// Each section's id and the code that writes its payload, in file order.
    private static func encoders(_ image: ChipImage) -> [(String, (inout BinaryWriter) -> Void)] {
        typealias Encoder = (String, (inout BinaryWriter) -> Void)
        var sections: [Encoder] = [
            ("MACH", { $0.bytes.append(contentsOf: json(image.machine)) }),
            ("NETW", { $0.bytes.append(contentsOf: json(image.network)) }),
            ("POPS", { $0.bytes.append(contentsOf: json(image.populations)) }),
            ("PROJ", { $0.bytes.append(contentsOf: json(image.projections)) }),
            ("CORE", { encodeCores(image.cores, &$0) }),
            ("INIT", { encodeInitialState(image.cores, &$0) }),
            ("SYNM", { encodeSynapses(image.cores, &$0) }),
        ]
        if image.cores.contains(where: { !$0.synapses.plasticWords.isEmpty }) {
            sections.append(("PLAS", { encodePlasticity(image.cores, &$0) }))
        }
        sections.append(("SRCE", { encodeSourceEvents(image.cores, &$0) }))
        sections.append(("ROUT", { encodeRouting(image.routingTables, &$0) }))
        if let settings = image.machine.crossbar { sections.append(("XBAR", { $0.bytes.append(contentsOf: json(settings)) })) }
        sections.append(("MAPR", { $0.bytes.append(contentsOf: Array(image.mappingReport.utf8)) }))
        return sections
    }

    /// The header, directory and sections of an image whose section payloads are `payloads`, in
    /// order, with their checksums.
    static func assemble(_ payloads: [(String, [UInt8])]) -> [UInt8] {
        var offset = 12 + payloads.count * 24 + 4
        var directory: [(String, Int, Int, UInt32)] = []
        for (id, bytes) in payloads {
            directory.append((id, offset, bytes.count, CRC32.checksum(bytes)))
            offset += bytes.count
        }
        var out = header(directory)
        out.reserveCapacity(offset)
        for (_, bytes) in payloads { out.append(contentsOf: bytes) }
        return out
    }

    /// The header and section directory (id, offset, length, CRC-32 per section), with its own
    /// checksum.
    private static func header(_ directory: [(String, Int, Int, UInt32)]) -> [UInt8] {
        var header = BinaryWriter()
        header.bytes.append(contentsOf: magic)
        header.u16(UInt16(formatMajor << 8 | formatMinor))
        header.u16(0)
        header.count(directory.count)
        for (id, offset, length, crc) in directory {
            header.bytes.append(contentsOf: Array(id.utf8))
            header.u64(UInt64(offset))
            header.u64(UInt64(length))
            header.u32(crc)
        }
        header.u32(CRC32.checksum(header.bytes))
        return header.bytes
    }

    private static func json<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding our own plain value types cannot fail.
        return Array(try! encoder.encode(value))
    }

    private static func encodeCores(_ cores: [CoreImage], _ w: inout BinaryWriter) {
        w.count(cores.count)
        for c in cores {
            w.count(c.population)
            w.u16(UInt16(c.location.chip.x)); w.u16(UInt16(c.location.chip.y)); w.u8(UInt8(c.location.processor))
            w.count(c.firstNeuron); w.count(c.neuronCount)
            w.u32(c.keyBase); w.u32(c.keyMask)
            if let d = c.delayExtension {
                w.u8(1); w.count(d.source); w.count(d.stage); w.count(d.stageTicks)
            } else {
                w.u8(0)
            }
        }
    }

    private static func encodeInitialState(_ cores: [CoreImage], _ w: inout BinaryWriter) {
        w.count(cores.count)
        for c in cores {
            w.count(c.initialState.count)
            for values in c.initialState { w.f64s(values) }
            w.drainIfLarge()
        }
    }

    /// PLAS: the cores with plastic synapses; per core its index, then its plastic words (u32
    /// word index, u16 projection).
    private static func encodePlasticity(_ cores: [CoreImage], _ w: inout BinaryWriter) {
        let plastic = cores.indices.filter { !cores[$0].synapses.plasticWords.isEmpty }
        w.count(plastic.count)
        for c in plastic {
            w.u32(UInt32(c))
            let words = cores[c].synapses.plasticWords
            w.count(words.count)
            for p in words {
                w.u32(p.word)
                w.u16(p.projection)
            }
            w.drainIfLarge()
        }
    }

    private static func decodePlasticity(_ r: inout BinaryReader, _ cores: Int) throws -> [Int: [PlasticWord]] {
        var out: [Int: [PlasticWord]] = [:]
        for _ in 0..<(try r.count("cores with plastic synapses", itemSize: 8)) {
            let c = Int(try r.u32("a core index"))
            guard c < cores, out[c] == nil else { throw BinaryReader.OutOfData(detail: "names core \(c) twice or beyond the image's \(cores)") }
            out[c] = try (0..<(try r.count("plastic synapses", itemSize: 6))).map { _ in
                PlasticWord(word: try r.u32("a word index"), projection: try r.u16("a projection"))
            }
        }
        return out
    }

    /// Weight encodings of a matrix in SYNM.
    private enum WeightEncoding: UInt8 {
        case absent = 0, perWord = 1, table = 2
    }

    private static func encodeSynapses(_ cores: [CoreImage], _ w: inout BinaryWriter) {
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
            w.count(m.rows.count)
            w.u8(UInt8(m.rows.lengthBytes))
            m.rows.withLittleEndianLengths { w.raw($0) }
            w.count(m.words.count)
            m.words.withLittleEndianBytes { w.raw($0) }
            switch m.floatWeights {
            case .absent: w.u8(WeightEncoding.absent.rawValue)
            case .perWord(let weights):
                w.u8(WeightEncoding.perWord.rawValue)
                w.raw(weights)
            case .byWeightField(let table):
                w.u8(WeightEncoding.table.rawValue)
                w.u32s(table.keys)
                w.raw(table.values)
            }
            w.drainIfLarge()
        }
    }

    private static func encodeSourceEvents(_ cores: [CoreImage], _ w: inout BinaryWriter) {
        w.count(cores.count)
        for c in cores {
            w.count(c.sourceEvents.count)
            for e in c.sourceEvents { w.u32(e.tick); w.u16(e.neuron) }
            w.drainIfLarge()
        }
    }

    private static func encodeRouting(_ tables: [RoutingTable], _ w: inout BinaryWriter) {
        w.count(tables.count)
        for t in tables {
            w.u16(UInt16(t.chip.x)); w.u16(UInt16(t.chip.y))
            w.count(t.entries.count)
            for e in t.entries { w.u32(e.key); w.u32(e.mask); w.u32(e.route) }
        }
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
        try bytes.withUnsafeBytes { try sections(of: $0) }
    }

    /// The sections of the image in `bytes`; see ``sections(of:)-([UInt8])``.
    public static func sections(of bytes: UnsafeRawBufferPointer) throws -> [SectionInfo] {
        try readDirectory(bytes).directory.map { SectionInfo(id: $0.0, name: name($0.0), offset: $0.1, length: $0.2, crc32: $0.3) }
    }

    /// The format version of an image whose header is sound, as (major, minor).
    public static func version(of bytes: [UInt8]) throws -> (major: Int, minor: Int) {
        try bytes.withUnsafeBytes { try version(of: $0) }
    }

    /// The format version of the image in `bytes`; see ``version(of:)-([UInt8])``.
    public static func version(of bytes: UnsafeRawBufferPointer) throws -> (major: Int, minor: Int) {
        _ = try readDirectory(bytes)
        return (Int(bytes[5]), Int(bytes[4]))
    }

    /// The image in `bytes`; see ``decode(_:workers:)-(UnsafeRawBufferPointer,Int)``.
    public static func decode(_ bytes: [UInt8], workers: Int = 1) throws -> ChipImage {
        try bytes.withUnsafeBytes { try decode($0, workers: workers) }
    }

    /// The image in `file`, decoded where its bytes lie (``MappedFile``). Its synapse words and
    /// row lengths stay there, not copied: the image holds the file (mapped) while it lives.
    /// `workers`: as for ``decode(_:workers:)-(UnsafeRawBufferPointer,Int)``.
    public static func decode(_ file: MappedFile, workers: Int = 1) throws -> ChipImage {
        try file.withUnsafeBytes { bytes in try decode(bytes, workers: workers) { StoredBytes(inPlace: $0, keptBy: file) } }
    }

    /// The image in `bytes`, read in place and copied where the image keeps bytes (its synapse
    /// words and row lengths); refused, with the section and the reason, when it is damaged or
    /// inconsistent (``ChipImageError``). With `workers` above 1 (default 1), the synaptic
    /// matrices' row indices and checks, which read every row length and synapse word, run
    /// core by core on several threads (``ParallelIndices``); the image, and the message that
    /// refuses a bad one, are the same.
    public static func decode(_ bytes: UnsafeRawBufferPointer, workers: Int = 1) throws -> ChipImage {
        try decode(bytes, workers: workers) { StoredBytes(copying: $0) }
    }

    /// The image in `bytes`, its synapse words and row lengths kept as `store` keeps a piece of
    /// `bytes`.
    private static func decode(_ bytes: UnsafeRawBufferPointer, workers: Int,
                               store: (UnsafeRawBufferPointer) -> StoredBytes) throws -> ChipImage {
        let (directory, major) = try readDirectory(bytes)
        var ranges: [String: Range<Int>] = [:]
        for (id, offset, length, _) in directory { ranges[id] = offset..<offset + length }
        func section(_ id: String) throws -> Range<Int> {
            guard let r = ranges[id] else { throw ChipImageError.missingSection(name(id)) }
            return r
        }
        func decodeJSON<T: Decodable>(_ type: T.Type, _ id: String) throws -> T {
            do { return try JSONDecoder().decode(type, from: Data(UnsafeRawBufferPointer(rebasing: bytes[try section(id)]))) } catch let e as ChipImageError {
                throw e
            } catch {
                throw ChipImageError.malformedSection(name(id), "its JSON does not decode (\(error))")
            }
        }
        func binary<T>(_ id: String, _ body: (inout BinaryReader) throws -> T) throws -> T {
            var r = BinaryReader(bytes, range: try section(id))
            do {
                let value = try body(&r)
                if !r.atEnd { throw ChipImageError.malformedSection(name(id), "\(r.remaining) bytes left over after its content") }
                return value
            } catch let e as BinaryReader.OutOfData {
                throw ChipImageError.malformedSection(name(id), e.detail)
            }
        }
        var machine = try decodeJSON(MachineDescription.self, "MACH")
        if ranges["XBAR"] != nil { machine.crossbar = try decodeJSON(CrossbarSettings.self, "XBAR") }
        let network = try decodeJSON(NetworkInfo.self, "NETW")
        let populations = try decodeJSON([PopulationInfo].self, "POPS")
        let projections = ranges["PROJ"] == nil ? [] : try decodeJSON([ProjectionInfo].self, "PROJ")
        var cores = try binary("CORE") { try decodeCores(&$0, major: major) }
        let initial = try binary("INIT") { try decodeInitialState(&$0, cores.count) }
        let synapses = try binary("SYNM") { major == 1 ? try decodeSynapsesV1(&$0, cores.count, store: store) : try decodeSynapses(&$0, cores.count, workers: workers, store: store) }
        let plastic = ranges["PLAS"] == nil ? [:] : try binary("PLAS") { try decodePlasticity(&$0, cores.count) }
        let events = try binary("SRCE") { try decodeSourceEvents(&$0, cores.count) }
        let tables = try binary("ROUT") { try decodeRouting(&$0) }
        let report = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[try section("MAPR")]), as: UTF8.self)
        for i in cores.indices {
            cores[i].initialState = initial[i]
            cores[i].synapses = synapses[i]
            cores[i].synapses.plasticWords = plastic[i] ?? []
            cores[i].sourceEvents = events[i]
        }
        let image = ChipImage(machine: machine, network: network, populations: populations, projections: projections, cores: cores,
                              routingTables: tables, mappingReport: report)
        try ChipImageValidator.validate(image, workers: workers)
        return image
    }

    /// The section directory, checked (magic, version, header checksum, bounds, section
    /// checksums), and the format's major version.
    private static func readDirectory(_ bytes: UnsafeRawBufferPointer) throws -> (directory: [(String, Int, Int, UInt32)], major: Int) {
        guard bytes.count >= 4, Array(bytes[0..<4]) == magic else {
            throw ChipImageError.notAnImage(bytes.count < 4 ? "the file is only \(bytes.count) bytes" : "it does not start with the magic 'NCHP'")
        }
        var r = BinaryReader(bytes)
        do {
            _ = try r.raw(4, "the magic")
            let version = Int(try r.u16("the format version"))
            if !readableMajors.contains(version >> 8) { throw ChipImageError.unsupportedVersion(major: version >> 8, minor: version & 0xFF) }
            _ = try r.u16("the reserved field")
            let n = try r.count("sections", itemSize: 24)
            var directory: [(String, Int, Int, UInt32)] = []
            for _ in 0..<n {
                let id = String(decoding: try r.raw(4, "a section id"), as: UTF8.self)
                let offset = try r.u64("a section offset"), length = try r.u64("a section length")
                let crc = try r.u32("a section checksum")
                directory.append((id, Int(clamping: offset), Int(clamping: length), crc))
            }
            let headerEnd = r.position
            let expected = try r.u32("the header checksum")
            let found = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<headerEnd]))
            if expected != found {
                throw ChipImageError.damagedHeader(String(format: "checksum 0x%08x, expected 0x%08x", found, expected))
            }
            // The sections follow the header back to back, in directory order, to the end of the
            // file: each once, nothing between them or after them.
            var seen: Set<String> = []
            var expectedOffset = headerEnd + 4
            for (id, offset, length, crc) in directory {
                guard offset <= bytes.count, length <= bytes.count - offset else {
                    throw ChipImageError.truncatedSection(name(id), "it should hold \(length) bytes from offset \(offset), the file ends at \(bytes.count)")
                }
                guard seen.insert(id).inserted else { throw ChipImageError.damagedHeader("section \(name(id)) appears twice in the directory") }
                guard offset == expectedOffset else {
                    throw ChipImageError.damagedHeader("section \(name(id)) starts at offset \(offset), expected \(expectedOffset) (sections follow each other without gaps)")
                }
                let sum = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]))
                if sum != crc { throw ChipImageError.checksumMismatch(name(id), expected: crc, found: sum) }
                expectedOffset = offset + length
            }
            guard expectedOffset == bytes.count else {
                throw ChipImageError.damagedHeader("\(bytes.count - expectedOffset) bytes follow the last section")
            }
            return (directory, version >> 8)
        } catch let e as BinaryReader.OutOfData {
            throw ChipImageError.damagedHeader(e.detail)
        }
    }

    private static func expectCount(_ r: inout BinaryReader, _ n: Int, _ what: String) throws {
        let found = try r.count(what)
        if found != n { throw BinaryReader.OutOfData(detail: "holds \(found) \(what), the image has \(n) cores") }
    }

    private static func decodeCores(_ r: inout BinaryReader, major: Int) throws -> [CoreImage] {
        let n = try r.count("cores", itemSize: major == 1 ? 25 : 26)
        var cores: [CoreImage] = []
        cores.reserveCapacity(n)
        for _ in 0..<n {
            let population = try r.count("the population index")
            let x = Int(try r.u16()), y = Int(try r.u16()), p = Int(try r.u8())
            let first = Int(try r.u32()), count = Int(try r.u32())
            let keyBase = try r.u32(), keyMask = try r.u32()
            var delay: DelayExtension?
            if major >= 2 {
                switch try r.u8("a core's role") {
                case 0: break
                case 1: delay = DelayExtension(source: Int(try r.u32()), stage: Int(try r.u32()), stageTicks: Int(try r.u32()))
                case let role: throw BinaryReader.OutOfData(detail: "a core has role \(role); expected 0 (neurons) or 1 (delay extension)")
                }
            }
            cores.append(CoreImage(
                population: population, location: CoreLocation(chip: ChipCoordinate(x: x, y: y), processor: p),
                firstNeuron: first, neuronCount: count, keyBase: keyBase, keyMask: keyMask,
                initialState: [], synapses: .empty(indexBits: 0), sourceEvents: [], delayExtension: delay))
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

    /// The ring-buffer layout, shifts and master population table of a matrix (alike in 1.x and 2.x).
    private static func decodeMatrixHead(_ r: inout BinaryReader) throws -> (Int, Int, [Int8], [MasterPopulationEntry]) {
        let indexBits = Int(try r.u8("index bits")), slotBits = Int(try r.u8("slot bits"))
        let nShifts = try r.count("weight shifts")
        var shifts: [Int8] = []
        for _ in 0..<nShifts { shifts.append(try r.i8("a weight shift")) }
        let nEntries = try r.count("master population table entries", itemSize: 20)
        var entries: [MasterPopulationEntry] = []
        entries.reserveCapacity(nEntries)
        for _ in 0..<nEntries {
            entries.append(MasterPopulationEntry(key: try r.u32(), mask: try r.u32(), firstRow: try r.u32(), rows: try r.u32(), rowLength: try r.u32()))
        }
        return (indexBits, slotBits, shifts, entries)
    }

    /// Format 1.x: row starts, words and one f64 weight per word.
    private static func decodeSynapsesV1(_ r: inout BinaryReader, _ cores: Int,
                                         store: (UnsafeRawBufferPointer) -> StoredBytes) throws -> [SynapticMatrix] {
        try expectCount(&r, cores, "synaptic matrices")
        var out: [SynapticMatrix] = []
        for _ in 0..<cores {
            let (indexBits, slotBits, shifts, entries) = try decodeMatrixHead(&r)
            guard let rows = RowIndex(starts: try r.u32s("row starts")) else {
                throw BinaryReader.OutOfData(detail: "row starts that do not start at 0 and rise")
            }
            let words = try synapseWords(&r, store: store)
            let weights = try r.f64s("synapse weights")
            out.append(SynapticMatrix(indexBits: indexBits, slotBits: slotBits, shifts: shifts, entries: entries, rows: rows,
                                      words: words, floatWeights: .perWord(weights)))
        }
        return out
    }

    /// A count, then that many synapse words, kept as `store` keeps a piece of the image.
    private static func synapseWords(_ r: inout BinaryReader, store: (UnsafeRawBufferPointer) -> StoredBytes) throws -> SynapseWords {
        SynapseWords(store(try r.raw(4 * (try r.count("synapse words", itemSize: 4)), "synapse words")))
    }

    /// Format 2.x: row lengths in 1, 2 or 4 bytes, words, and the float weights as the matrix
    /// keeps them. The matrices are read in order; their row indices (a pass over every row
    /// length) are built on `workers` threads once all are read.
    private static func decodeSynapses(_ r: inout BinaryReader, _ cores: Int, workers: Int,
                                       store: (UnsafeRawBufferPointer) -> StoredBytes) throws -> [SynapticMatrix] {
        try expectCount(&r, cores, "synaptic matrices")
        var read: [ReadMatrix] = []
        for _ in 0..<cores {
            let (indexBits, slotBits, shifts, entries) = try decodeMatrixHead(&r)
            let count = try r.count("rows")
            // The lengths and words are kept as they lie in the file (in place where it is
            // mapped), with no u32 start per row.
            let lengthBytes = Int(try r.u8("the bytes of a row length"))
            guard [1, 2, 4].contains(lengthBytes) else {
                throw BinaryReader.OutOfData(detail: "row lengths of \(lengthBytes) bytes; expected 1, 2 or 4")
            }
            let lengths = store(try r.raw(count * lengthBytes, "row lengths"))
            let words = try synapseWords(&r, store: store)
            let weights: FloatWeights
            switch WeightEncoding(rawValue: try r.u8("the weight encoding")) {
            case .absent: weights = .absent
            case .perWord: weights = .perWord(try r.values(UInt64.self, count: words.count, "synapse weights").map { Double(bitPattern: $0) })
            case .table:
                let keys = try r.u32s("weight table keys")
                let values = try r.values(UInt64.self, count: keys.count, "weight table values").map { Double(bitPattern: $0) }
                weights = .byWeightField(WeightTable(keys: keys, values: values))
            case nil: throw BinaryReader.OutOfData(detail: "an unknown weight encoding; expected 0 (none), 1 (per synapse) or 2 (table)")
            }
            read.append(ReadMatrix(indexBits: indexBits, slotBits: slotBits, shifts: shifts, entries: entries, rows: count,
                                   lengthBytes: lengthBytes, lengths: lengths, words: words, weights: weights))
        }
        let indices = ParallelIndices.map(cores, workers: workers) { c in
            RowIndex(lengthBytes: read[c].lengthBytes, count: read[c].rows, lengths: read[c].lengths)
        }
        return try (0..<cores).map { c in
            guard let rows = indices[c] else { throw BinaryReader.OutOfData(detail: "rows of more than 2^32 synapse words") }
            let m = read[c]
            guard m.words.count == rows.words else {
                throw BinaryReader.OutOfData(detail: "the row lengths add up to \(rows.words) synapse words, the matrix has \(m.words.count)")
            }
            return SynapticMatrix(indexBits: m.indexBits, slotBits: m.slotBits, shifts: m.shifts, entries: m.entries,
                                  rows: rows, words: m.words, floatWeights: m.weights)
        }
    }

    /// A format 2.x matrix as read, before its row index is built.
    private struct ReadMatrix {
        var indexBits: Int
        var slotBits: Int
        var shifts: [Int8]
        var entries: [MasterPopulationEntry]
        var rows: Int
        var lengthBytes: Int
        var lengths: StoredBytes
        var words: SynapseWords
        var weights: FloatWeights
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
