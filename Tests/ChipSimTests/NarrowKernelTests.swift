@testable import ChipSim
import ChipSimBlockTypes
import XCTest

/// The 32-bit S16.15 IF_curr_exp, IF_curr_delta and IF_curr_alpha kernel: its state bound, and
/// its results against the scalar loop at the corners of that bound (where a wrong bound would
/// let a clamp act) and on long random runs.
final class NarrowKernelTests: XCTestCase {
    /// R = 100 MΩ (the cells of ``KernelSetTests``), and R = 2000 MΩ with a negative offset.
    static let cells: [[String: Double]] = [
        KernelSetTests.current,
        ["tau_m": 100, "cm": 0.05, "v_rest": -70, "v_reset": -75, "v_thresh": -52, "tau_refrac": 2,
         "tau_syn_E": 2, "tau_syn_I": 8, "i_offset": -0.3],
    ]

    /// The shapes the kernel runs.
    static let shapes: [SynapseShape] = [.exponential, .delta, .alpha]

    static func kernel(_ cell: [String: Double], _ convention: StepConvention, shifts: (Int32, Int32),
                       shape: SynapseShape = .exponential) -> FixedLIF {
        let lif = LIFParameters(cell)
        return FixedLIF(lif, dt: 1, conductance: false, shape: shape, inputFirst: convention.consumesInputFirst,
                        refractoryTicks: convention.refractoryTicks(tauRefrac: lif.tauRefrac, dt: 1), weightShifts: shifts)
    }

    static func slot(_ p: UnsafeMutableBufferPointer<UInt16>, _ stride: Int, _ shifts: (Int32, Int32)) -> FixedSlot {
        FixedSlot(excitatory: p.baseAddress!, inhibitory: p.baseAddress! + stride, shiftE: shifts.0, shiftI: shifts.1)
    }

    static func constants(_ kernel: FixedLIF, _ shifts: (Int32, Int32)) -> FixedLIFBlockConstants {
        kernel.withBlockConstants(FixedSlot(excitatory: .allocate(capacity: 0), inhibitory: .allocate(capacity: 0),
                                            shiftE: shifts.0, shiftI: shifts.1)) { $0.pointee }
    }

    func testBoundsApplyOnlyWhereTheirArgumentHolds() {
        // R = 100 MΩ: 2 · (2 B_I · R + v_rest) + B_v within Int32 gives B_v = 512 mV and B_I = 2^22
        // (128 nA); taking the inputs first (at most 29 and 61 nA at shifts 4 and 5) halves B_I.
        for (convention, current) in [(StepConvention.brian2, Int64(1) << 22), (.spinnaker, 1 << 21)] {
            let k = Self.constants(Self.kernel(KernelSetTests.current, convention, shifts: (4, 5)), (4, 5))
            XCTAssertEqual(k.narrowVoltageBound, 1 << 24, "\(convention)")
            XCTAssertEqual(k.narrowCurrentBound, current, "\(convention)")
            XCTAssertTrue(k.narrowStateBounds() == (k.narrowVoltageBound, k.narrowCurrentBound))
        }
        let k = Self.constants(Self.kernel(KernelSetTests.current, .spinnaker, shifts: (4, 5)), (4, 5))
        var other = k
        other.conductance = true
        XCTAssertEqual(other.narrowStateBounds().voltage, 0, "conductances")
        other = k
        other.shiftE = 10
        XCTAssertEqual(other.narrowStateBounds().voltage, 0, "a full entry at shift 10 taken first (2 µA) drives alpha beyond Int32")
        other.inputFirst = false
        XCTAssertEqual(other.narrowStateBounds().voltage, 1 << 24, "taken after the update, it only joins the current")
        other.shiftE = 16
        XCTAssertEqual(other.narrowStateBounds().voltage, 0, "a full entry at shift 16 is an input beyond Int32")
        other = k
        other.resistance = Int64(Int32.max)
        XCTAssertEqual(other.narrowStateBounds().voltage, 0, "R = 65536 MΩ leaves no useful bound")
    }

