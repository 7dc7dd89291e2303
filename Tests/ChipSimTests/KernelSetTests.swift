@testable import ChipSim
import ChipSimBlockTypes
import XCTest

/// The AVX-512 block kernels against the scalar loops, which define the models: bit for bit, on
/// random states, in S16.15 including saturating inputs (blocks the block kernel must hand back).
final class KernelSetTests: XCTestCase {
    static let current: [String: Double] = [
        "tau_m": 20, "cm": 0.2, "v_rest": -49, "v_reset": -60, "v_thresh": -50, "tau_refrac": 5,
        "tau_syn_E": 5, "tau_syn_I": 10, "i_offset": 0.1,
    ]
    static let conductance: [String: Double] = [
        "tau_m": 20, "cm": 1, "v_rest": -65, "v_reset": -65, "v_thresh": -50, "tau_refrac": 2,
        "tau_syn_E": 5, "tau_syn_I": 5, "i_offset": 0, "e_rev_E": 0, "e_rev_I": -70,
    ]

    /// A population of `n` neurons with random state; a tenth of them start near the limits of
    /// S16.15 so that clamps are reached. Its idle lanes rest at 0 mV, above threshold: they
    /// fire, and their spikes must not show.
    static func randomState(_ n: Int, _ rng: inout RandomStream, alpha: Bool = false) -> FixedState {
        var s = FixedState(count: n, idle: 0, v: (0..<n).map { _ in -70 + 25 * rng.nextUnit() }, u: [], alpha: alpha)
        for i in 0..<n {
            let extreme = rng.nextUnit() < 0.1
            let max = Int32.max, min = Int32.min
            s.excitatory[i] = extreme ? max - Int32(rng.next() % 1000) : Int32(rng.next() % 40_000)
            // Equal extreme inputs cancel, so that only their own saturation is out of range.
            s.inhibitory[i] = extreme && rng.nextUnit() < 0.5 ? s.excitatory[i] : Int32(rng.next() % 40_000)
            s.refractory[i] = Int32(rng.next() % 4)
            if extreme && rng.nextUnit() < 0.3 { s.v[i] = rng.nextUnit() < 0.5 ? min + 5 : max - 5 }
            if alpha {
                s.excitatoryRise[i] = extreme ? max - Int32(rng.next() % 1000) : Int32(rng.next() % 20_000)
                s.inhibitoryRise[i] = Int32(rng.next() % 20_000)
            }
        }
        return s
    }

    /// The distance from a test slot's excitatory entries to its inhibitory ones at tick `tick`:
    /// the neuron count `n` on even ticks, and on odd ones `n` rounded up to sixteen, as in a ring
    /// buffer whose rows have room for the idle lanes, which the block kernels then update too.
    static func typeStride(tick: Int, _ n: Int) -> Int { tick % 2 == 0 ? n : (n + 15) & ~15 }

    /// The block-kernel sets this CPU runs.
    static var blockSets: [KernelSet] { KernelSet.allCases.filter { $0 != .scalar && $0.isSupported } }

    /// Both step conventions: the slot's entries join before the update or after the decay.
    func check(_ parameters: [String: Double], conductance: Bool, shape: SynapseShape = .exponential, shifts: (Int32, Int32), n: Int,
               seed: UInt64) throws {
        try XCTSkipIf(Self.blockSets.isEmpty, "this CPU has neither AVX2 nor AVX-512; only the scalar kernels run here")
        for set in Self.blockSets {
            for convention in StepConvention.allCases {
                check(parameters, conductance: conductance, shape: shape, shifts: shifts, n: n, seed: seed, set: set, convention: convention)
            }
        }
    }

