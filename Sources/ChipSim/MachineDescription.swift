/// Everything the compiler and the chip model need to know about a target machine.
///
/// A machine description is data: the built-in default is ``spinn5`` and `configs/*.yaml`
/// describe others. Every number here is a default of the real SpiNNaker hardware or of
/// sPyNNaker (sources in `docs/hardware.md`), never a constant buried in code.
public struct MachineDescription: Codable, Equatable, Sendable {
    /// Target name, e.g. `spinn-5`.
    public var name: String
    /// How chips fill the bounding box.
    public var layout: BoardLayout
    /// Bounding-box width in chips.
    public var width: Int
    /// Bounding-box height in chips.
    public var height: Int
    /// Whether links wrap around the edges (a torus). A single SpiNN-5 board does not.
    public var wrapsAround: Bool
    /// Cores per chip, monitor included. Default 18.
    public var coresPerChip: Int
    /// Cores per chip reserved for the monitor (SCAMP). Default 1; core 0 is the monitor.
    public var monitorCoresPerChip: Int
    /// Core clock in Hz. Default 200 MHz.
    public var clockHz: Double
    /// SDRAM per chip usable by applications, bytes. Default 123,469,792.
    public var sdramBytesPerChip: Int
    /// Usable multicast routing entries per chip. Default 1023 (1024 minus one kept by SCAMP).
    public var routerEntries: Int
    /// Router cycles a blocked packet waits before it is dropped. Default 480 (wait1 = 0x4F).
    public var routerWaitCycles: Int
    /// Neurons (or source atoms) per core at most. Default 256.
    public var maxNeuronsPerCore: Int
    /// Index bits of a core's ring buffer (slot, synapse type, neuron). Default 14 (32 KB of DTCM).
    public var ringBufferIndexBits: Int
    /// Synapse words per synaptic row at most. Default 256.
    public var maxRowWords: Int
    /// Packets a core's input spike buffer holds. Default 256.
    public var inputBufferPackets: Int
    /// Per-tick work model of a core, in CPU cycles.
    public var costs: CoreCosts
    /// Power and energy model.
    public var energy: EnergyModel
    /// Routers, links, DMA and queues as the cycle-level engine times them.
    public var timing: CycleTiming
    /// What a core's DTCM holds, in bytes. Default ``CoreMemory/init()``.
    public var memory: CoreMemory
    /// Chips that do not work: no core runs there and no packet crosses them. Default none.
    public var deadChips: [ChipCoordinate]
    /// Links that do not work, in both directions (a link and its opposite on the neighbour).
    /// Default none.
    public var deadLinks: [ChipLink]
    /// Application processors that do not work; nothing is placed on them. Default none.
    public var deadCores: [CoreLocation]
    /// Set on a memristor-crossbar target (`configs/crossbar.yaml`): every neuron core keeps its
    /// synapses in crossbar tiles of these settings instead of synaptic rows in SDRAM
    /// (`docs/crossbar.md`). Default nil, the digital SpiNNaker target. Not part of `MACH`'s JSON:
    /// an image carries it in its own section, `XBAR`.
    public var crossbar: CrossbarSettings?

    /// The keys of `MACH`'s JSON: every field but ``crossbar``.
    private enum CodingKeys: String, CodingKey {
        case name, layout, width, height, wrapsAround, coresPerChip, monitorCoresPerChip, clockHz, sdramBytesPerChip, routerEntries,
             routerWaitCycles, maxNeuronsPerCore, ringBufferIndexBits, maxRowWords, inputBufferPackets, costs, energy, timing, memory,
             deadChips, deadLinks, deadCores
    }

    /// The chips that exist and work, in (y, x) order.
    public var chips: [ChipCoordinate] { layout.chips(width: width, height: height).filter { !deadChips.contains($0) } }

    /// How many chips exist and work (``chips``, counted without listing them).
    public var chipCount: Int {
        let all: Int
        switch layout {
        case .rectangle, .triads: all = width * height
        case .spinn5: all = layout.chips(width: width, height: height).count
        }
        return all - deadChips.count
    }

    /// Application cores that work, on every working chip.
    public var workingApplicationCores: Int {
        deadCores.isEmpty ? chipCount * applicationCoresPerChip : chips.reduce(0) { $0 + applicationProcessors(on: $1).count }
    }

    /// SpiNN-5 boards of the machine (0 for a rectangle that is not built of them).
    public var boards: Int { layout.boards(width: width, height: height) }