    func testDeltaBoundsTakeTheStepAtTheMembrane() {
        // The states take no input: at R = 100 MΩ B_I is 2^22 in both conventions, as the
        // exponential cell's where its inputs come after the update.
        for convention in StepConvention.allCases {
            let k = Self.constants(Self.kernel(KernelSetTests.current, convention, shifts: (4, 5), shape: .delta), (4, 5))
            XCTAssertEqual(k.narrowVoltageBound, 1 << 24, "\(convention)")
            XCTAssertEqual(k.narrowCurrentBound, 1 << 22, "\(convention)")
        }
        var k = Self.constants(Self.kernel(KernelSetTests.current, .spinnaker, shifts: (4, 5), shape: .delta), (4, 5))
        k.shiftE = 14
        XCTAssertTrue(k.narrowStateBounds() == (1 << 24, 1 << 21), "a full entry at shift 14 steps v by 32 V: B_I halves")
        k.shiftE = 15
        XCTAssertEqual(k.narrowStateBounds().voltage, 0, "a full entry at shift 15 steps v by 64 V, almost 2^31 in S16.15")
        k.shiftE = 16
        XCTAssertEqual(k.narrowStateBounds().voltage, 0, "a full entry at shift 16 is a step beyond Int32")
    }

    func testAlphaBoundsHoldTheRiseVariables() {
        // The rise variables are held to B_I, and an arrival adds e times a full entry to one
        // (0xFFFF · 2^5 of S16.15 is 64 nA, times e 174 nA): B_I stays 2^22 (128 nA), as the
        // exponential cell's where its inputs come after the update.
        for convention in StepConvention.allCases {
            let k = Self.constants(Self.kernel(KernelSetTests.current, convention, shifts: (4, 5), shape: .alpha), (4, 5))
            XCTAssertTrue(k.narrowStateBounds() == (1 << 24, 1 << 22), "\(convention)")
            XCTAssertTrue((k.narrowVoltageBound, k.narrowCurrentBound) == (1 << 24, 1 << 22), "\(convention)")
        }
        var k = Self.constants(Self.kernel(KernelSetTests.current, .brian2, shifts: (4, 5), shape: .alpha), (4, 5))
        k.shiftI = 13
        XCTAssertGreaterThan(k.narrowStateBounds().voltage, 0, "e times a full entry at shift 13 (45 µA) fits in Int32")
        k.shiftI = 14
        XCTAssertEqual(k.narrowStateBounds().voltage, 0, "e times a full entry at shift 14 (89 µA) does not")
        k = Self.constants(Self.kernel(KernelSetTests.current, .brian2, shifts: (4, 5), shape: .alpha), (4, 5))
        k.alphaArrival = 1 << 40
        XCTAssertEqual(k.narrowStateBounds().voltage, 0, "an arrival factor beyond 32 bits")
    }

    /// Every combination of v, I_exc and I_inh at ±B (and between), full or empty entries, held
    /// or not: the 32-bit kernel takes every block, and matches the scalar loop bit for bit.
    func testCornersOfTheBoundMatchScalarKernel() throws {
        try XCTSkipIf(KernelSetTests.blockSets.isEmpty, "this CPU has neither AVX2 nor AVX-512")
        for set in KernelSetTests.blockSets {
            // Shifts that leave bounds: at R = 2000 MΩ an entry taken first must stay below ~0.5 µA.
            for (cell, shiftList) in zip(Self.cells, [[(Int32(4), Int32(5)), (-2, 0), (10, 9)], [(1, 2), (-2, 0), (3, 3)]]) {
                for convention in StepConvention.allCases {
                    for shape in Self.shapes {
                        // Delta and alpha entries reach the membrane without R (alpha's through x, then I).
                        for shifts in shiftList where convention == .brian2 || shifts.0 < 3 || shape != .exponential {
                            checkCorners(set, Self.kernel(cell, convention, shifts: shifts, shape: shape), shifts,
                                         "\(set), \(convention), \(shape), \(shifts)")
                        }
                    }
                }
            }
        }
    }