    func check(_ parameters: [String: Double], conductance: Bool, shape: SynapseShape, shifts: (Int32, Int32), n: Int, seed: UInt64,
               set: KernelSet, convention: StepConvention) {
        let lif = LIFParameters(parameters)
        let kernel = FixedLIF(lif, dt: 1, conductance: conductance, shape: shape, inputFirst: convention.consumesInputFirst,
                              refractoryTicks: convention.refractoryTicks(tauRefrac: lif.tauRefrac, dt: 1))
        var rng = RandomStream(seed: seed, stream: [1])
        var scalar = Self.randomState(n, &rng, alpha: shape == .alpha), wide = scalar
        var slotScalar: [UInt16] = [], slotWide = slotScalar
        var spikesScalar: [UInt16] = [], spikesWide: [UInt16] = []
        var totalSpikes = 0
        XCTAssertLessThan(Self.firstBlockHandedBack(kernel, scalar, shifts: shifts, set: set), n - n % 8,
                          "the data has a block the block kernel must hand back to the scalar kernel")
        for tick in 0..<300 {
            let stride = Self.typeStride(tick: tick, n)
            slotScalar = [UInt16](repeating: 0, count: 2 * stride)
            for k in 0..<(2 * n) {
                let r = rng.next()
                slotScalar[k < n ? k : stride + k - n] = r % 5 == 0 ? 0xFFFF : (r % 3 == 0 ? UInt16(truncatingIfNeeded: r >> 8) & 0x3FF : 0)
            }
            slotWide = slotScalar
            slotScalar.withUnsafeMutableBufferPointer { a in
                slotWide.withUnsafeMutableBufferPointer { b in
                    func slot(_ p: UnsafeMutableBufferPointer<UInt16>) -> FixedSlot {
                        FixedSlot(excitatory: p.baseAddress!, inhibitory: p.baseAddress! + stride, shiftE: shifts.0, shiftI: shifts.1)
                    }
                    spikesScalar += SpikeList.collect { kernel.update(&scalar, spikes: &$0, slot: slot(a), kernels: .scalar) }
                    spikesWide += SpikeList.collect { kernel.update(&wide, spikes: &$0, slot: slot(b), kernels: set) }
                }
            }
            XCTAssertEqual(spikesWide, spikesScalar, "\(set), \(convention), \(shape), tick \(tick)")
            assertSameState(wide, scalar, "\(set), \(convention), \(shape), tick \(tick)")
            XCTAssertEqual(slotWide, slotScalar, "\(set), \(convention), tick \(tick): the slot is consumed")
            totalSpikes += spikesScalar.count
            if testRun?.failureCount ?? 0 > 0 { return }
        }
        XCTAssertGreaterThan(totalSpikes, 100, "the neurons fire")
    }

    /// Where the block kernel alone stops on (a copy of) state `s` with an empty slot.
    static func firstBlockHandedBack(_ kernel: FixedLIF, _ s: FixedState, shifts: (Int32, Int32), set: KernelSet) -> Int {
        var s = s
        let n = s.count
        var slot = [UInt16](repeating: 0, count: 2 * n)
        return slot.withUnsafeMutableBufferPointer { slot in
            let fixedSlot = FixedSlot(excitatory: slot.baseAddress!, inhibitory: slot.baseAddress! + n, shiftE: shifts.0, shiftI: shifts.1)
            return s.withBuffers(slotE: fixedSlot.excitatory, slotI: fixedSlot.inhibitory) { buffers, extra in
                kernel.withBlockConstants(fixedSlot) { set.fixedLIFBlocks!($0, buffers, extra.riseE, extra.riseI, 0, n).stop }
            }
        }
    }

    /// A set's missing features are those of its instruction set that the host lacks, and only
    /// those: an AVX2 host lacks the five AVX-512 flags for `avx512`, nothing for `avx2`.
    func testMissingFlagsAreTheRequiredOnesTheHostLacks() {
        let avx2Host = KernelSet.avx2.requiredFlags.union(["sse4_2", "pclmulqdq"])
        XCTAssertEqual(KernelSet.avx512.missingFlags(hostFlags: avx2Host), ["avx512bw", "avx512cd", "avx512dq", "avx512f", "avx512vl"])
        XCTAssertEqual(KernelSet.avx2.missingFlags(hostFlags: avx2Host), [])
        XCTAssertEqual(KernelSet.scalar.missingFlags(hostFlags: []), [])
        XCTAssertEqual(KernelSet.avx2.missingFlags(hostFlags: ["avx", "fma"]), ["abm", "avx2", "bmi1", "bmi2", "f16c", "movbe", "popcnt"])
        for set in KernelSet.allCases {
            XCTAssertEqual(set.unsupportedReason == nil, set.isSupported, "\(set)")
            if let why = set.unsupportedReason {
                XCTAssertTrue(why.contains("(\(set.missingFlags(hostFlags: HostCPU.flags).joined(separator: ", ")))"), why)
                XCTAssertTrue(why.hasSuffix("the fastest it runs is \(KernelSet.best.rawValue)"), why)
            }
        }
    }

    func testCurrentBasedBlocksMatchScalarKernel() throws {
        try check(Self.current, conductance: false, shifts: (4, 5), n: 203, seed: 7)
        try check(Self.current, conductance: false, shifts: (-2, 0), n: 64, seed: 8)
        try check(Self.current, conductance: false, shifts: (15, 14), n: 99, seed: 11)
        // The largest shift the compiler chooses: a full entry times the scale needs all 64 bits.
        try check(Self.current, conductance: false, shifts: (16, 16), n: 40, seed: 13)
    }