    /// Application cores per chip (all cores but the monitors).
    public var applicationCoresPerChip: Int { coresPerChip - monitorCoresPerChip }

    public init(
        name: String, layout: BoardLayout, width: Int, height: Int, wrapsAround: Bool,
        coresPerChip: Int = 18, monitorCoresPerChip: Int = 1, clockHz: Double = 200e6,
        sdramBytesPerChip: Int = 123_469_792, routerEntries: Int = 1023, routerWaitCycles: Int = 480,
        maxNeuronsPerCore: Int = 256, ringBufferIndexBits: Int = 14, maxRowWords: Int = 256,
        inputBufferPackets: Int = 256, costs: CoreCosts = CoreCosts(), energy: EnergyModel = EnergyModel(),
        timing: CycleTiming = CycleTiming(), memory: CoreMemory = CoreMemory(), deadChips: [ChipCoordinate] = [],
        deadLinks: [ChipLink] = [], deadCores: [CoreLocation] = [], crossbar: CrossbarSettings? = nil
    ) {
        self.name = name
        self.layout = layout
        self.width = width
        self.height = height
        self.wrapsAround = wrapsAround
        self.coresPerChip = coresPerChip
        self.monitorCoresPerChip = monitorCoresPerChip
        self.clockHz = clockHz
        self.sdramBytesPerChip = sdramBytesPerChip
        self.routerEntries = routerEntries
        self.routerWaitCycles = routerWaitCycles
        self.maxNeuronsPerCore = maxNeuronsPerCore
        self.ringBufferIndexBits = ringBufferIndexBits
        self.maxRowWords = maxRowWords
        self.inputBufferPackets = inputBufferPackets
        self.costs = costs
        self.energy = energy
        self.timing = timing
        self.memory = memory
        self.deadChips = deadChips
        self.deadLinks = deadLinks
        self.deadCores = deadCores
        self.crossbar = crossbar
    }