    func checkCorners(_ set: KernelSet, _ kernel: FixedLIF, _ shifts: (Int32, Int32), _ label: String) {
        var corners: [(v: Int64, e: Int64, i: Int64, x: (Int64, Int64), full: (Bool, Bool), held: Bool)] = []
        let k = Self.constants(kernel, shifts)
        let bv = k.narrowVoltageBound, bi = k.narrowCurrentBound
        guard bv > 0 else { return XCTFail("\(label): no bounds") }
        // The alpha shape's rise variables at the bound too.
        let alpha = kernel.shape == .alpha
        let rises = alpha ? [(-bi, -bi), (bi, bi), (bi, -bi)] : [(Int64(0), Int64(0))]
        for v in [-bv, bv, Int64(kernel.vThresh)] {
            for e in [-bi, 0, bi] {
                for i in [-bi, 0, bi] {
                    for x in rises {
                        for full in [(false, false), (true, false), (false, true), (true, true)] {
                            for held in [false, true] { corners.append((v, e, i, x, full, held)) }
                        }
                    }
                }
            }
        }
        let n = (corners.count + 15) / 16 * 16
        var narrow = FixedState(count: n, idle: -65, v: [Double](repeating: -65, count: n), u: [], alpha: alpha)
        var entries = [UInt16](repeating: 0, count: 2 * n)
        for (j, c) in corners.enumerated() {
            narrow.v[j] = Int32(c.v); narrow.excitatory[j] = Int32(c.e); narrow.inhibitory[j] = Int32(c.i)
            if alpha { narrow.excitatoryRise[j] = Int32(c.x.0); narrow.inhibitoryRise[j] = Int32(c.x.1) }
            narrow.refractory[j] = c.held ? 2 : 0
            entries[j] = c.full.0 ? 0xFFFF : 0
            entries[n + j] = c.full.1 ? 0xFFFF : 0
        }
        var scalar = narrow, scalarEntries = entries, spikes: [UInt16] = []
        scalarEntries.withUnsafeMutableBufferPointer { p in
            spikes = SpikeList.collect { kernel.update(&scalar, spikes: &$0, slot: Self.slot(p, n, shifts), kernels: .scalar) }
        }
        let stop = entries.withUnsafeMutableBufferPointer { p in
            let slot = Self.slot(p, n, shifts)
            return narrow.withBuffers(slotE: slot.excitatory, slotI: slot.inhibitory) { buffers, extra in
                kernel.withBlockConstants(slot) { set.fixedLIFNarrowBlocks!($0, buffers, extra.riseE, extra.riseI, 0, n).stop }
            }
        }
        XCTAssertEqual(stop, n, "\(label): the 32-bit kernel takes every block within its bound")
        assertSameState(narrow, scalar, label)
        XCTAssertEqual(narrow.fired, scalar.fired, label)
        XCTAssertEqual(spikes, narrow.fired.indices.filter { narrow.fired[$0] != 0 }.map(UInt16.init), "\(label): the flags are the spikes")
        XCTAssertEqual(entries, scalarEntries, "\(label): the slot is consumed")
    }

    /// A block with one value just beyond its bound is left to the 64-bit kernel, and the whole
    /// update still matches the scalar loop.
    func testBlocksBeyondTheBoundAreDeclined() throws {
        try XCTSkipIf(KernelSetTests.blockSets.isEmpty, "this CPU has neither AVX2 nor AVX-512")
        for set in KernelSetTests.blockSets {
            for convention in StepConvention.allCases {
                for shape in Self.shapes {
                    let kernel = Self.kernel(KernelSetTests.current, convention, shifts: (4, 5), shape: shape)
                    let k = Self.constants(kernel, (4, 5))
                    let bv = Int32(k.narrowVoltageBound), bi = Int32(k.narrowCurrentBound)
                    var edits = [(17, { (s: inout FixedState) in s.v[17] = bv + 1 }),
                                 (20, { (s: inout FixedState) in s.excitatory[20] = -bi - 1 }),
                                 (31, { (s: inout FixedState) in s.inhibitory[31] = bi + 1 })]
                    if shape == .alpha {
                        edits += [(18, { (s: inout FixedState) in s.excitatoryRise[18] = bi + 1 }),
                                  (29, { (s: inout FixedState) in s.inhibitoryRise[29] = -bi - 1 })]
                    }
                    for (lane, edit) in edits {
                        var state = FixedState(count: 64, idle: -65, v: (0..<64).map { -70 + Double($0) / 3 }, u: [], alpha: shape == .alpha)
                        for j in 0..<64 { state.excitatory[j] = Int32(j * 500); state.inhibitory[j] = Int32(j * 200) }
                        if shape == .alpha { for j in 0..<64 { state.excitatoryRise[j] = Int32(j * 300); state.inhibitoryRise[j] = Int32(j * 100) } }
                        edit(&state)
                        var entries = (0..<128).map { UInt16($0 * 37 % 1000) }
                        var copy = state, copyEntries = entries, spikes: [UInt16] = [], scalarSpikes: [UInt16] = []
                        let stop = entries.withUnsafeMutableBufferPointer { p in
                            let slot = Self.slot(p, 64, (4, 5))
                            return copy.withBuffers(slotE: slot.excitatory, slotI: slot.inhibitory) { buffers, extra in
                                kernel.withBlockConstants(slot) { set.fixedLIFNarrowBlocks!($0, buffers, extra.riseE, extra.riseI, 0, 64).stop }
                            }
                        }
                        XCTAssertEqual(stop, 16, "\(set), \(convention), \(shape), lane \(lane): stops at the block holding it")
                        copy = state
                        entries = copyEntries
                        var scalar = state
                        entries.withUnsafeMutableBufferPointer { p in
                            spikes = SpikeList.collect { kernel.update(&copy, spikes: &$0, slot: Self.slot(p, 64, (4, 5)), kernels: set) }
                        }
                        copyEntries.withUnsafeMutableBufferPointer { p in
                            scalarSpikes = SpikeList.collect { kernel.update(&scalar, spikes: &$0, slot: Self.slot(p, 64, (4, 5)), kernels: .scalar) }
                        }
                        assertSameState(copy, scalar, "\(set), \(convention), \(shape), lane \(lane)")
                        XCTAssertEqual(spikes, scalarSpikes, "\(set), \(convention), \(shape), lane \(lane)")
                    }
                }
            }
        }
    }