    func testAlphaAndDeltaBlocksMatchScalarKernel() throws {
        try check(Self.current, conductance: false, shape: .alpha, shifts: (4, 5), n: 203, seed: 21)
        try check(Self.current, conductance: false, shape: .alpha, shifts: (15, 14), n: 99, seed: 22)
        try check(Self.conductance, conductance: true, shape: .alpha, shifts: (3, 3), n: 77, seed: 23)
        try check(Self.current, conductance: false, shape: .delta, shifts: (4, 5), n: 203, seed: 24)
        try check(Self.current, conductance: false, shape: .delta, shifts: (15, 14), n: 99, seed: 25)
        try check(Self.current, conductance: false, shape: .delta, shifts: (-2, 0), n: 64, seed: 26)
        // On a state well inside the range the block kernel takes every block itself.
        for set in Self.blockSets {
            for shape in [SynapseShape.exponential, .alpha, .delta] {
                for convention in StepConvention.allCases {
                    let lif = LIFParameters(Self.current)
                    let kernel = FixedLIF(lif, dt: 1, conductance: false, shape: shape, inputFirst: convention.consumesInputFirst,
                                          refractoryTicks: 2)
                    var state = FixedState(count: 64, idle: lif.vReset, v: (0..<64).map { -65 + Double($0) / 8 }, u: [], alpha: shape == .alpha)
                    for i in 0..<64 { state.excitatory[i] = Int32(i * 300); state.refractory[i] = Int32(i % 3) }
                    if shape == .alpha { for i in 0..<64 { state.excitatoryRise[i] = Int32(i * 200) } }
                    XCTAssertEqual(Self.firstBlockHandedBack(kernel, state, shifts: (4, 5), set: set), 64, "\(set), \(shape), \(convention)")
                }
            }
        }
    }

    func testConductanceBasedBlocksMatchScalarKernel() throws {
        try check(Self.conductance, conductance: true, shifts: (3, 3), n: 203, seed: 9)
        try check(Self.conductance, conductance: true, shifts: (-1, 2), n: 77, seed: 10)
        try check(Self.conductance, conductance: true, shifts: (15, 15), n: 99, seed: 12)
    }

    /// Brian2's exact propagators for IF_curr_exp and IF_curr_alpha, blocks against the scalar loop.
    func testExactFloatBlocksMatchScalarKernel() throws {
        try XCTSkipIf(Self.blockSets.isEmpty, "this CPU has neither AVX2 nor AVX-512; only the scalar kernels run here")
        for set in Self.blockSets {
            for alpha in [false, true] {
                for (n, offset) in [(203, 0.0), (64, 0.3), (5, 1.2)] {
                    var parameters = Self.current
                    parameters["i_offset"] = offset
                    let lif = LIFParameters(parameters)
                    var rng = RandomStream(seed: UInt64(n), stream: [alpha ? 5 : 2])
                    var state = FloatState(count: n, idle: lif.vReset, v: (0..<n).map { _ in -70 + 25 * rng.nextUnit() }, u: [], alpha: alpha)
                    for i in 0..<n {
                        state.excitatory[i] = rng.uniform(0, 2)
                        state.inhibitory[i] = rng.uniform(0, 2)
                        if alpha { state.excitatoryRise[i] = rng.uniform(0, 1); state.inhibitoryRise[i] = rng.uniform(0, 1) }
                        state.refractory[i] = Int32(rng.next() % 30)
                    }
                    let update = alpha ? ExactAlphaLIF(lif, dt: 0.1, refractoryTicks: 19).update
                        : ExactCurrentLIF(lif, dt: 0.1, refractoryTicks: 19).update
                    checkFloatBlocks("\(set), n \(n), alpha \(alpha)", set: set, state: state, rng: &rng, entry: { _, rng in
                        rng.nextUnit() < 0.2 ? rng.uniform(0, 0.5) : 0
                    }, update: update)
                }
            }
        }
    }

    /// Brian2's exponential Euler for IF_cond_exp and IF_cond_alpha, blocks against the scalar loop.
    func testExponentialEulerBlocksMatchScalarKernel() throws {
        try XCTSkipIf(Self.blockSets.isEmpty, "this CPU has neither AVX2 nor AVX-512; only the scalar kernels run here")
        for set in Self.blockSets {
            for (n, alpha) in [(203, false), (64, true), (13, false), (5, true)] {
                let kernel = ExponentialEulerLIF(LIFParameters(Self.conductance), dt: 0.1, alpha: alpha, refractoryTicks: 20)
                var rng = RandomStream(seed: UInt64(n), stream: [3])
                var state = FloatState(count: n, idle: -65, v: (0..<n).map { _ in -70 + 25 * rng.nextUnit() }, u: [], alpha: alpha)
                for i in 0..<n {
                    state.excitatory[i] = rng.uniform(0, 0.05)
                    state.inhibitory[i] = rng.uniform(0, 0.05)
                    state.refractory[i] = Int32(rng.next() % 30)
                }
                checkFloatBlocks("\(set), n \(n), alpha \(alpha)", set: set, state: state, rng: &rng, entry: { k, rng in
                    rng.nextUnit() < 0.3 ? rng.uniform(0, k < n ? 0.03 : 0.01) : 0
                }, update: kernel.update)
            }
        }
    }

