import Foundation

/// The deferred STDP update of one plastic synapse when a presynaptic spike reaches its row, as
/// sPyNNaker does it (`synapse_dynamics_stdp_mad_impl.c`, `timing_pair_impl.h`), in the rule that
/// reproduces the real machine's recordings (`docs/models.md`, "Plasticity"):
///
/// - Times are synapse-local: a pre spike counts at its tick t, a post spike at its tick plus
///   the synapse's (dendritic) delay d.
/// - First, in local-time order, every post spike since the row's last pre spike potentiates:
///   w += A+ · Σ over earlier pre spikes of e^(−Δ/τ+) (strictly earlier; only the last one
///   for nearest pairing).
/// - Then the pre spike depresses: w −= A− · Σ over post spikes at or before t of e^(−Δ/τ−)
///   (strictly before unless ``STDPRule/coincidentDepression``; only the latest for nearest
///   pairing), so that a post coincident in local time with the pre is potentiated first.
/// - The weight is clipped after each pairing (or once, ``STDPRule/clipEachEvent`` off), and the
///   spike is delivered with the weight after its own depression.
///
/// One algorithm, two arithmetics (``PlasticityArithmetic``): float with exact exponentials,
/// and the chip's, with 11-bit traces from 256-entry tables and 16-bit weights.
public enum STDPUpdate {
    /// A row's presynaptic state: its last spike's tick and its trace after that spike.
    public struct PreState<Trace: Sendable>: Sendable {
        public var last: Int32
        public var trace: Trace

        public init(last: Int32, trace: Trace) {
            self.last = last
            self.trace = trace
        }
    }

    /// Updates `w` for a pre spike at tick `t` of a row in state `pre`, with dendritic delay `d`
    /// ticks and the target neuron's post spikes `posts` (ticks, ascending); returns the row's
    /// state after the spike (the same for every synapse of the row).
    @inline(__always)
    public static func apply<A: PlasticityArithmetic>(_ w: inout A.Weight, pre: PreState<A.Trace>, at t: Int, delay d: Int,
                                                      posts: UnsafeBufferPointer<Int32>, _ math: A) -> PreState<A.Trace> {
        let rule = math.rule
        var sumPlus = math.zeroTrace, sumMinus = math.zeroTrace
        let hasPre = pre.last != Int32.min
        potentiate(&w, pre: pre, through: t, delay: d, posts: posts, math, sum: &sumPlus)
        // Depression by the post spikes at or before the pre spike, newest first, down to the
        // first whose decay is exactly 0 (the older ones' are too).
        var y = math.zeroTrace
        for p in posts.reversed() {
            let local = Int(p) + d
            guard local < t || (local == t && rule.coincidentDepression) else { continue }
            guard t - local < math.horizon else { break }
            y = math.add(y, math.decayMinus(t - local))
            if rule.pairing == .nearest { break }
        }
        if rule.clipEachEvent {
            w = math.depress(w, by: y)
        } else {
            sumMinus = y
            w = math.change(w, plus: sumPlus, minus: sumMinus)
        }
        let decayed = hasPre && rule.pairing == .allToAll ? math.multiply(pre.trace, math.decayPlus(t - Int(pre.last))) : math.zeroTrace
        return PreState(last: Int32(clamping: t), trace: math.add(decayed, math.oneTrace))
    }

    /// Potentiation by the post spikes since the row's last pre spike and at or before local
    /// time `t` (any time, nil), in local-time order: applied to `w` (clipping after each) or, when
    /// ``STDPRule/clipEachEvent`` is off, summed into `sum`.
    @inline(__always)
    static func potentiate<A: PlasticityArithmetic>(_ w: inout A.Weight, pre: PreState<A.Trace>, through t: Int?, delay d: Int,
                                                    posts: UnsafeBufferPointer<Int32>, _ math: A, sum: inout A.Trace) {
        guard pre.last != Int32.min else { return }
        let last = Int(pre.last), rule = math.rule
        // The posts after the last pre spike in local time are the newest ones.
        var first = posts.count
        while first > 0, Int(posts[first - 1]) + d > last { first -= 1 }
        for p in posts[first...] {
            let local = Int(p) + d
            guard t.map({ local <= $0 }) ?? true else { break }
            let x = rule.pairing == .allToAll ? math.multiply(pre.trace, math.decayPlus(local - last)) : math.decayPlus(local - last)
            if rule.clipEachEvent { w = math.potentiate(w, by: x) } else { sum = math.add(sum, x) }
        }
    }