    /// 500 ticks of random input on states inside the bound (n = 203: blocks of sixteen, then a
    /// block of eight and a scalar tail, or on odd ticks a block of sixteen with five idle lanes),
    /// against the scalar loop every tick.
    func testLongRunsMatchScalarKernel() throws {
        try XCTSkipIf(KernelSetTests.blockSets.isEmpty, "this CPU has neither AVX2 nor AVX-512")
        let n = 203
        for set in KernelSetTests.blockSets {
            for (c, cell) in Self.cells.enumerated() {
                for (convention, shape) in StepConvention.allCases.flatMap({ convention in Self.shapes.map { (convention, $0) } }) {
                    let shifts: (Int32, Int32) = (3, 4)
                    let kernel = Self.kernel(cell, convention, shifts: shifts, shape: shape)
                    var rng = RandomStream(seed: UInt64(c + 40), stream: [9])
                    var fast = FixedState(count: n, idle: -65, v: (0..<n).map { _ in -70 + 20 * rng.nextUnit() }, u: [], alpha: shape == .alpha)
                    for j in 0..<n { fast.excitatory[j] = Int32(rng.next() % 40_000); fast.inhibitory[j] = Int32(rng.next() % 40_000) }
                    if shape == .alpha {
                        for j in 0..<n { fast.excitatoryRise[j] = Int32(rng.next() % 20_000); fast.inhibitoryRise[j] = Int32(rng.next() % 20_000) }
                    }
                    var scalar = fast, spikes: [UInt16] = [], scalarSpikes: [UInt16] = [], total = 0
                    for tick in 0..<500 {
                        let stride = KernelSetTests.typeStride(tick: tick, n)
                        var entries = [UInt16](repeating: 0, count: 2 * stride)
                        for k in 0..<(2 * n) where rng.nextUnit() < 0.2 {
                            entries[k < n ? k : stride + k - n] = UInt16(truncatingIfNeeded: rng.next()) & 0x7FF
                        }
                        var scalarEntries = entries
                        entries.withUnsafeMutableBufferPointer { p in
                            spikes += SpikeList.collect { kernel.update(&fast, spikes: &$0, slot: Self.slot(p, stride, shifts), kernels: set) }
                        }
                        scalarEntries.withUnsafeMutableBufferPointer { p in
                            scalarSpikes += SpikeList.collect { kernel.update(&scalar, spikes: &$0, slot: Self.slot(p, stride, shifts), kernels: .scalar) }
                        }
                        XCTAssertEqual(spikes, scalarSpikes, "\(set), \(convention), \(shape), cell \(c), tick \(tick)")
                        assertSameState(fast, scalar, "\(set), \(convention), \(shape), cell \(c), tick \(tick)")
                        total += spikes.count
                        if testRun?.failureCount ?? 0 > 0 { return }
                    }
                    XCTAssertGreaterThan(total, 200, "\(set), \(convention), \(shape), cell \(c): the neurons fire")
                }
            }
        }
    }
}

/// Asserts that two S16.15 states hold the same membranes, synaptic inputs, rise variables (the
/// alpha shape's) and refractory counts.
func assertSameState(_ a: FixedState, _ b: FixedState, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.v, b.v, "\(label): v", file: file, line: line)
    XCTAssertEqual(a.excitatory, b.excitatory, "\(label): I_exc", file: file, line: line)
    XCTAssertEqual(a.inhibitory, b.inhibitory, "\(label): I_inh", file: file, line: line)
    XCTAssertEqual(a.excitatoryRise, b.excitatoryRise, "\(label): x_exc", file: file, line: line)
    XCTAssertEqual(a.inhibitoryRise, b.inhibitoryRise, "\(label): x_inh", file: file, line: line)
    XCTAssertEqual(a.refractory, b.refractory, "\(label): refractory counts", file: file, line: line)
}