    /// The chip's LIF in `float64` (input held over the step), every shape, current and
    /// conductance cells, both step conventions.
    func testHeldInputBlocksMatchScalarKernel() throws {
        try XCTSkipIf(Self.blockSets.isEmpty, "this CPU has neither AVX2 nor AVX-512; only the scalar kernels run here")
        for set in Self.blockSets {
            for shape in [SynapseShape.exponential, .alpha, .delta] {
                for conductance in shape == .delta ? [false] : [false, true] {
                    for convention in StepConvention.allCases {
                        let n = 77
                        let kernel = HeldInputLIF(LIFParameters(conductance ? Self.conductance : Self.current), dt: 0.5, conductance: conductance,
                                                  shape: shape, inputFirst: convention.consumesInputFirst, refractoryTicks: 4)
                        var rng = RandomStream(seed: 31, stream: [4])
                        var state = FloatState(count: n, idle: -60, v: (0..<n).map { _ in -70 + 25 * rng.nextUnit() }, u: [], alpha: shape == .alpha)
                        for i in 0..<n { state.refractory[i] = Int32(rng.next() % 6) }
                        // Inputs in each cell's units: nA, µS, or mV for a delta synapse.
                        let scale = shape == .delta ? 4.0 : (conductance ? 0.02 : 1.0)
                        checkFloatBlocks("\(set), \(shape), conductance \(conductance), \(convention)", set: set, state: state, rng: &rng,
                                         entry: { k, rng in rng.nextUnit() < 0.3 ? scale * rng.uniform(0, k < n ? 1 : 0.6) : 0 },
                                         update: kernel.update)
                    }
                }
            }
        }
    }

    /// Runs a `float64` kernel's `update` for 500 ticks on two copies of `state`, one with the
    /// scalar loop and one with `set`, the slot's entry k drawn by `entry(k, &rng)` each tick,
    /// and checks every state array, the spikes and the consumed slot bit for bit.
    func checkFloatBlocks(_ label: String, set: KernelSet, state: FloatState, rng: inout RandomStream,
                          entry: (Int, inout RandomStream) -> Double,
                          update: (inout FloatState, inout SpikeList, FloatSlot, KernelSet) -> Void) {
        let n = state.count
        var scalar = state, wide = state
        var slotScalar: [Double] = [], slotWide = slotScalar
        var spikesScalar: [UInt16] = [], spikesWide: [UInt16] = []
        var totalSpikes = 0
        for tick in 0..<500 {
            let stride = Self.typeStride(tick: tick, n)
            slotScalar = [Double](repeating: 0, count: 2 * stride)
            for k in 0..<(2 * n) { slotScalar[k < n ? k : stride + k - n] = entry(k, &rng) }
            slotWide = slotScalar
            slotScalar.withUnsafeMutableBufferPointer { a in
                slotWide.withUnsafeMutableBufferPointer { b in
                    spikesScalar += SpikeList.collect {
                        update(&scalar, &$0, FloatSlot(excitatory: a.baseAddress!, inhibitory: a.baseAddress! + stride), .scalar)
                    }
                    spikesWide += SpikeList.collect { update(&wide, &$0, FloatSlot(excitatory: b.baseAddress!, inhibitory: b.baseAddress! + stride), set) }
                }
            }
            let at = "\(label), tick \(tick)"
            XCTAssertEqual(spikesWide, spikesScalar, at)
            XCTAssertEqual(wide.v.map(\.bitPattern), scalar.v.map(\.bitPattern), at)
            XCTAssertEqual(wide.excitatory.map(\.bitPattern), scalar.excitatory.map(\.bitPattern), at)
            XCTAssertEqual(wide.inhibitory.map(\.bitPattern), scalar.inhibitory.map(\.bitPattern), at)
            XCTAssertEqual(wide.excitatoryRise.map(\.bitPattern), scalar.excitatoryRise.map(\.bitPattern), at)
            XCTAssertEqual(wide.inhibitoryRise.map(\.bitPattern), scalar.inhibitoryRise.map(\.bitPattern), at)
            XCTAssertEqual(wide.refractory, scalar.refractory, at)
            XCTAssertEqual(slotWide, slotScalar, "\(at): the slot is consumed")
            totalSpikes += spikesScalar.count
            if testRun?.failureCount ?? 0 > 0 { return }
        }
        XCTAssertGreaterThan(totalSpikes, n, "the neurons fire (\(label))")
    }
}