    /// The weight as the next pre spike would find it before its own depression: `w` with the
    /// potentiation of every post spike since the row's last pre spike (what a run's learned
    /// weights report).
    public static func pending<A: PlasticityArithmetic>(_ w: A.Weight, pre: PreState<A.Trace>, delay d: Int,
                                                        posts: UnsafeBufferPointer<Int32>, _ math: A) -> A.Weight {
        var w = w, sum = math.zeroTrace
        potentiate(&w, pre: pre, through: nil, delay: d, posts: posts, math, sum: &sum)
        return math.rule.clipEachEvent ? w : math.change(w, plus: sum, minus: math.zeroTrace)
    }
}

/// The numbers a plastic synapse's update computes with.
public protocol PlasticityArithmetic {
    associatedtype Weight
    associatedtype Trace: Sendable
    var rule: STDPRule { get }
    var zeroTrace: Trace { get }
    var oneTrace: Trace { get }
    /// Ticks from which the decays are exactly 0 (`Int.max`: never).
    var horizon: Int { get }
    /// e^(−ticks · dt / τ±) as a trace.
    func decayPlus(_ ticks: Int) -> Trace
    func decayMinus(_ ticks: Int) -> Trace
    func multiply(_ a: Trace, _ b: Trace) -> Trace
    func add(_ a: Trace, _ b: Trace) -> Trace
    /// The weight after potentiation (depression) by a trace, clipped to the rule's bounds.
    func potentiate(_ w: Weight, by trace: Trace) -> Weight
    func depress(_ w: Weight, by trace: Trace) -> Weight
    /// The weight after potentiation and depression summed, clipped once.
    func change(_ w: Weight, plus: Trace, minus: Trace) -> Weight
}

/// STDP in `float64`: weights in the synapse's unit, exact exponentials (the first
/// ``tableSize`` ticks' from tables of the same values, computed once).
public struct FloatPlasticity: PlasticityArithmetic {
    public static let tableSize = 1024

    public let rule: STDPRule
    private let dtOverTauPlus: Double, dtOverTauMinus: Double
    private let aPlus: Double, aMinus: Double
    private let plus: UnsafePointer<Double>, minus: UnsafePointer<Double>

    /// `tables` holds the decay tables; keep it alive while this is used.
    public init(rule: STDPRule, dt: Double, tables: DecayTables) {
        self.rule = rule
        let dtOverTauPlus = dt / rule.tauPlus, dtOverTauMinus = dt / rule.tauMinus
        (self.dtOverTauPlus, self.dtOverTauMinus) = (dtOverTauPlus, dtOverTauMinus)
        (aPlus, aMinus) = rule.amplitudes
        plus = tables.table(count: Self.tableSize) { exp(-Double($0) * dtOverTauPlus) }
        minus = tables.table(count: Self.tableSize) { exp(-Double($0) * dtOverTauMinus) }
    }

    public var zeroTrace: Double { 0 }
    public var oneTrace: Double { 1 }
    public var horizon: Int { Int.max }
    public func decayPlus(_ ticks: Int) -> Double {
        ticks >= 0 && ticks < Self.tableSize ? plus[ticks] : exp(-Double(ticks) * dtOverTauPlus)
    }
    public func decayMinus(_ ticks: Int) -> Double {
        ticks >= 0 && ticks < Self.tableSize ? minus[ticks] : exp(-Double(ticks) * dtOverTauMinus)
    }
    public func multiply(_ a: Double, _ b: Double) -> Double { a * b }
    public func add(_ a: Double, _ b: Double) -> Double { a + b }

    public func potentiate(_ w: Double, by x: Double) -> Double { change(w, plus: x, minus: 0) }
    public func depress(_ w: Double, by y: Double) -> Double { change(w, plus: 0, minus: y) }