    /// Images of format 1.0 and 1.1 have no cycle timing: they take the defaults. Images before
    /// 2.0 have no DTCM figures and no dead parts: they take the defaults and none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        layout = try c.decode(BoardLayout.self, forKey: .layout)
        width = try c.decode(Int.self, forKey: .width)
        height = try c.decode(Int.self, forKey: .height)
        wrapsAround = try c.decode(Bool.self, forKey: .wrapsAround)
        coresPerChip = try c.decode(Int.self, forKey: .coresPerChip)
        monitorCoresPerChip = try c.decode(Int.self, forKey: .monitorCoresPerChip)
        clockHz = try c.decode(Double.self, forKey: .clockHz)
        sdramBytesPerChip = try c.decode(Int.self, forKey: .sdramBytesPerChip)
        routerEntries = try c.decode(Int.self, forKey: .routerEntries)
        routerWaitCycles = try c.decode(Int.self, forKey: .routerWaitCycles)
        maxNeuronsPerCore = try c.decode(Int.self, forKey: .maxNeuronsPerCore)
        ringBufferIndexBits = try c.decode(Int.self, forKey: .ringBufferIndexBits)
        maxRowWords = try c.decode(Int.self, forKey: .maxRowWords)
        inputBufferPackets = try c.decode(Int.self, forKey: .inputBufferPackets)
        costs = try c.decode(CoreCosts.self, forKey: .costs)
        energy = try c.decode(EnergyModel.self, forKey: .energy)
        timing = try c.decodeIfPresent(CycleTiming.self, forKey: .timing) ?? CycleTiming()
        memory = try c.decodeIfPresent(CoreMemory.self, forKey: .memory) ?? CoreMemory()
        deadChips = try c.decodeIfPresent([ChipCoordinate].self, forKey: .deadChips) ?? []
        deadLinks = try c.decodeIfPresent([ChipLink].self, forKey: .deadLinks) ?? []
        deadCores = try c.decodeIfPresent([CoreLocation].self, forKey: .deadCores) ?? []
    }

    /// One SpiNN-5 board: 48 chips in an 8 × 8 hexagon, no wrap-around. The built-in default target.
    public static let spinn5 = MachineDescription(name: "spinn-5", layout: .spinn5, width: 8, height: 8, wrapsAround: false)

    /// One SpiNN-3 board: 4 chips, 2 × 2, wrapping both ways.
    public static let spinn3 = MachineDescription(name: "spinn-3", layout: .rectangle, width: 2, height: 2, wrapsAround: true)

    /// The chip one step along `link` from `chip`, or nil where the machine ends, the chip
    /// there is dead or the link is dead.
    public func neighbour(of chip: ChipCoordinate, along link: Link) -> ChipCoordinate? {
        var x = chip.x + link.delta.dx
        var y = chip.y + link.delta.dy
        if wrapsAround {
            x = (x % width + width) % width
            y = (y % height + height) % height
        }
        let next = ChipCoordinate(x: x, y: y)
        guard exists(next) else { return nil }
        if !deadLinks.isEmpty, isDead(ChipLink(chip: chip, link: link)) || isDead(ChipLink(chip: next, link: link.opposite)) {
            return nil
        }
        return next
    }

    /// Whether a chip exists on this machine and works.
    public func exists(_ chip: ChipCoordinate) -> Bool {
        guard chip.x >= 0, chip.y >= 0, chip.x < width, chip.y < height, layout.contains(x: chip.x, y: chip.y) else { return false }
        return deadChips.isEmpty || !deadChips.contains(chip)
    }

    /// The application processors of `chip` that work, in order (none on a dead chip).
    public func applicationProcessors(on chip: ChipCoordinate) -> [Int] {
        guard exists(chip) else { return [] }
        let all = monitorCoresPerChip..<coresPerChip
        if deadCores.isEmpty { return Array(all) }
        return all.filter { !deadCores.contains(CoreLocation(chip: chip, processor: $0)) }
    }

    /// Whether the machine lists `link` as dead (either end of a link may be listed).
    private func isDead(_ link: ChipLink) -> Bool { deadLinks.contains(link) }

    /// The SpiNN-5 board a chip is on (``BoardLayout/board(of:width:height:)``).
    public func board(of chip: ChipCoordinate) -> Int? { layout.board(of: chip, width: width, height: height) }

    /// A machine of `triadsAcross` × `triadsDown` triads of SpiNN-5 boards (3 boards each,
    /// 12 × 12 chips), wrapping around as multi-board machines do, with SpiNNaker's defaults;
    /// named `spinn-5x<boards>`.
    public static func spinn5Triads(across triadsAcross: Int, down triadsDown: Int) -> MachineDescription {
        MachineDescription(name: "spinn-5x\(3 * triadsAcross * triadsDown)", layout: .triads,
                           width: 12 * triadsAcross, height: 12 * triadsDown, wrapsAround: true)
    }

    /// The SpiNN-5 machines `--target auto` chooses among, fewest boards first: one board, then
    /// rectangles of triads (3, 6, 9, 12, … boards; of two with as many boards, the squarer) up
    /// to the largest whose sides fit ``maxChipsAcross``.
    public static var spinn5Machines: [MachineDescription] {
        let most = maxChipsAcross / 12
        var shapes: [(Int, Int)] = []
        for across in 1...most { for down in 1...across { shapes.append((across, down)) } }
        shapes.sort { ($0.0 * $0.1, $0.0 - $0.1) < ($1.0 * $1.1, $1.0 - $1.1) }
        return [.spinn5] + shapes.map { spinn5Triads(across: $0.0, down: $0.1) }
    }
}

/// One end of an inter-chip link: the link `link` out of `chip`.
public struct ChipLink: Hashable, Codable, Sendable, CustomStringConvertible {
    public var chip: ChipCoordinate
    public var link: Link

    public init(chip: ChipCoordinate, link: Link) {
        self.chip = chip
        self.link = link
    }

    public var description: String { "\(chip) link \(link.rawValue)" }
}

/// What a core's DTCM (data tightly-coupled memory) must hold, in bytes: the ring buffer (2 bytes
/// per entry), the neuron state, the master population table and fixed buffers. The partitioner
/// keeps every core within ``dtcmBytes``. Defaults from sPyNNaker (sources in `docs/hardware.md`).
public struct CoreMemory: Codable, Equatable, Sendable {
    /// DTCM a core's application data may use. Default 59,756 (sPyNNaker's `MAX_DTCM_AVAILABLE`
    /// of the 64 KB).
    public var dtcmBytes: Int = 59_756
    /// State and parameters of one neuron. Default 64 (16 words: membrane, synaptic inputs and
    /// their decays, threshold, refractory timer).
    public var neuronBytes: Int = 64
    /// One master population table entry with its address-list word. Default 20.
    public var tableEntryBytes: Int = 20
    /// Buffers every core keeps: two DMA row buffers of 256 words and the 256-packet input
    /// spike buffer. Default 3,072.
    public var fixedBytes: Int = 3072