    public func change(_ w: Double, plus x: Double, minus y: Double) -> Double {
        let up = rule.weightDependence == .additive ? aPlus * x : aPlus * (rule.wMax - w) * x
        let down = rule.weightDependence == .additive ? aMinus * y : aMinus * (w - rule.wMin) * y
        return min(max(w + up - down, rule.wMin), rule.wMax)
    }
}

/// STDP in the chip's arithmetic (sPyNNaker's `STDP_FIXED_POINT` 11): traces are 11-bit fixed
/// point (1 = 2048), decays come from 256-entry tables of e^(−i·dt/τ) (0 beyond), products are
/// truncated by 11 bits; weights are the synapse's 16-bit weight field (its unit times the
/// core's weight scale), A± and the bounds converted with that scale.
public struct FixedPlasticity: PlasticityArithmetic {
    public static let one: Int32 = 2048
    public static let tableSize = 256

    public let rule: STDPRule
    private let plus: UnsafePointer<Int32>, minus: UnsafePointer<Int32>
    private let aPlus: Int32, aMinus: Int32, wMin: Int32, wMax: Int32
    /// Multiplicative: A± as 11-bit fractions.
    private let aPlusFraction: Int32, aMinusFraction: Int32

    /// `scale`: 16-bit weight units per unit of weight (2^(16 − (shift + 1)) for the core's
    /// weight shift of the synapse's type); `tables` holds the decay tables, keep it alive while
    /// this is used.
    public init(rule: STDPRule, dt: Double, scale: Double, tables: DecayTables) {
        self.rule = rule
        func table(_ tau: Double) -> UnsafePointer<Int32> {
            tables.table(count: Self.tableSize) { Int32((exp(-Double($0) * dt / tau) * Double(Self.one)).rounded()) }
        }
        plus = table(rule.tauPlus)
        minus = table(rule.tauMinus)
        let (ap, am) = rule.amplitudes
        func units(_ v: Double) -> Int32 { Int32(min(max((v * scale).rounded(), 0), 65535)) }
        aPlus = units(ap)
        aMinus = units(am)
        wMin = units(rule.wMin)
        wMax = units(rule.wMax)
        aPlusFraction = Int32(min(max((ap * Double(Self.one)).rounded(), 0), Double(Int32.max >> 12)))
        aMinusFraction = Int32(min(max((am * Double(Self.one)).rounded(), 0), Double(Int32.max >> 12)))
    }

    public var zeroTrace: Int32 { 0 }
    public var oneTrace: Int32 { Self.one }
    public var horizon: Int { Self.tableSize }
    public func decayPlus(_ ticks: Int) -> Int32 { ticks >= 0 && ticks < Self.tableSize ? plus[ticks] : 0 }
    public func decayMinus(_ ticks: Int) -> Int32 { ticks >= 0 && ticks < Self.tableSize ? minus[ticks] : 0 }
    public func multiply(_ a: Int32, _ b: Int32) -> Int32 { Int32(truncatingIfNeeded: (Int64(a) * Int64(b)) >> 11) }
    public func add(_ a: Int32, _ b: Int32) -> Int32 { a &+ b }

    public func potentiate(_ w: Int32, by x: Int32) -> Int32 { change(w, plus: x, minus: 0) }
    public func depress(_ w: Int32, by y: Int32) -> Int32 { change(w, plus: 0, minus: y) }

    public func change(_ w: Int32, plus x: Int32, minus y: Int32) -> Int32 {
        let additive = rule.weightDependence == .additive
        let up = additive ? (Int64(aPlus) * Int64(x)) >> 11 : (Int64(wMax - w) * ((Int64(aPlusFraction) * Int64(x)) >> 11)) >> 11
        let down = additive ? (Int64(aMinus) * Int64(y)) >> 11 : (Int64(w - wMin) * ((Int64(aMinusFraction) * Int64(y)) >> 11)) >> 11
        return Int32(min(max(Int64(w) + up - down, Int64(wMin)), Int64(wMax)))
    }
}