    public init() {}

    /// DTCM a core needs: the fixed buffers, `neurons` neurons' state (none for a delay
    /// extension, whose atoms keep no state), 2 bytes per ring-buffer entry and the master
    /// population table.
    public func bytesNeeded(neurons: Int, keepsNeuronState: Bool, ringEntries: Int, tableEntries: Int) -> Int {
        fixedBytes + (keepsNeuronState ? neurons * neuronBytes : 0) + ringEntries * 2 + tableEntries * tableEntryBytes
    }
}

/// The cost model of a core's work in one tick, in CPU cycles (defaults from sPyNNaker's
/// estimates and Rhodes et al. 2018; see `docs/hardware.md`).
public struct CoreCosts: Codable, Equatable, Sendable {
    /// Cycles per LIF neuron update (IF_curr_exp, IF_cond_exp). Default 240.
    public var lifNeuronCycles: Int = 240
    /// Cycles per Izhikevich neuron update. Default 290.
    public var izhikevichNeuronCycles: Int = 290
    /// Cycles per spike-source atom per tick. Default 40.
    public var sourceAtomCycles: Int = 40
    /// Cycles per synaptic event (one synapse word added into the ring buffer). Default 20.
    public var synapticEventCycles: Int = 20
    /// Cycles per received packet: master-population-table search, DMA set-up and transfer. Default 300.
    public var rowCycles: Int = 300
    /// Fixed cycles per tick (timer callback, ring-buffer transfer set-up). Default 2000.
    public var tickOverheadCycles: Int = 2000
    /// Cycles per plastic synapse word, its STDP update included. Default 120 (an estimate:
    /// sPyNNaker's plastic rows cost several times a static row's per synapse).
    public var plasticSynapseCycles: Int = 120

    public init() {}

    /// Images before format 2.1 have no plastic cost: it takes the default.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lifNeuronCycles = try c.decode(Int.self, forKey: .lifNeuronCycles)
        izhikevichNeuronCycles = try c.decode(Int.self, forKey: .izhikevichNeuronCycles)
        sourceAtomCycles = try c.decode(Int.self, forKey: .sourceAtomCycles)
        synapticEventCycles = try c.decode(Int.self, forKey: .synapticEventCycles)
        rowCycles = try c.decode(Int.self, forKey: .rowCycles)
        tickOverheadCycles = try c.decode(Int.self, forKey: .tickOverheadCycles)
        plasticSynapseCycles = try c.decodeIfPresent(Int.self, forKey: .plasticSynapseCycles) ?? CoreCosts().plasticSynapseCycles
    }
}

/// Power and energy model (SpiNNMachine's figures, citing Painkras et al. 2013).
public struct EnergyModel: Codable, Equatable, Sendable {
    /// Energy per packet per router crossing, nJ. Default 1.0 (25 pJ/bit × 40 bits).
    public var packetNanojoules: Double = 1.0
    /// Energy per synaptic event processed on a core, nJ. Default 8.0.
    public var synapticEventNanojoules: Double = 8.0
    /// Idle power of a chip, W. Default 0.35.
    public var idleChipWatts: Double = 0.35
    /// Extra power of a core that runs an application, W. Default 0.034.
    public var activeCoreWatts: Double = 0.034
    /// Energy per byte a core's DMA moves from SDRAM, nJ. Default 0.16 (an estimate: mobile DDR
    /// at about 20 pJ per bit; no SpiNNaker figure was found).
    public var dmaNanojoulesPerByte: Double = 0.16

    public init() {}

    /// Images of format 1.0 and 1.1 have no DMA figure: it takes the default.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        packetNanojoules = try c.decode(Double.self, forKey: .packetNanojoules)
        synapticEventNanojoules = try c.decode(Double.self, forKey: .synapticEventNanojoules)
        idleChipWatts = try c.decode(Double.self, forKey: .idleChipWatts)
        activeCoreWatts = try c.decode(Double.self, forKey: .activeCoreWatts)
        dmaNanojoulesPerByte = try c.decodeIfPresent(Double.self, forKey: .dmaNanojoulesPerByte) ?? EnergyModel().dmaNanojoulesPerByte
    }
}
